//! Reading special days from CSV: `date,kind,name[,source]`.

use super::{DayKind, SpecialDay, WorkCalendar};
use crate::error::DataReason as D;
use crate::{DomainError, FieldError};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// Column positions found in the header.
struct Columns {
    date: usize,
    kind: usize,
    name: usize,
}

fn header_columns(header: &csv::StringRecord) -> Result<Columns, Vec<FieldError>> {
    let find = |names: &[&str]| {
        header.iter().position(|h| {
            let h = h.trim().trim_start_matches('\u{feff}').to_ascii_lowercase();
            names.contains(&h.as_str())
        })
    };
    let date = find(&["date", "日期"]);
    let kind = find(&["kind", "类型"]);
    let name = find(&["name", "名称"]);
    match (date, kind, name) {
        (Some(date), Some(kind), Some(name)) => Ok(Columns { date, kind, name }),
        _ => {
            let missing = [("date", date), ("kind", kind), ("name", name)];
            Err(missing
                .iter()
                .filter(|(_, c)| c.is_none())
                .map(|(f, _)| FieldError::new("row 1", *f, D::CalendarColumn { column: f }))
                .collect())
        }
    }
}

/// `2026-02-14`; also `2026/2/14`, `2026.2.14` and `2026年2月14日`, as spreadsheets write them.
fn parse_date(s: &str) -> Option<NaiveDate> {
    ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(s, f).ok())
}

/// The row a spreadsheet shows for a record: its physical line (blank lines count, as they show as
/// empty rows) less the newlines inside quoted fields of earlier records.
struct RowCounter<'a> {
    bytes: &'a [u8],
    counted_to: usize,
    newlines: u64,
    in_fields: u64,
}

impl<'a> RowCounter<'a> {
    fn new(text: &'a str) -> Self {
        RowCounter {
            bytes: text.as_bytes(),
            counted_to: 0,
            newlines: 0,
            in_fields: 0,
        }
    }

    fn row_at(&mut self, pos: Option<&csv::Position>) -> u64 {
        let byte = pos.map_or(self.counted_to, |p| {
            usize::try_from(p.byte()).unwrap_or(usize::MAX)
        });
        // csv reports a record after blank lines at the first blank line: skip to its first byte.
        let mut start = byte.max(self.counted_to).min(self.bytes.len());
        while matches!(self.bytes.get(start), Some(b'\n' | b'\r')) {
            start += 1;
        }
        let seen = self.bytes.get(self.counted_to..start).unwrap_or(&[]);
        self.newlines += seen.iter().filter(|&&b| b == b'\n').count() as u64;
        self.counted_to = start;
        (self.newlines + 1).saturating_sub(self.in_fields).max(1)
    }

    fn inside_fields(&mut self, record: &csv::StringRecord) {
        let n: usize = record.iter().map(|f| f.matches('\n').count()).sum();
        self.in_fields += n as u64;
    }
}

impl WorkCalendar {
    /// Special days from CSV with the header `date,kind,name` and an optional `source` column (any
    /// order; 日期/类型/名称 also work). `kind` is `holiday`/`workday` or 休/假/班/上班. Every
    /// problem is reported, as [`DomainError::Invalid`] with the location `row N` (the row a
    /// spreadsheet shows; the header is row 1) and the field `date` or `kind`. A date listed twice
    /// is an error. Blank rows are skipped.
    pub fn parse_csv(text: &str) -> Result<Vec<SpecialDay>, DomainError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut errors = Vec::new();
        let mut out = Vec::new();
        let mut seen: BTreeMap<NaiveDate, u64> = BTreeMap::new();
        let mut cols: Option<Columns> = None;
        let mut rows = RowCounter::new(text);
        let mut record = csv::StringRecord::new();
        loop {
            match reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => {
                    let r = rows.row_at(e.position());
                    errors.push(FieldError::new(
                        format!("row {r}"),
                        "",
                        D::CsvUnreadable {
                            detail: e.to_string(),
                        },
                    ));
                    if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                        break;
                    }
                    continue;
                }
            }
            let r = rows.row_at(record.position());
            rows.inside_fields(&record);
            let Some(c) = &cols else {
                match header_columns(&record) {
                    Ok(c) => cols = Some(c),
                    Err(mut e) => {
                        for fe in &mut e {
                            fe.location = format!("row {r}");
                        }
                        return Err(DomainError::Invalid(e));
                    }
                }
                continue;
            };
            if record.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            let loc = format!("row {r}");
            let field = |i: usize| record.get(i).unwrap_or("").trim();
            let (date_s, kind_s, name) = (field(c.date), field(c.kind), field(c.name));
            let date = if date_s.is_empty() {
                errors.push(FieldError::new(&loc, "date", D::DateMissing));
                None
            } else {
                match parse_date(date_s) {
                    Some(d) => Some(d),
                    None => {
                        errors.push(FieldError::new(
                            &loc,
                            "date",
                            D::CalendarDate {
                                value: date_s.to_string(),
                            },
                        ));
                        None
                    }
                }
            };
            let kind = DayKind::parse(kind_s);
            if kind.is_none() {
                errors.push(FieldError::new(
                    &loc,
                    "kind",
                    D::DayKind {
                        value: kind_s.to_string(),
                    },
                ));
            }
            if let Some(d) = date {
                if let Some(first) = seen.get(&d) {
                    errors.push(FieldError::new(
                        &loc,
                        "date",
                        D::DateTwice {
                            date: d.to_string(),
                            first: *first,
                        },
                    ));
                } else {
                    seen.insert(d, r);
                }
            }
            if let (Some(date), Some(kind)) = (date, kind) {
                out.push(SpecialDay {
                    date,
                    kind,
                    name: name.to_string(),
                });
            }
        }
        if cols.is_none() {
            errors.push(FieldError::new("row 1", "date", D::CalendarEmpty));
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(DomainError::Invalid(errors))
        }
    }
}
