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

/// The plan lines of the query: SQLite's `detail`s, PostgreSQL's `QUERY PLAN` with sequential
/// scans disfavoured (the test tables are tiny: with them allowed, a sequential scan wins).
async fn plan(e: &Engine, sql: &str, args: &[ListArg]) -> Vec<String> {
    let store = e.store();
    let mut conn = store.pool().acquire().await.unwrap();
    let explain = match store.backend() {
        Backend::Sqlite => format!("explain query plan {sql}"),
        Backend::Postgres => {
            // As autovacuum would have: statistics of the tables.
            for t in ["analyze events", "analyze assignments"] {
                sqlx::query(t).execute(&mut *conn).await.unwrap();
            }
            sqlx::query("set enable_seqscan = off")
                .execute(&mut *conn)
                .await
                .unwrap();
            format!("explain {sql}")
        }
    };
    let mut q = sqlx::query(&explain);
    for a in args {
        q = match a {
            ListArg::Str(s) => q.bind(s.clone()),
            ListArg::Int(i) => q.bind(*i),
        };
    }
    let rows = q.fetch_all(&mut *conn).await.unwrap();
    let lines = rows
        .iter()
        .map(|r| match store.backend() {
            Backend::Sqlite => r.try_get::<String, _>("detail").unwrap(),
            Backend::Postgres => r.try_get::<String, _>(0).unwrap(),
        })
        .collect();
    if store.backend() == Backend::Postgres {
        sqlx::query("reset enable_seqscan")
            .execute(&mut *conn)
            .await
            .unwrap();
    }
    lines
}

/// A line that reads a whole table `events` (alias `e`) or `assignments` (alias `a`).
fn full_scan(backend: Backend, line: &str) -> bool {
    let l = line.trim();
    match backend {
        // `SCAN e` / `SCAN a` is a full scan of the table; `SCAN e USING INDEX x` of a whole
        // index. Only `SEARCH` (a range of an index, starting with the county) is allowed.
        Backend::Sqlite => l.starts_with("SCAN e") || l.starts_with("SCAN a"),
        Backend::Postgres => {
            l.contains("Seq Scan on events") || l.contains("Seq Scan on assignments")
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_queries_use_indexes_on_this_database() {
    let (e, _fx) = county_with_history().await;
    let backend = e.store().backend();
    let mut cases: Vec<(String, EventListQuery)> = Vec::new();
    let (county_wide, township, department, grid, township_code) = {
        let p = [
            principal(&e, "dispatcher").await,
            principal(&e, "qingshan_op").await,
            principal(&e, "zhujian").await,
            principal(&e, "grid_qs01").await,
        ];
        e.with_state(move |st| {
            let q = |p: &Principal| EventListQuery {
                scopes: read_scope(&st.org, p),
                limit: 30,
                ..Default::default()
            };
            let t = effective_unit(&st.org, RoleKind::TownshipOperator, &p[1].grants[0].unit);
            (q(&p[0]), q(&p[1]), q(&p[2]), q(&p[3]), t)
        })
        .await
        .unwrap()
    };
    let involving = {
        let p = principal(&e, "zhujian").await;
        e.with_state(move |st| Involvement::of(&st.org, &p))
            .await
            .unwrap()
    };
    let concern = {
        let t = township_code.clone();
        e.with_state(move |st| UnitConcern {
            units_within: units_within(&st.org, &t),
            unit: t,
        })
        .await
        .unwrap()
    };
    let called = vec![EventStatus::Called];
    let some = vec![
        EventStatus::Called,
        EventStatus::Dispatched,
        EventStatus::Closed,
    ];
    for (name, base) in [
        ("county-wide", &county_wide),
        ("township", &township),
        ("department", &department),
        ("grid worker", &grid),
    ] {
        cases.push((name.into(), base.clone()));
        cases.push((
            format!("{name}, next page"),
            EventListQuery {
                before_id: Some(1_000),
                ..base.clone()
            },
        ));
        cases.push((
            format!("{name}, previous page"),
            EventListQuery {
                after_id: Some(1_000),
                ..base.clone()
            },
        ));
        cases.push((
            format!("{name}, status"),
            EventListQuery {
                statuses: called.clone(),
                ..base.clone()
            },
        ));
        cases.push((
            format!("{name}, statuses"),
            EventListQuery {
                statuses: some.clone(),
                ..base.clone()
            },
        ));
        cases.push((
            format!("{name}, mine (reporter)"),
            EventListQuery {
                reporter: Some("grid_qs01".into()),
                ..base.clone()
            },
        ));
        cases.push((
            format!("{name}, mine (involved)"),
            EventListQuery {
                involving: Some(involving.clone()),
                ..base.clone()
            },
        ));
        cases.push((
            format!("{name}, township filter"),
            EventListQuery {
                township: Some(township_code.clone()),
                ..base.clone()
            },
        ));
        cases.push((
            format!("{name}, unit concerned"),
            EventListQuery {
                concerning: Some(concern.clone()),
                ..base.clone()
            },
        ));
        cases.push((
            format!("{name}, text"),
            EventListQuery {
                text: Some("违建".into()),
                ..base.clone()
            },
        ));
        cases.push((
            format!("{name}, overdue ids"),
            EventListQuery {
                ids: Some(vec![3, 5, 8]),
                ..base.clone()
            },
        ));
    }
    let mut report = String::new();
    let mut bad = Vec::new();
    for (name, q) in &cases {
        for count in [false, true] {
            let (sql, args) = list_sql(backend, e.county(), q, count).unwrap();
            let lines = plan(&e, &sql, &args).await;
            let what = format!("{name}{}", if count { " (count)" } else { "" });
            report.push_str(&format!("-- {what}\n{}\n", lines.join("\n")));
            if lines.iter().any(|l| full_scan(backend, l)) {
                bad.push(what.clone());
            }
            if backend == Backend::Postgres {
                assert!(
                    lines.iter().any(|l| l.contains("Index")),
                    "{what}: no index in\n{}",
                    lines.join("\n")
                );
            }
        }
    }
    if std::env::var("TIAOKUAI_SHOW_PLANS").is_ok() {
        println!("{report}");
    }
    assert!(bad.is_empty(), "full scans in {bad:?}:\n{report}");
}

/// Over [`COUNT_CAP`] matches: the count stops at the cap and says so; the pages still go
/// on (rows written straight into the read model of another county).
#[tokio::test]
async fn counts_are_capped() {
    let (store, _fx) = tiaokuai_testkit::fresh_db().await.unwrap();
    let n = COUNT_CAP + 50;
    sqlx::query(&format!(
        "insert into events (county, id, no, status, channel, urgency, grade, title, category, \
         caller_unit, origin_unit, lon, lat, reporter, created_ms, returns, reopens, seq) \
         with recursive n(i) as (select 1 union all select i + 1 from n where i < {n}) \
         select 'X', i, 'N' || i, case when i % 2 = 0 then 'closed' else 'called' end, \
         'grid_report', 'normal', 'ordinary', 't', 'c', 'T', 'T', 0, 0, 'r', 0, 0, 0, i from n"
    ))
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
    for id in &all {
        assert!(html.contains(&format!("id=\"event-row-{id}\"")));
    }
}
