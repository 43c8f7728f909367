//! Reading spreadsheets into plain tables of strings, finding the header row under any title
//! rows.

use super::columns::TableKind;
use super::limits::{check_zip, CellBudget};
use std::path::Path;
use tiaokuai_core::error::{FieldReason, ImportReason};
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
            errors.push(FieldError::new(source, "sheet", FieldReason::Empty));
            continue;
        }
        match locate_header(&grid) {
            Some((idx, kind)) => {
                let headers: Vec<String> = grid
                    .get(idx)
                    .cloned()
                    .unwrap_or_default()
                    .iter()
                    .map(|h| normalise_header(h))
                    .collect();
                let rows = grid
                    .iter()
                    .enumerate()
                    .skip(idx + 1)
                    .filter(|(_, r)| r.iter().any(|c| !c.trim().is_empty()))
                    .map(|(i, r)| (i + 1, r.clone()))
                    .collect();
                tables.push(Table {
                    source,
                    kind,
                    header_row: idx + 1,
                    headers,
                    rows,
                });
            }
            None => errors.push(FieldError::new(source, "header", ImportReason::NoOrgHeader)),
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

/// Reads every sheet of a .xlsx/.xls workbook, or a .csv file, as raw cells.
pub fn read_raw(path: &Path) -> Result<Vec<RawTable>, Vec<FieldError>> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let err = |detail: String| {
        vec![FieldError::new(
            name.clone(),
            "file",
            ImportReason::FileUnreadable { detail },
        )]
    };
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
    } else if lower.ends_with(".xlsx") || lower.ends_with(".xlsm") {
        read_xlsx(path, &name).map_err(err)
    } else if lower.ends_with(".xls") {
        read_xls(path, &name).map_err(err)
    } else {
        Err(err(
            "unsupported file type: use .xlsx, .xls or .csv (save other spreadsheets as .xlsx)"
                .into(),
        ))
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
    let mut budget = CellBudget::default();
    let mut grid = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| format!("row {}: {e}", i + 1))?;
        let row = u32::try_from(i).unwrap_or(u32::MAX);
        let mut cells = Vec::with_capacity(rec.len());
        for (ci, c) in rec.iter().enumerate() {
            if !c.is_empty() {
                budget.take(name, row, u32::try_from(ci).unwrap_or(u32::MAX))?;
            }
            cells.push(c.to_string());
        }
        grid.push(cells);
    }
    Ok((name.to_string(), grid, vec![]))
}

/// One cell's text, or the error a formula left in it.
fn cell_text(cell: &calamine::DataRef<'_>) -> Result<String, String> {
    use calamine::DataRef as D;
    Ok(match cell {
        D::Empty => String::new(),
        D::String(s) | D::DateTimeIso(s) | D::DurationIso(s) => s.clone(),
        D::SharedString(s) => s.to_string(),
        D::Int(i) => i.to_string(),
        D::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        D::Float(f) => f.to_string(),
        D::Bool(b) => b.to_string(),
        D::DateTime(d) => crate::cst::excel_date(d.as_f64()),
        D::Error(e) => return Err(format!("cell holds a formula error ({e:?})")),
    })
}

/// Places a cell into a sparse-read grid (rows and columns 0-based).
fn put(grid: &mut Vec<Vec<String>>, row: u32, col: u32, text: String) {
    let (r, c) = (row as usize, col as usize);
    if grid.len() <= r {
        grid.resize_with(r + 1, Vec::new);
    }
    let cells = &mut grid[r];
    if cells.len() <= c {
        cells.resize(c + 1, String::new());
    }
    cells[c] = text;
}

/// .xlsx: the inflated size is checked first, then cells are streamed one by one, so neither
/// a zip bomb nor a sheet with a far-away cell can make a huge grid.
fn read_xlsx(path: &Path, name: &str) -> Result<Vec<RawTable>, String> {
    use calamine::{open_workbook, Reader, Xlsx};
    check_zip(path)?;
    let mut wb: Xlsx<_> =
        open_workbook(path).map_err(|e| format!("not a readable workbook: {e}"))?;
    let mut budget = CellBudget::default();
    let mut out = Vec::new();
    for sheet in wb.sheet_names().to_vec() {
        let source = format!("{name} {sheet}");
        let mut reader = wb
            .worksheet_cells_reader(&sheet)
            .map_err(|e| format!("sheet {sheet}: {e}"))?;
        let mut grid: Vec<Vec<String>> = Vec::new();
        let mut errors = Vec::new();
        while let Some(cell) = reader
            .next_cell()
            .map_err(|e| format!("sheet {sheet}: {e}"))?
        {
            let (row, col) = cell.get_position();
            if cell.get_value() == &calamine::DataRef::Empty {
                continue;
            }
            budget.take(&source, row, col)?;
            match cell_text(cell.get_value()) {
                Ok(text) => put(&mut grid, row, col, text),
                Err(detail) => errors.push(FieldError::new(
                    format!("{source} row {}", row as u64 + 1),
                    format!("column {}", col as u64 + 1),
                    ImportReason::CellUnreadable { detail },
                )),
            }
        }
        out.push((source, grid, errors));
    }
    Ok(out)
}

/// .xls (the old binary format) is bounded by the format itself: 65,536 rows × 256 columns.
fn read_xls(path: &Path, name: &str) -> Result<Vec<RawTable>, String> {
    use calamine::{open_workbook, Data, Reader, Xls};
    let mut wb: Xls<_> =
        open_workbook(path).map_err(|e| format!("not a readable workbook: {e}"))?;
    let mut budget = CellBudget::default();
    let mut out = Vec::new();
    for sheet in wb.sheet_names().to_vec() {
        let range = wb
            .worksheet_range(&sheet)
            .map_err(|e| format!("sheet {sheet}: {e}"))?;
        let source = format!("{name} {sheet}");
        let mut grid: Vec<Vec<String>> = Vec::new();
        let mut errors = Vec::new();
        for (row, col, cell) in range.used_cells() {
            let (row, col) = (row as u32, col as u32);
            let (row, col) = match range.start() {
                Some((r0, c0)) => (row + r0, col + c0),
                None => (row, col),
            };
            budget.take(&source, row, col)?;
            let text = match cell {
                Data::Error(e) => Err(format!("cell holds a formula error ({e:?})")),
                Data::String(s) => Ok(s.clone()),
                Data::Int(i) => Ok(i.to_string()),
                Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => {
                    Ok(format!("{}", *f as i64))
                }
                Data::Float(f) => Ok(f.to_string()),
                Data::Bool(b) => Ok(b.to_string()),
                Data::DateTime(d) => Ok(crate::cst::excel_date(d.as_f64())),
                Data::DateTimeIso(s) | Data::DurationIso(s) => Ok(s.clone()),
                Data::Empty => Ok(String::new()),
            };
            match text {
                Ok(t) => put(&mut grid, row, col, t),
                Err(detail) => errors.push(FieldError::new(
                    format!("{source} row {}", row as u64 + 1),
                    format!("column {}", col as u64 + 1),
                    ImportReason::CellUnreadable { detail },
                )),
            }
        }
        out.push((source, grid, errors));
    }
    Ok(out)
}
