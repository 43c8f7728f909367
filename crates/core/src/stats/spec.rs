//! A statistics question as people write it (API query strings, CLI flags, page forms):
//! `rows=township&cols=month&measures=events,closure_rate&period=2026-11&filter=category1:S`.
//! Parsing lives here once; every error names its field.

use super::cube::Query;
use super::dims::Dim;
use super::measure::Measure;
use super::period::Period;
use crate::error::DataReason as D;
use crate::FieldError;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct QuerySpec {
    /// Row dimension (default `all`).
    pub rows: Option<String>,
    /// Column dimension (default `all`).
    pub cols: Option<String>,
    /// Comma-separated measure codes (or Chinese names).
    pub measures: Option<String>,
    /// A named period: `2026-11`, `2026-Q4`, `2026`, `2026-W45`, `2026-11-03`,
    /// `2026-10-01..2026-12-31`. Default: the month of `now`.
    pub period: Option<String>,
    /// Or a first and last day (both included).
    pub from: Option<String>,
    pub to: Option<String>,
    /// `dim:key,key;dim:key`, e.g. `township:T01;category1:S`.
    pub filter: Option<String>,
}

fn nonempty(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn dim(field: &str, v: Option<&str>, errs: &mut Vec<FieldError>) -> Dim {
    match v {
        None => Dim::All,
        Some(s) => Dim::parse(s).unwrap_or_else(|| {
            errs.push(FieldError::new(
                "",
                field,
                D::UnknownDim {
                    value: s.to_string(),
                    choices: Dim::CHOICES
                        .iter()
                        .map(|d| d.code())
                        .collect::<Vec<_>>()
                        .join(", "),
                },
            ));
            Dim::All
        }),
    }
}

impl QuerySpec {
    /// The period this spec names (`now_ms`'s month when none).
    pub fn period(&self, now_ms: i64) -> Result<Period, FieldError> {
        if let Some(p) = nonempty(&self.period) {
            return Period::parse(p).map_err(|e| FieldError::new("", "period", e));
        }
        match (nonempty(&self.from), nonempty(&self.to)) {
            (None, None) => Ok(Period::month_of(now_ms)),
            (Some(a), Some(b)) => {
                Period::parse(&format!("{a}..{b}")).map_err(|e| FieldError::new("", "from", e))
            }
            (None, Some(_)) => Err(FieldError::new("", "from", D::FirstDay)),
            (Some(_), None) => Err(FieldError::new("", "to", D::LastDay)),
        }
    }

    /// The question, or every problem with it.
    pub fn to_query(&self, now_ms: i64) -> Result<(Query, Period), Vec<FieldError>> {
        let mut errs = vec![];
        let rows = dim("rows", nonempty(&self.rows), &mut errs);
        let cols = dim("cols", nonempty(&self.cols), &mut errs);
        let mut measures = vec![];
        match nonempty(&self.measures) {
            None => measures.push(Measure::Events),
            Some(list) => {
                for m in list.split(',').map(str::trim).filter(|m| !m.is_empty()) {
                    match Measure::parse(m) {
                        Some(x) if !measures.contains(&x) => measures.push(x),
                        Some(_) => {}
                        None => errs.push(FieldError::new(
                            "",
                            "measures",
                            D::UnknownMeasure {
                                value: m.to_string(),
                            },
                        )),
                    }
                }
            }
        }
        if measures.len() > 24 {
            errs.push(FieldError::new(
                "",
                "measures",
                D::TooManyMeasures { max: 24 },
            ));
        }
        let mut filters = vec![];
        if let Some(f) = nonempty(&self.filter) {
            for part in f.split(';').map(str::trim).filter(|p| !p.is_empty()) {
                let Some((d, vals)) = part.split_once(':') else {
                    errs.push(FieldError::new(
                        "",
                        "filter",
                        D::FilterShape {
                            part: part.to_string(),
                        },
                    ));
                    continue;
                };
                let d = dim("filter", Some(d.trim()), &mut errs);
                let vals: Vec<String> = vals
                    .split(',')
                    .map(|v| v.trim().to_string())
                    .filter(|v| !v.is_empty())
                    .collect();
                if vals.is_empty() {
                    errs.push(FieldError::new(
                        "",
                        "filter",
                        D::FilterEmpty {
                            part: part.to_string(),
                        },
                    ));
                }
                filters.push((d, vals));
            }
        }
        let period = match self.period(now_ms) {
            Ok(p) => Some(p),
            Err(e) => {
                errs.push(e);
                None
            }
        };
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
                p,
            )),
            _ => Err(errs),
        }
    }

    /// The spec of a query (for links: drill-downs, exports, the other language).
    pub fn of(q: &Query, period: &Period) -> QuerySpec {
        let filter = q
            .filters
            .iter()
            .map(|(d, v)| format!("{}:{}", d.code(), v.join(",")))
            .collect::<Vec<_>>()
            .join(";");
        QuerySpec {
            rows: Some(q.rows.code()),
            cols: Some(q.cols.code()),
            measures: Some(
                q.measures
                    .iter()
                    .map(|m| m.code())
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            period: Some(period.name.clone()),
            from: None,
            to: None,
            filter: (!filter.is_empty()).then_some(filter),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_794_000_000_000; // 2026-11-07

    #[test]
    fn specs_parse_and_round_trip() {
        let s = QuerySpec {
            rows: Some("township".into()),
            cols: Some("month".into()),
            measures: Some("events, 结案率,events".into()),
            period: Some("2026-Q4".into()),
            filter: Some("category1:S,X; channel:grid_report".into()),
            ..Default::default()
        };
        let (q, p) = s.to_query(NOW).unwrap();
        assert_eq!(q.rows, Dim::Township);
        assert_eq!(q.measures, vec![Measure::Events, Measure::ClosureRate]);
        assert_eq!(q.filters.len(), 2);
        assert_eq!(p.name, "2026-Q4");
        let again = QuerySpec::of(&q, &p).to_query(NOW).unwrap();
        assert_eq!(again.0, q);
        let (d, p) = QuerySpec::default().to_query(NOW).unwrap();
        assert_eq!(
            (d.rows, d.measures.clone(), p.name.as_str()),
            (Dim::All, vec![Measure::Events], "2026-11")
        );
        let r = QuerySpec {
            from: Some("2026-10-01".into()),
            to: Some("2026-10-31".into()),
            ..Default::default()
        };
        assert_eq!(r.to_query(NOW).unwrap().1.name, "2026-10-01..2026-10-31");
    }

    #[test]
    fn every_problem_names_its_field() {
        let s = QuerySpec {
            rows: Some("planet".into()),
            measures: Some("events,happiness".into()),
            period: Some("2026-13".into()),
            filter: Some("township".into()),
            ..Default::default()
        };
        let e = s.to_query(NOW).unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["rows", "measures", "filter", "period"]);
        assert!(e[1].message().contains("happiness"));
        let half = QuerySpec {
            to: Some("2026-10-31".into()),
            ..Default::default()
        };
        assert_eq!(half.to_query(NOW).unwrap_err()[0].field, "from");
    }
}
