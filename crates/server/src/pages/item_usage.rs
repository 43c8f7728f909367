//! How often a list item was cited by events, by township and month (the last twelve months),
//! shown on the item page: the cube filtered to the item, as the viewer may see it.

use crate::AppState;
use tiaokuai_app::now_ms;
use tiaokuai_core::access::Principal;
use tiaokuai_core::stats::{Dim, Grain, Measure, Period, Query, Value};

#[derive(Default)]
pub struct Citations {
    /// The twelve months, as a period name for links.
    pub period: String,
    pub months: Vec<String>,
    /// (township, count per month, total)
    pub rows: Vec<(String, Vec<u64>, u64)>,
    pub total: u64,
}

fn n(v: Option<&Value>) -> u64 {
    match v {
        Some(Value::Count(c)) => *c,
        _ => 0,
    }
}

pub async fn citations(state: &AppState, who: &Principal, item_id: &str, zh: bool) -> Citations {
    let now = now_ms();
    let year = Period::trailing_months(now, 12);
    let q = Query {
        rows: Dim::Township,
        cols: Dim::Period(Grain::Month),
        measures: vec![Measure::Events],
        filters: vec![(Dim::Item, vec![item_id.to_string()])],
        from_ms: year.from_ms(),
        to_ms: year.to_ms(),
    };
    // A failure here only hides the usage table; the item page itself still answers.
    let Ok(t) = state.engine.stats(who, &q, zh, now).await else {
        return Citations::default();
    };
    Citations {
        period: year.name.clone(),
        months: t.cols.iter().map(|c| c.label.clone()).collect(),
        rows: t
            .rows
            .iter()
            .enumerate()
            .map(|(ri, r)| {
                let counts = (0..t.cols.len())
                    .map(|ci| {
                        n(t.cells
                            .get(ri)
                            .and_then(|c| c.get(ci))
                            .and_then(|v| v.first()))
                    })
                    .collect();
                (
                    r.label.clone(),
                    counts,
                    n(t.row_totals.get(ri).and_then(|v| v.first())),
                )
            })
            .collect(),
        total: n(t.total.first()),
    }
}
