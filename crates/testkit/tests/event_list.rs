//! The event list from SQL (`Store::list_events`) lists what the in-memory rule lists, in the
//! same order, for every kind of reader and filter; paging by `before_id` yields every id
//! once; and the query plans on SQLite and PostgreSQL use indexes, never a full scan of
//! `events` or `assignments`.

use sqlx::Row;
use tiaokuai_app::demo_history::{generate, HistorySpec};
use tiaokuai_app::Engine;
use tiaokuai_core::access::Principal;
use tiaokuai_core::events::scope::{read_scope, sees, units_within};
use tiaokuai_core::events::who::effective_unit;
use tiaokuai_core::events::{Event, EventStatus};
use tiaokuai_core::org::{RoleGrant, RoleKind};
use tiaokuai_core::CountyState;
use tiaokuai_store::event_list::{list_sql, ListArg};
use tiaokuai_store::{Backend, EventListQuery, Involvement, UnitConcern, COUNT_CAP};
use tiaokuai_testkit::demo_engine;

mod plans;

const READERS: [&str; 10] = [
    "dispatcher",
    "qingshan_op",
    "qingshan_leader",
    "chengguan_op",
    "grid_qs01",
    "zhujian",
    "zhujian_leader",
    "paichusuo_qs",
    "leader",
    "jiwei",
];

async fn principal(e: &Engine, u: &str) -> Principal {
    e.principal_of(u).await.unwrap().unwrap()
}

/// A principal with two grants: a department's handler and a township's operator.
fn two_hats(st: &CountyState) -> Principal {
    let dept = st.org.people["zhujian"]
        .grants
        .iter()
        .next()
        .unwrap()
        .unit
        .clone();
    let town = st.org.people["chengguan_op"]
        .grants
        .iter()
        .next()
        .unwrap()
        .unit
        .clone();
    Principal {
        username: "two_hats".into(),
        name: "two_hats".into(),
        unit: dept.clone(),
        grants: vec![
            RoleGrant {
                role: RoleKind::DepartmentHandler,
                unit: dept,
            },
            RoleGrant {
                role: RoleKind::TownshipOperator,
                unit: town,
            },
        ],
    }
}

/// The query's meaning, in memory (as the pages and the API filtered before).
fn in_memory(st: &CountyState, q: &EventListQuery) -> Vec<u64> {
    let within = |u: &str, set: &[String]| set.iter().any(|x| x == u);
    let keep = |e: &Event| {
        sees(&q.scopes, e)
            && (q.statuses.is_empty() || q.statuses.contains(&e.status))
            && q.township.as_deref().is_none_or(|t| {
                e.caller_unit == t || e.facts.location.township.as_deref() == Some(t)
            })
            && q.reporter.as_deref().is_none_or(|r| e.reporter == r)
            && q.involving.as_ref().is_none_or(|i| {
                e.reporter == i.username
                    || e.assignments.iter().any(|a| a.dispatched_by == i.username)
                    || within(&e.caller_unit, &i.units)
                    || e.assignments.iter().any(|a| {
                        within(&a.sender_unit, &i.units) || within(&a.receiver_unit, &i.receivers)
                    })
            })
            && q.concerning.as_ref().is_none_or(|c| {
                e.caller_unit == c.unit
                    || e.facts.location.township.as_deref() == Some(c.unit.as_str())
                    || within(&e.origin_unit, &c.units_within)
                    || e.receivers().any(|r| within(r, &c.units_within))
            })
            && q.text
                .as_deref()
                .is_none_or(|t| e.facts.title.contains(t) || e.no.contains(t))
            && q.ids.as_ref().is_none_or(|ids| ids.contains(&e.id))
    };
    st.events
        .events
        .values()
        .rev()
        .filter(|e| keep(e))
        .map(|e| e.id)
        .collect()
}

/// Every page of the query, `limit` at a time; checks each page's count and links, and that
/// walking back by `after_id` gives the same pages.
async fn paged(e: &Engine, q: &EventListQuery, limit: usize) -> Vec<u64> {
    let mut q = q.clone();
    q.limit = limit;
    q.before_id = None;
    q.after_id = None;
    let mut pages = Vec::new();
    let mut count = None;
    for _ in 0..10_000 {
        let page = e.store().list_events(e.county(), &q).await.unwrap();
        assert!(page.ids.len() <= limit);
        assert!(!page.count_capped);
        assert_eq!(
            *count.get_or_insert(page.count),
            page.count,
            "count changes by page"
        );
        assert_eq!(page.prev_after.is_some(), !pages.is_empty(), "{q:?}");
        let next = page.next_before;
        pages.push(page);
        match next {
            Some(b) => {
                assert_eq!(Some(&b), pages.last().unwrap().ids.last());
                q.before_id = Some(b);
            }
            None => break,
        }
    }
    // Back from the last page to the first.
    q.before_id = None;
    for k in (1..pages.len()).rev() {
        q.after_id = pages[k].prev_after;
        let back = e.store().list_events(e.county(), &q).await.unwrap();
        assert_eq!(back, pages[k - 1], "back from page {k} of {q:?}");
    }
    let all: Vec<u64> = pages.into_iter().flat_map(|p| p.ids).collect();
    assert_eq!(count.unwrap_or(0), all.len() as u64, "count of {q:?}");
    all
}

/// The variants of query a reader's list is asked with.
fn variants(st: &CountyState, p: &Principal) -> Vec<EventListQuery> {
    let base = EventListQuery {
        scopes: read_scope(&st.org, p),
        limit: 30,
        ..Default::default()
    };
    let mut v = vec![base.clone()];
    let mut statuses: Vec<EventStatus> = st.events.events.values().map(|e| e.status).collect();
    statuses.sort_by_key(|s| s.as_str());
    statuses.dedup();
    for s in &statuses {
        v.push(EventListQuery {
            statuses: vec![*s],
            ..base.clone()
        });
    }
    v.push(EventListQuery {
        statuses: statuses.iter().copied().take(3).collect(),
        ..base.clone()
    });
    for t in st
        .org
        .units
        .values()
        .filter(|u| u.kind.is_township())
        .take(3)
    {
        v.push(EventListQuery {
            township: Some(t.code.clone()),
            ..base.clone()
        });
        v.push(EventListQuery {
            concerning: Some(UnitConcern::of(&st.org, &t.code)),
            ..base.clone()
        });
    }
    for e in st.events.events.values().take(3) {
        for u in e.receivers() {
            v.push(EventListQuery {
                concerning: Some(UnitConcern::of(&st.org, u)),
                statuses: vec![e.status],
                ..base.clone()
            });
        }
        v.push(EventListQuery {
            reporter: Some(e.reporter.clone()),
            ..base.clone()
        });
        let word: String = e.facts.title.chars().take(2).collect();
        v.push(EventListQuery {
            text: Some(word),
            ..base.clone()
        });
        v.push(EventListQuery {
            text: Some(e.no.clone()),
            ..base.clone()
        });
    }
    v.push(EventListQuery {
        involving: Some(Involvement::of(&st.org, p)),
        ..base.clone()
    });
    v.push(EventListQuery {
        reporter: Some(p.username.clone()),
        ..base.clone()
    });
    let some: Vec<u64> = st.events.events.keys().copied().step_by(3).collect();
    v.push(EventListQuery {
        ids: Some(some),
        ..base.clone()
    });
    v.push(EventListQuery {
        ids: Some(vec![]),
        ..base.clone()
    });
    v
}

/// The demo county with a month of generated history besides its own events.
async fn county_with_history() -> (Engine, tiaokuai_testkit::Fixture) {
    let (e, fx) = demo_engine().await.unwrap();
    let spec = HistorySpec {
        months: 1,
        events_per_month: 150,
        seed: 11,
        open_tail_days: 7,
    };
    let c = generate(&e, 1_763_700_000_000, spec).await.unwrap();
    assert_eq!(c.refused, 0, "{c:?}");
    (e, fx)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sql_list_equals_the_in_memory_rule_for_every_reader_and_filter() {
    let (e, _fx) = county_with_history().await;
    let mut readers = Vec::new();
    for u in READERS {
        readers.push(principal(&e, u).await);
    }
    readers.push(e.with_state(two_hats).await.unwrap());
    let n = e.with_state(|st| st.events.events.len()).await.unwrap();
    assert!(n >= 150, "the demo has {n} events");
    let mut checked = 0;
    let mut nonempty = 0;
    for p in &readers {
        let qs = e.with_state(|st| variants(st, p)).await.unwrap();
        for q in qs {
            let want = e.with_state(|st| in_memory(st, &q)).await.unwrap();
            for limit in [7, 50] {
                let got = paged(&e, &q, limit).await;
                assert_eq!(got, want, "{} limit {limit}: {q:?}", p.username);
            }
            checked += 1;
            nonempty += usize::from(!want.is_empty());
        }
        // The list is exactly what the reader may see.
        let all = EventListQuery {
            scopes: e.with_state(|st| read_scope(&st.org, p)).await.unwrap(),
            limit: 500,
            ..Default::default()
        };
        let page = e.store().list_events(e.county(), &all).await.unwrap();
        let visible = e
            .with_state(|st| {
                st.events
                    .events
                    .values()
                    .rev()
                    .filter(|ev| tiaokuai_core::events::who::may_see(p, &st.org, ev))
                    .map(|ev| ev.id)
                    .collect::<Vec<_>>()
            })
            .await
            .unwrap();
        assert_eq!(page.ids, visible, "{}", p.username);
    }
    assert!(
        checked > 100 && nonempty > checked / 3,
        "{checked} {nonempty}"
    );
    // Nobody's scope: nothing.
    let nobody = EventListQuery {
        limit: 10,
        ..Default::default()
    };
    let page = e.store().list_events(e.county(), &nobody).await.unwrap();
    assert!(page.ids.is_empty() && page.count == 0);
}

/// Over [`COUNT_CAP`] matches: the count stops at the cap and says so; the pages still go
/// on (rows written straight into the read model of another county).
#[tokio::test]
async fn counts_are_capped() {
    let (store, _fx) = tiaokuai_testkit::fresh_db().await.unwrap();
    let n = COUNT_CAP + 50;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "insert into events (county, id, no, status, channel, urgency, grade, title, category, \
         caller_unit, origin_unit, lon, lat, reporter, created_ms, returns, reopens, seq) \
         with recursive n(i) as (select 1 union all select i + 1 from n where i < {n}) \
         select 'X', i, 'N' || i, case when i % 2 = 0 then 'closed' else 'called' end, \
         'grid_report', 'normal', 'ordinary', 't', 'c', 'T', 'T', 0, 0, 'r', 0, 0, 0, i from n"
    )))
    .execute(store.pool())
    .await
    .unwrap();
    let all = EventListQuery {
        scopes: vec![tiaokuai_core::events::scope::GrantScope::All],
        limit: 20,
        ..Default::default()
    };
    let page = store.list_events("X", &all).await.unwrap();
    assert_eq!((page.count, page.count_capped), (COUNT_CAP, true));
    assert_eq!(page.ids, ((n - 19)..=n).rev().collect::<Vec<_>>());
    assert_eq!(page.next_before, Some(n - 19));
    let called = EventListQuery {
        statuses: vec![EventStatus::Called],
        before_id: Some(101),
        ..all.clone()
    };
    let page = store.list_events("X", &called).await.unwrap();
    assert_eq!((page.count, page.count_capped), (n / 2, false));
    assert_eq!(
        page.ids,
        (1..=99).rev().step_by(2).take(20).collect::<Vec<_>>()
    );
    let other = store.list_events("Y", &all).await.unwrap();
    assert_eq!(other, tiaokuai_store::EventPage::default());
}

/// `GET /api/v1/events` pages by `before` (the `X-Next-Before` header, also a `Link`), and
/// the pages together are the whole list; the `/events` page says the total.
#[tokio::test]
async fn api_and_page_list_by_keyset() {
    let s = tiaokuai_testkit::demo_server().await.unwrap();
    let c = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let r = c
        .post(s.url("/api/v1/session"))
        .json(&serde_json::json!({"username": "dispatcher", "password": "tiaokuai2026"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let ids = |v: serde_json::Value| -> Vec<u64> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].as_u64().unwrap())
            .collect()
    };
    let r = c
        .get(s.url("/api/v1/events?limit=500"))
        .send()
        .await
        .unwrap();
    let total: usize = r.headers()["x-total-count"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(r.headers().get("x-next-before").is_none());
    let all = ids(r.json().await.unwrap());
    assert_eq!(all.len(), total);
    assert!(total > 3, "{total}");
    let mut paged = Vec::new();
    let mut path = "/api/v1/events?limit=3".to_string();
    loop {
        let r = c.get(s.url(&path)).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let h = r.headers().clone();
        assert_eq!(h["x-total-count"].to_str().unwrap(), total.to_string());
        paged.extend(ids(r.json().await.unwrap()));
        let Some(b) = h.get("x-next-before") else {
            assert!(h.get("link").is_none());
            break;
        };
        let b = b.to_str().unwrap();
        let link = h["link"].to_str().unwrap();
        assert_eq!(
            link,
            format!("</api/v1/events?limit=3&before={b}>; rel=\"next\"")
        );
        path = format!("/api/v1/events?limit=3&before={b}");
    }
    assert_eq!(paged, all);
    let page = c.get(s.url("/events")).send().await.unwrap();
    let html = page.text().await.unwrap();
    assert!(html.contains(&format!("共 {total} 件")), "{html}");
    // The page shows the newest 50.
    let shown: Vec<&u64> = all
        .iter()
        .filter(|id| html.contains(&format!("id=\"event-row-{id}\"")))
        .collect();
    assert_eq!(shown.len(), total.min(50), "{html}");
}
