//! Statistics tables and assessment results as grids of text, CSV and xlsx: one layout for
//! the pages' downloads and the CLI.

use crate::error::{AppError, Result};
use rust_xlsxwriter::{Format, Workbook};
use tiaokuai_core::assess::{IndicatorResult, UnitResult};
use tiaokuai_core::stats::{Dim, Table};

/// Header row plus one row per table row and a total row. With a column dimension other than
/// `all`, each column × measure is a column of its own.
pub fn table_grid(t: &Table, zh: bool) -> Vec<Vec<String>> {
    let one_col = t.cols.len() <= 1 && t.cols_dim == "all";
    let rows_label = Dim::parse(&t.rows_dim)
        .map(|d| d.label(zh))
        .unwrap_or_default();
    let mut header = vec![rows_label];
    for c in &t.cols {
        for m in &t.measures {
            header.push(if one_col {
                m.label(zh).to_string()
            } else {
                format!("{} · {}", c.label, m.label(zh))
            });
        }
    }
    if !one_col {
        for m in &t.measures {
            header.push(format!(
                "{} · {}",
                if zh { "合计" } else { "Total" },
                m.label(zh)
            ));
        }
    }
    let mut out = vec![header];
    for (ri, r) in t.rows.iter().enumerate() {
        let mut line = vec![r.label.clone()];
        for cell in t.cells.get(ri).into_iter().flatten() {
            line.extend(cell.iter().map(|v| v.display(zh)));
        }
        if !one_col {
            if let Some(tot) = t.row_totals.get(ri) {
                line.extend(tot.iter().map(|v| v.display(zh)));
            }
        }
        out.push(line);
    }
    let mut total = vec![if zh { "合计" } else { "Total" }.to_string()];
    for c in &t.col_totals {
        total.extend(c.iter().map(|v| v.display(zh)));
    }
    if !one_col {
        total.extend(t.total.iter().map(|v| v.display(zh)));
    }
    out.push(total);
    out
}

/// A grid as CSV (RFC 4180 quoting).
pub fn csv(grid: &[Vec<String>]) -> Result<String> {
    let mut w = csv::Writer::from_writer(vec![]);
    for row in grid {
        w.write_record(row)
            .map_err(|e| AppError::Io(format!("csv: {e}")))?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| AppError::Io(format!("csv: {e}")))?;
    String::from_utf8(bytes).map_err(|e| AppError::Io(format!("csv: {e}")))
}

/// A grid as an xlsx workbook with one sheet, the header in bold.
pub fn xlsx(sheet: &str, grid: &[Vec<String>]) -> Result<Vec<u8>> {
    let xe = |e: rust_xlsxwriter::XlsxError| AppError::Io(format!("xlsx: {e}"));
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet).map_err(xe)?;
    let bold = Format::new().set_bold();
    for (r, row) in grid.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            // Plain numbers stay numbers so the sheet can sum them.
            match cell.parse::<f64>() {
                Ok(n) if r > 0 => ws.write_number(r, c, n).map_err(xe)?,
                _ if r == 0 => ws.write_string_with_format(r, c, cell, &bold).map_err(xe)?,
                _ => ws.write_string(r, c, cell).map_err(xe)?,
            };
        }
    }
    ws.autofit();
    wb.save_to_buffer().map_err(xe)
}

fn explain(i: &IndicatorResult, depth: usize, zh: bool, out: &mut Vec<String>) {
    let pad = "  ".repeat(depth);
    out.push(format!(
        "{pad}{} {}: {} / {}",
        i.code, i.name, i.score, i.weight
    ));
    for l in &i.lines {
        let events = if l.events.is_empty() {
            String::new()
        } else {
            let ids: Vec<String> = l.events.iter().map(|e| e.to_string()).collect();
            format!(
                " [{} {}]",
                if zh { "事件" } else { "events" },
                ids.join(",")
            )
        };
        out.push(format!(
            "{pad}  {:+}  {}{events}",
            l.points,
            if zh { &l.zh } else { &l.en }
        ));
    }
    for c in &i.children {
        explain(c, depth + 1, zh, out);
    }
}

/// Ranking and per-point explanations as plain text.
pub fn results_text(results: &[UnitResult], name: impl Fn(&str) -> String, zh: bool) -> String {
    let mut out = vec![];
    for r in results {
        out.push(format!(
            "{:>3}. {} {}  {} ({})",
            r.rank,
            r.unit,
            name(&r.unit),
            r.score,
            if zh {
                r.band.label_zh()
            } else {
                r.band.label_en()
            }
        ));
        for i in &r.indicators {
            explain(i, 1, zh, &mut out);
        }
    }
    out.join("\n") + "\n"
}

/// Ranking with one column per top-level indicator.
pub fn results_grid(
    results: &[UnitResult],
    name: impl Fn(&str) -> String,
    zh: bool,
) -> Vec<Vec<String>> {
    let mut header: Vec<String> = if zh {
        vec![
            "排名".into(),
            "单位代码".into(),
            "单位".into(),
            "得分".into(),
            "等次".into(),
        ]
    } else {
        vec![
            "Rank".into(),
            "Code".into(),
            "Unit".into(),
            "Score".into(),
            "Band".into(),
        ]
    };
    if let Some(first) = results.iter().find(|r| !r.indicators.is_empty()) {
        header.extend(
            first
                .indicators
                .iter()
                .map(|i| format!("{} ({})", i.name, i.weight)),
        );
    }
    let mut out = vec![header];
    for r in results {
        let mut row = vec![
            r.rank.to_string(),
            r.unit.clone(),
            name(&r.unit),
            r.score.to_string(),
            if zh {
                r.band.label_zh()
            } else {
                r.band.label_en()
            }
            .to_string(),
        ];
        row.extend(r.indicators.iter().map(|i| i.score.to_string()));
        out.push(row);
    }
    out
}
