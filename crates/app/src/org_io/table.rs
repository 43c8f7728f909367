//! Reading spreadsheets into plain tables of strings, finding the header row under any title
//! rows.

use super::columns::TableKind;
use std::path::Path;
use tiaokuai_core::FieldError;

/// One sheet (or CSV file) with its header row located.
#[derive(Debug, Clone)]
pub struct Table {
    /// `units.csv` or `org.xlsx 单位` — used in every error message.
    pub source: String,
    pub kind: TableKind,
    /// 1-based row number of the header in the file.
    pub header_row: usize,
    pub headers: Vec<String>,
    /// (1-based row number, cells), blank rows dropped.
    pub rows: Vec<(usize, Vec<String>)>,
}

impl Table {
    pub fn location(&self, row: usize) -> String {
        format!("{} row {row}", self.source)
    }
}

/// Largest accepted file.
pub const MAX_FILE_BYTES: u64 = 20 * 1024 * 1024;

pub fn read_tables(path: &Path) -> Result<Vec<Table>, Vec<FieldError>> {
    let raw = read_raw(path)?;
    let mut tables = Vec::new();
    let mut errors = Vec::new();
    for (source, grid, cell_errors) in raw {
        errors.extend(cell_errors);
        if grid.iter().all(|r| r.iter().all(|c| c.trim().is_empty())) {
            errors.push(FieldError::new(source, "sheet", "is empty"));
            continue;
        }
        match locate_header(&grid) {
            Some((idx, kind)) => {
                let headers: Vec<String> = grid.get(idx).cloned().unwrap_or_default().iter().map(|h| normalise_header(h)).collect();
                let rows = grid
                    .iter()
                    .enumerate()
                    .skip(idx + 1)
                    .filter(|(_, r)| r.iter().any(|c| !c.trim().is_empty()))
                    .map(|(i, r)| (i + 1, r.clone()))
                    .collect();
                tables.push(Table { source, kind, header_row: idx + 1, headers, rows });
            }
            None => errors.push(FieldError::new(
                source,
                "header",
                "no header row found in the first 10 rows (expected columns such as 编码/名称/类型, 账号/姓名, or 编码/边界)",
            )),
        }
    }
    if errors.is_empty() {
        Ok(tables)
    } else {
        Err(errors)
    }
}

fn normalise_header(h: &str) -> String {
    h.chars()
        .filter(|c| !c.is_whitespace() && *c != '*')
        .collect()
}

fn locate_header(grid: &[Vec<String>]) -> Option<(usize, TableKind)> {
    grid.iter().take(10).enumerate().find_map(|(i, row)| {
        let headers: Vec<String> = row.iter().map(|h| normalise_header(h)).collect();
        TableKind::detect(&headers).map(|k| (i, k))
    })
}

/// (source label, cells, cell-level errors) of one sheet.
pub type RawTable = (String, Vec<Vec<String>>, Vec<FieldError>);

/// Reads every sheet of a .xlsx/.xls/.ods workbook, or a .csv file, as raw cells.
pub fn read_raw(path: &Path) -> Result<Vec<RawTable>, Vec<FieldError>> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let err = |msg: String| vec![FieldError::new(name.clone(), "file", msg)];
    let meta = std::fs::metadata(path).map_err(|e| err(format!("cannot read: {e}")))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(err(format!(
            "file is {} bytes; the limit is {MAX_FILE_BYTES}",
            meta.len()
        )));
    }
    let lower = name.to_lowercase();
    if lower.ends_with(".csv") {
        Ok(vec![read_csv(path, &name).map_err(err)?])
    } else if lower.ends_with(".xlsx") || lower.ends_with(".xls") || lower.ends_with(".ods") {
        read_workbook(path, &name).map_err(err)
    } else {
        Err(err("unsupported file type: use .xlsx or .csv".into()))
    }
}

fn read_csv(path: &Path, name: &str) -> Result<RawTable, String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    let text = String::from_utf8(bytes)
        .map_err(|_| "is not UTF-8 text (save the CSV as UTF-8)".to_string())?;
    let text = text.trim_start_matches('\u{feff}');
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut grid = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| format!("row {}: {e}", i + 1))?;
        grid.push(rec.iter().map(|c| c.to_string()).collect());
    }
    Ok((name.to_string(), grid, vec![]))
}

fn read_workbook(path: &Path, name: &str) -> Result<Vec<RawTable>, String> {
    use calamine::{open_workbook_auto, Data, Reader};
    let mut wb = open_workbook_auto(path).map_err(|e| format!("not a readable workbook: {e}"))?;
    let mut out = Vec::new();
    for sheet in wb.sheet_names().to_vec() {
        let range = wb
            .worksheet_range(&sheet)
            .map_err(|e| format!("sheet {sheet}: {e}"))?;
        let source = format!("{name} {sheet}");
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let mut errors = Vec::new();
        let mut grid: Vec<Vec<String>> = vec![Vec::new(); r0 as usize];
        for (ri, row) in range.rows().enumerate() {
            let mut cells = vec![String::new(); c0 as usize];
            for (ci, cell) in row.iter().enumerate() {
                let s = match cell {
                    Data::Empty => String::new(),
                    Data::String(s) => s.clone(),
                    Data::Int(i) => i.to_string(),
                    Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => {
                        format!("{}", *f as i64)
                    }
                    Data::Float(f) => f.to_string(),
                    Data::Bool(b) => b.to_string(),
                    Data::DateTime(d) => crate::cst::excel_date(d.as_f64()),
                    Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
                    Data::Error(e) => {
                        errors.push(FieldError::new(
                            format!("{source} row {}", r0 as usize + ri + 1),
                            format!("column {}", c0 as usize + ci + 1),
                            format!("cell holds a formula error ({e:?})"),
                        ));
                        String::new()
                    }
                };
                cells.push(s);
            }
            grid.push(cells);
        }
        out.push((source, grid, errors));
    }
    Ok(out)
}
