//! The list queries' plans: on both databases every access to `events` and `assignments`
//! goes through an index.

use super::*;

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
    let mut q = sqlx::query(sqlx::AssertSqlSafe(&*explain));
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
