//! xlsx downloads: the explorer's table as shown, and (for the assessment pages) any sheet of
//! text and numbers.

use super::{guard, parse};
use crate::error::PageError;
use crate::i18n::Lang;
use crate::session::PageSession;
use crate::AppState;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use tiaokuai_app::now_ms;
use tiaokuai_core::stats::{Table, Value};

/// One spreadsheet cell.
pub enum X {
    S(String),
    N(f64),
    Empty,
}

impl X {
    fn of(v: Value, zh: bool) -> X {
        match v {
            Value::Count(n) => X::N(n as f64),
            Value::Rate(Some(r)) => X::N((r * 10_000.0).round() / 100.0),
            Value::Duration(Some(ms)) => X::N((ms as f64 / 360_000.0).round() / 10.0),
            other => X::S(other.display(zh)),
        }
    }
}

/// A workbook of one sheet: a bold title line, then `rows` (the first of them bold).
pub fn xlsx(title: &str, rows: &[Vec<X>]) -> Result<Vec<u8>, String> {
    let err = |e: rust_xlsxwriter::XlsxError| e.to_string();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let ws = wb.add_worksheet();
    ws.write_string_with_format(0, 0, title, &bold)
        .map_err(err)?;
    for (r, row) in rows.iter().enumerate() {
        let rr = r as u32 + 2;
        for (c, x) in row.iter().enumerate() {
            let cc = c as u16;
            match x {
                X::S(s) if r == 0 => ws.write_string_with_format(rr, cc, s, &bold),
                X::S(s) => ws.write_string(rr, cc, s),
                X::N(n) => ws.write_number(rr, cc, *n),
                X::Empty => continue,
            }
            .map_err(err)?;
        }
    }
    wb.save_to_buffer().map_err(err)
}

/// The download response of a workbook.
pub fn download(name: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (
                "content-type",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                "content-disposition",
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// The table's rows: a heading row (column × measure; rates in percent, durations in working
/// hours), one row per row heading, and the totals.
pub fn table_rows(t: &Table, zh: bool) -> Vec<Vec<X>> {
    let total = if zh { "合计" } else { "Total" };
    let mut head = vec![X::S(String::new())];
    for c in t
        .cols
        .iter()
        .map(|c| c.label.as_str())
        .chain(std::iter::once(total))
    {
        for m in &t.measures {
            let unit = match m.kind() {
                tiaokuai_core::stats::Kind::Rate => "(%)",
                tiaokuai_core::stats::Kind::Duration => {
                    if zh {
                        "(工作小时)"
                    } else {
                        "(working h)"
                    }
                }
                _ => "",
            };
            let name = if c.is_empty() {
                format!("{}{unit}", m.label(zh))
            } else {
                format!("{} · {}{unit}", c, m.label(zh))
            };
            head.push(X::S(name));
        }
    }
    let mut rows = vec![head];
    for (ri, r) in t.rows.iter().enumerate() {
        let mut row = vec![X::S(r.label.clone())];
        for c in &t.cells[ri] {
            row.extend(c.iter().map(|v| X::of(*v, zh)));
        }
        row.extend(t.row_totals[ri].iter().map(|v| X::of(*v, zh)));
        rows.push(row);
    }
    let mut last = vec![X::S(total.into())];
    for c in &t.col_totals {
        last.extend(c.iter().map(|v| X::of(*v, zh)));
    }
    last.extend(t.total.iter().map(|v| X::of(*v, zh)));
    rows.push(last);
    rows
}

/// `/stats/export.xlsx?…`: the explorer's current table.
pub async fn table_xlsx(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    guard(&s)?;
    let l = s.lang;
    let zh = l == Lang::Zh;
    let now = now_ms();
    let (q, p) = parse(&pairs, now).map_err(|e| PageError {
        status: axum::http::StatusCode::BAD_REQUEST,
        message: e
            .iter()
            .map(|x| x.to_string())
            .collect::<Vec<_>>()
            .join("; "),
        lang: l,
    })?;
    let t = state
        .engine
        .stats(&s.principal, &q, zh, now)
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let title = format!(
        "{} {} · {} × {}",
        l.pick("统计表", "Statistics"),
        p.period,
        q.rows.label(zh),
        q.cols.label(zh)
    );
    let bytes = xlsx(&title, &table_rows(&t, zh)).map_err(|e| PageError {
        status: axum::http::StatusCode::INTERNAL_SERVER_ERROR,
        message: e,
        lang: l,
    })?;
    Ok(download(&format!("stats-{}.xlsx", p.period), bytes))
}
