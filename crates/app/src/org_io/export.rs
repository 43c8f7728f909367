//! Exporting the organisation in the same layout the importer reads.

use super::columns::TableKind;
use crate::error::{AppError, Result};
use std::path::Path;
use tiaokuai_core::CountyState;

fn rows(state: &CountyState, kind: TableKind) -> Vec<Vec<String>> {
    let org = &state.org;
    match kind {
        TableKind::Units => {
            // Parents before children, so the file imports in order.
            let mut out = Vec::new();
            let mut stack: Vec<&str> = org
                .units
                .values()
                .filter(|u| u.parent.is_none())
                .map(|u| u.code.as_str())
                .collect();
            stack.reverse();
            let mut done = std::collections::BTreeSet::new();
            while let Some(code) = stack.pop() {
                let Some(u) = org.units.get(code) else {
                    continue;
                };
                if !done.insert(code) {
                    continue;
                }
                out.push(vec![
                    u.code.clone(),
                    u.name.clone(),
                    u.short_name.clone(),
                    u.aliases.join("、"),
                    u.kind.label_zh().to_string(),
                    u.parent.clone().unwrap_or_default(),
                    u.owner_department.clone().unwrap_or_default(),
                    u.township.clone().unwrap_or_default(),
                ]);
                let mut kids: Vec<&str> = org.children(code).map(|c| c.code.as_str()).collect();
                kids.reverse();
                stack.extend(kids);
            }
            out
        }
        TableKind::People => org
            .people
            .values()
            .map(|p| {
                vec![
                    p.person.username.clone(),
                    p.person.name.clone(),
                    p.person.phone.clone(),
                    p.person.unit.clone(),
                    p.grants
                        .iter()
                        .map(|g| g.to_string())
                        .collect::<Vec<_>>()
                        .join(";"),
                ]
            })
            .collect(),
        TableKind::Grids => org
            .grids
            .values()
            .map(|g| {
                vec![
                    g.code.clone(),
                    g.name.clone(),
                    g.kind.label_zh().to_string(),
                    g.village.clone(),
                    g.leader.clone().unwrap_or_default(),
                    g.workers.join(";"),
                    g.geometry.clone(),
                ]
            })
            .collect(),
    }
}

const KINDS: [TableKind; 3] = [TableKind::Units, TableKind::People, TableKind::Grids];

/// One workbook with the sheets 单位, 人员, 网格.
pub fn export_xlsx(state: &CountyState, path: &Path) -> Result<()> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for kind in KINDS {
        let ws = wb.add_worksheet();
        let err = |e: rust_xlsxwriter::XlsxError| AppError::Io(e.to_string());
        ws.set_name(kind.sheet_name()).map_err(err)?;
        for (c, col) in kind.columns().iter().enumerate() {
            ws.write_string_with_format(0, c as u16, col.header, &bold)
                .map_err(err)?;
            ws.set_column_width(c as u16, 18).map_err(err)?;
        }
        for (r, row) in rows(state, kind).iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                ws.write_string(r as u32 + 1, c as u16, v).map_err(err)?;
            }
        }
    }
    wb.save(path)
        .map_err(|e| AppError::Io(format!("{}: {e}", path.display())))
}

/// One table as CSV (UTF-8 with BOM so spreadsheet programs detect the encoding).
pub fn export_csv(state: &CountyState, kind: TableKind, path: &Path) -> Result<()> {
    let io = |e: std::io::Error| AppError::Io(format!("{}: {e}", path.display()));
    let mut buf: Vec<u8> = "\u{feff}".as_bytes().to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut buf);
        let headers: Vec<&str> = kind.columns().iter().map(|c| c.header).collect();
        w.write_record(&headers)
            .map_err(|e| AppError::Io(e.to_string()))?;
        for row in rows(state, kind) {
            w.write_record(&row)
                .map_err(|e| AppError::Io(e.to_string()))?;
        }
        w.flush().map_err(io)?;
    }
    std::fs::write(path, buf).map_err(io)
}
