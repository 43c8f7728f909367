//! Statistics pages: the explorer (rows × columns × measures over a period, with filters), the
//! drill-down to the events behind a cell, the xlsx export and the leader dashboard.
//!
//! The query string ↔ [`Query`] translation lives here only ([`parse`] and [`Params::qs`]);
//! every error names its field.

pub mod charts;
mod dashboard;
mod explorer;
pub mod export;

use crate::error::PageError;
use crate::session::Session;
use crate::AppState;
use axum::routing::get;
use axum::Router;
use tiaokuai_core::org::RoleKind;
use tiaokuai_core::stats::{Dim, Measure, Period, Query};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/stats", get(explorer::page))
        .route("/stats/events", get(explorer::drill))
        .route("/stats/export.xlsx", get(export::table_xlsx))
        .route("/stats/dashboard", get(dashboard::page))
}

/// Staff roles read statistics; grid workers (only) do not.
pub fn is_staff(s: &Session) -> bool {
    s.principal
        .grants
        .iter()
        .any(|g| g.role != RoleKind::GridWorker)
}

pub fn guard(s: &Session) -> Result<(), PageError> {
    if is_staff(s) {
        Ok(())
    } else {
        Err(PageError::forbidden(s.lang))
    }
}

/// The explorer's form values, normalised (what the page shows and links repeat).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Params {
    pub rows: String,
    pub cols: String,
    pub measures: Vec<String>,
    /// `2026-11`, `2026-Q4`, `2026`, or `2026-10-01..2026-12-31`.
    pub period: String,
    pub township: String,
    pub department: String,
    pub cat1: String,
    pub cat2: String,
    /// Any other filters, as the API writes them: `dim:key,key;dim:key` (e.g. `item:T/12`).
    pub filter: String,
}

/// A query-string problem: the field and what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamError {
    pub field: &'static str,
    pub message: String,
}

impl std::fmt::Display for ParamError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `key=value` pairs joined with `&`, values percent-encoded.
pub fn join_qs(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

impl Params {
    /// The query string that reproduces these parameters (without a leading `?`).
    pub fn qs(&self) -> String {
        let mut v: Vec<(&str, &str)> = vec![("rows", &self.rows), ("cols", &self.cols)];
        for m in &self.measures {
            v.push(("m", m));
        }
        v.push(("period", &self.period));
        for (k, x) in [
            ("township", &self.township),
            ("department", &self.department),
            ("cat1", &self.cat1),
            ("cat2", &self.cat2),
            ("filter", &self.filter),
        ] {
            if !x.is_empty() {
                v.push((k, x));
            }
        }
        join_qs(&v)
    }

    /// The same parameters with other rows and columns (for total drill-downs).
    pub fn with_dims(&self, rows: &str, cols: &str) -> Params {
        Params {
            rows: rows.into(),
            cols: cols.into(),
            ..self.clone()
        }
    }
}

/// The first value of `key`, trimmed.
pub fn first<'a>(pairs: &'a [(String, String)], key: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.trim())
        .unwrap_or("")
}

/// Reads the explorer's query string (`rows`, `cols`, repeated `m` or comma-separated,
/// `period` or `from`+`to` dates, `township`, `department`, `cat1`, `cat2`) into a [`Query`].
/// Missing values take defaults: townships × total, events, the month of `now_ms`.
pub fn parse(pairs: &[(String, String)], now_ms: i64) -> Result<(Query, Params), Vec<ParamError>> {
    let mut errs = vec![];
    let mut dim = |field: &'static str, default: &str| -> (Dim, String) {
        let raw = first(pairs, field);
        let raw = if raw.is_empty() { default } else { raw };
        match Dim::parse(raw) {
            Some(d) => (d, d.code()),
            None => {
                errs.push(ParamError {
                    field,
                    message: format!("unknown dimension '{raw}'"),
                });
                (Dim::All, raw.to_string())
            }
        }
    };
    let (rows, rows_s) = dim("rows", "township");
    let (cols, cols_s) = dim("cols", "all");
    let mut measures = vec![];
    // `m` (repeated, from the form) or `measures` (comma-separated, as the API writes it).
    for (k, v) in pairs {
        if k != "m" && k != "measures" {
            continue;
        }
        for code in v.split(',').map(str::trim).filter(|c| !c.is_empty()) {
            match Measure::parse(code) {
                Some(m) if !measures.contains(&m) => measures.push(m),
                Some(_) => {}
                None => errs.push(ParamError {
                    field: "m",
                    message: format!("unknown measure '{code}'"),
                }),
            }
        }
    }
    if measures.is_empty() && !pairs.iter().any(|(k, _)| k == "m" || k == "measures") {
        measures.push(Measure::Events);
    }
    if measures.is_empty() && errs.iter().all(|e| e.field != "m") {
        errs.push(ParamError {
            field: "m",
            message: "choose at least one measure".into(),
        });
    }
    let (from, to) = (first(pairs, "from"), first(pairs, "to"));
    let period_s = if !from.is_empty() || !to.is_empty() {
        if from.is_empty() || to.is_empty() {
            errs.push(ParamError {
                field: if from.is_empty() { "from" } else { "to" },
                message: "a range needs both its first and last day".into(),
            });
        }
        format!("{from}..{to}")
    } else {
        let p = first(pairs, "period");
        if p.is_empty() {
            Period::month_of(now_ms).name
        } else {
            p.to_string()
        }
    };
    let period = match Period::parse(&period_s) {
        Ok(p) => Some(p),
        Err(e) => {
            if errs.iter().all(|x| x.field != "from" && x.field != "to") {
                errs.push(ParamError {
                    field: "period",
                    message: e.to_string(),
                });
            }
            None
        }
    };
    let mut filters = vec![];
    let mut params = Params {
        rows: rows_s,
        cols: cols_s,
        measures: measures.iter().map(|m| m.code().to_string()).collect(),
        period: period.as_ref().map_or(period_s, |p| p.name.clone()),
        ..Default::default()
    };
    for (field, d) in [
        ("township", Dim::Township),
        ("department", Dim::Department),
        ("cat1", Dim::Category(1)),
        ("cat2", Dim::Category(2)),
    ] {
        let v = first(pairs, field);
        if v.is_empty() {
            continue;
        }
        if v.len() > 64 || v.chars().any(char::is_whitespace) {
            errs.push(ParamError {
                field,
                message: format!("'{v}' is not a code"),
            });
            continue;
        }
        filters.push((d, vec![v.to_string()]));
        match field {
            "township" => params.township = v.into(),
            "department" => params.department = v.into(),
            "cat1" => params.cat1 = v.into(),
            _ => params.cat2 = v.into(),
        }
    }
    let generic = first(pairs, "filter");
    if !generic.is_empty() {
        // The API's filter syntax, parsed by the one shared parser.
        let spec = tiaokuai_core::stats::QuerySpec {
            filter: Some(generic.to_string()),
            period: Some(params.period.clone()),
            ..Default::default()
        };
        match spec.to_query(now_ms) {
            Ok((q, _)) => {
                filters.extend(q.filters);
                params.filter = generic.to_string();
            }
            Err(es) => {
                errs.extend(
                    es.into_iter()
                        .filter(|e| e.field == "filter")
                        .map(|e| ParamError {
                            field: "filter",
                            message: e.message(),
                        }),
                )
            }
        }
    }
    match period {
        Some(p) if errs.is_empty() => Ok((
            Query {
                rows,
                cols,
                measures,
                filters,
                from_ms: p.from_ms(),
                to_ms: p.to_ms(),
            },
            params,
        )),
        _ => Err(errs),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(s: &[(&str, &str)]) -> Vec<(String, String)> {
        s.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn parses_and_round_trips() {
        let p = pairs(&[
            ("rows", "township"),
            ("cols", "month"),
            ("m", "events"),
            ("m", "closure_rate,满意率"),
            ("period", "2026-Q4"),
            ("cat2", "0103"),
        ]);
        let (q, params) = parse(&p, 0).unwrap();
        assert_eq!(q.rows, Dim::Township);
        assert_eq!(q.cols, Dim::Period(tiaokuai_core::stats::Grain::Month));
        assert_eq!(
            q.measures,
            vec![
                Measure::Events,
                Measure::ClosureRate,
                Measure::SatisfactionRate
            ]
        );
        assert_eq!(q.filters, vec![(Dim::Category(2), vec!["0103".into()])]);
        let p4 = Period::parse("2026-Q4").unwrap();
        assert_eq!((q.from_ms, q.to_ms), (p4.from_ms(), p4.to_ms()));
        // The query string it writes reads back to the same query.
        let again: Vec<(String, String)> = params
            .qs()
            .split('&')
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap();
                (k.to_string(), v.to_string())
            })
            .collect();
        assert_eq!(parse(&again, 0).unwrap().0, q);
        // Links written in the API's form (`measures`, `filter`) read the same way.
        let api = pairs(&[
            ("rows", "township"),
            ("measures", "events,disputed"),
            ("period", "2026-Q4"),
            ("filter", "item:T/12"),
        ]);
        let (q, params) = parse(&api, 0).unwrap();
        assert_eq!(q.measures, vec![Measure::Events, Measure::Disputed]);
        assert_eq!(q.filters, vec![(Dim::Item, vec!["T/12".into()])]);
        assert!(
            params.qs().contains("filter=item%3AT%2F12"),
            "{}",
            params.qs()
        );
        let e = parse(&pairs(&[("filter", "planet:x")]), 0).unwrap_err();
        assert_eq!(e[0].field, "filter");
    }

    #[test]
    fn defaults_and_ranges() {
        let now = Period::parse("2026-11").unwrap().from_ms() + 86_400_000;
        let (q, params) = parse(&[], now).unwrap();
        assert_eq!(q.rows, Dim::Township);
        assert_eq!(q.cols, Dim::All);
        assert_eq!(q.measures, vec![Measure::Events]);
        assert_eq!(params.period, "2026-11");
        let (q, _) = parse(&pairs(&[("from", "2026-10-01"), ("to", "2026-10-31")]), now).unwrap();
        assert_eq!(q.to_ms - q.from_ms, 31 * 86_400_000);
    }

    #[test]
    fn errors_name_their_field() {
        let e = parse(
            &pairs(&[
                ("rows", "planet"),
                ("m", "speed"),
                ("period", "next week"),
                ("township", "a b"),
            ]),
            0,
        )
        .unwrap_err();
        let fields: Vec<&str> = e.iter().map(|x| x.field).collect();
        assert_eq!(fields, vec!["rows", "m", "period", "township"]);
        let e = parse(&pairs(&[("from", "2026-10-01")]), 0).unwrap_err();
        assert_eq!(e[0].field, "to");
        let e = parse(&pairs(&[("m", "")]), 0).unwrap_err();
        assert_eq!(e[0].field, "m");
    }
}
