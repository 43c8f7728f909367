//! The tables people work with (issue #13 item 5): `/lists`, `/events`, `/admin/people` and
//! `/audit/log` sort, filter, paginate and export the same rows to xlsx; the exports keep
//! each reader's scope and each page's guard.

use crate::events_api::Api;
use calamine::{Data, Reader, Xlsx};
use reqwest::StatusCode;
use serde_json::Value;
use std::cmp::Ordering;
use std::io::Cursor;
use tiaokuai_testkit::{demo_server, TestServer};

/// The page's HTML.
async fn html(api: &Api<'_>, path: &str) -> String {
    let (st, v) = api.get(path).await;
    assert_eq!(st, 200, "{path}");
    match v {
        Value::String(s) => s,
        v => panic!("{path}: not HTML: {v}"),
    }
}

/// The workbook at `path`: its rows as text, the header first.
async fn sheet(s: &TestServer, api: &Api<'_>, path: &str) -> Vec<Vec<String>> {
    let r = api.c.get(s.url(path)).send().await.unwrap();
    assert_eq!(r.status(), 200, "{path}");
    let h = r.headers().clone();
    assert_eq!(
        h["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let cd = h["content-disposition"].to_str().unwrap();
    assert!(
        cd.starts_with("attachment; filename=\"") && cd.contains("filename*=UTF-8''"),
        "{cd}"
    );
    let bytes = r.bytes().await.unwrap().to_vec();
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("an xlsx workbook");
    let range = wb.worksheet_range_at(0).unwrap().unwrap();
    range
        .rows()
        .map(|row| {
            row.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    c => c.to_string(),
                })
                .collect()
        })
        .collect()
}

/// The text of every `<td>` of column `n` (0-based) in the table `id`.
fn column(html: &str, id: &str, n: usize) -> Vec<String> {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no table {id}"));
    let body = &html[start..];
    let body = &body[body.find("<tbody>").unwrap()..body.find("</tbody>").unwrap()];
    body.split("<tr")
        .skip(1)
        .map(|tr| {
            let td = tr.split("<td").nth(n + 1).unwrap_or("");
            let inner = &td[td.find('>').map(|i| i + 1).unwrap_or(0)..];
            let inner = inner.split("</td>").next().unwrap_or("");
            strip_tags(inner).trim().to_string()
        })
        .collect()
}

fn strip_tags(s: &str) -> String {
    let mut out = String::new();
    let mut tag = false;
    for c in s.chars() {
        match c {
            '<' => tag = true,
            '>' => tag = false,
            c if !tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Every value of `attr="…"` in `html`, in order.
fn attrs(html: &str, attr: &str) -> Vec<String> {
    html.split(&format!("{attr}=\""))
        .skip(1)
        .map(|x| x.split('"').next().unwrap_or("").to_string())
        .collect()
}

fn natural(a: &str, b: &str) -> Ordering {
    let parts = |s: &str| -> Vec<(u64, String)> {
        let mut v = vec![];
        let mut num = String::new();
        let mut text = String::new();
        for c in s.chars() {
            if c.is_ascii_digit() {
                if !text.is_empty() {
                    v.push((u64::MAX, std::mem::take(&mut text)));
                }
                num.push(c);
            } else {
                if !num.is_empty() {
                    v.push((num.parse().unwrap(), String::new()));
                    num.clear();
                }
                text.push(c);
            }
        }
        if !num.is_empty() {
            v.push((num.parse().unwrap(), String::new()));
        }
        if !text.is_empty() {
            v.push((u64::MAX, text));
        }
        v
    };
    parts(a).cmp(&parts(b))
}

/// "共 N 条" / "共 N 件" on the page.
fn total(html: &str, unit: &str) -> usize {
    let i = html.find("共 ").expect("a total");
    let rest = &html[i + "共 ".len()..];
    let n = rest.split(&format!(" {unit}")).next().unwrap();
    n.parse().unwrap_or_else(|_| panic!("total {n:?}"))
}

#[tokio::test]
async fn lists_sort_by_number_naturally_and_paginate() {
    let s = demo_server().await.unwrap();
    let api = Api::login(&s, "bianban").await;
    let (latest, all) = s
        .engine
        .with_state(|st| {
            (
                st.lists.latest(),
                st.lists.count_at(st.lists.latest(), None),
            )
        })
        .await
        .unwrap();
    let first = html(&api, "/lists").await;
    assert_eq!(total(&first, "条"), all);
    let page1 = column(&first, "list-table", 0);
    assert_eq!(page1.len(), 50.min(all));
    assert!(
        first.contains("aria-sort=\"ascending\""),
        "序号 sorts by default"
    );
    // The whole catalogue in one page: 序号 ascending as numbers.
    let one = html(&api, "/lists?per=500&sort=number&dir=asc").await;
    let numbers = column(&one, "list-table", 0);
    assert_eq!(numbers.len(), all.min(500));
    for w in numbers.windows(2) {
        assert_ne!(natural(&w[0], &w[1]), Ordering::Greater, "{w:?}");
    }
    let mut as_text = numbers.clone();
    as_text.sort();
    assert_ne!(
        as_text, numbers,
        "the demo has 序号 where text order differs"
    );
    // Descending reverses it; the pages add up.
    let desc = html(&api, "/lists?per=500&sort=number&dir=desc").await;
    let mut back = column(&desc, "list-table", 0);
    back.reverse();
    assert_eq!(
        back.iter()
            .map(|x| x.as_str())
            .filter(|x| !x.is_empty())
            .count(),
        numbers.len()
    );
    let pages = all.div_ceil(50);
    let last = html(&api, &format!("/lists?page={pages}")).await;
    assert_eq!(column(&last, "list-table", 0).len(), all - 50 * (pages - 1));
    let two = html(&api, "/lists?page=2").await;
    assert_eq!(column(&two, "list-table", 0)[0], numbers[50]);

    // The export: the filtered rows, all pages, in the same order.
    let kind = "territorial";
    let n = s
        .engine
        .with_state(move |st| {
            st.lists
                .count_at(latest, tiaokuai_core::lists::ListKind::parse(kind))
        })
        .await
        .unwrap();
    let rows = sheet(
        &s,
        &api,
        &format!("/lists/export/table?kind={kind}&sort=number&dir=asc"),
    )
    .await;
    assert_eq!(rows[0][..2], ["序号", "事项名称"]);
    assert_eq!(rows.len(), n + 1);
    for w in rows[1..].windows(2) {
        assert_ne!(natural(&w[0][0], &w[1][0]), Ordering::Greater, "{w:?}");
    }
    let page = html(&api, &format!("/lists?kind={kind}")).await;
    assert_eq!(total(&page, "条"), n);
    assert!(
        page.contains(&format!("/lists/export/table?kind={kind}&#38;")),
        "export keeps the filter"
    );
}

#[tokio::test]
async fn events_sort_by_urgency_and_export_in_scope() {
    let s = demo_server().await.unwrap();
    let d = Api::login(&s, "dispatcher").await;
    let page = html(&d, "/events?sort=due&dir=asc").await;
    let due: Vec<String> = attrs(&page, "data-due");
    assert!(
        due.iter().any(|x| !x.is_empty()),
        "open events with deadlines"
    );
    let known: Vec<i64> = due
        .iter()
        .take_while(|x| !x.is_empty())
        .map(|x| x.parse().unwrap())
        .collect();
    assert!(known.windows(2).all(|w| w[0] <= w[1]), "{known:?}");
    assert!(
        due[known.len()..].iter().all(|x| x.is_empty()),
        "events without a deadline come last: {due:?}"
    );
    // By report time, newest first (the default).
    let newest = html(&d, "/events").await;
    let created: Vec<i64> = attrs(&newest, "data-created")
        .iter()
        .map(|x| x.parse().unwrap())
        .collect();
    assert!(created.windows(2).all(|w| w[0] >= w[1]));
    let n = total(&newest, "件");

    // `/events/export` is a workbook of the same rows (no longer a 400 for the id `export`).
    let rows = sheet(&s, &d, "/events/export?sort=due&dir=asc").await;
    assert_eq!(rows[0][..4], ["编号", "标题", "状态", "时限"]);
    assert_eq!(rows.len(), n + 1);
    let nos = column(&page, "event-table", 0);
    let exported: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        exported[..nos.len()],
        nos.iter().map(|x| x.as_str()).collect::<Vec<_>>()[..]
    );

    // A filter narrows both alike.
    let (status, label) = s
        .engine
        .with_state(|st| {
            let mut n = std::collections::BTreeMap::new();
            for e in st.events.events.values() {
                *n.entry(e.status).or_insert(0) += 1;
            }
            let top = n.into_iter().max_by_key(|x| x.1).unwrap().0;
            (top.as_str(), top.label_zh())
        })
        .await
        .unwrap();
    let filtered = html(&d, &format!("/events?status={status}")).await;
    let m = total(&filtered, "件");
    assert!(m > 0 && m < n, "{status}: {m} of {n}");
    let rows = sheet(&s, &d, &format!("/events/export?status={status}")).await;
    assert_eq!(rows.len(), m + 1);
    assert!(rows[1..].iter().all(|r| r[2] == label), "{rows:?}");

    // A department handler exports only what they may see.
    let z = Api::login(&s, "zhujian").await;
    let (st, v) = z.get("/api/v1/events?limit=500").await;
    assert_eq!(st, 200);
    let mut theirs: Vec<String> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["no"].as_str().unwrap().to_string())
        .collect();
    let mut exported: Vec<String> = sheet(&s, &z, "/events/export").await[1..]
        .iter()
        .map(|r| r[0].clone())
        .collect();
    theirs.sort();
    exported.sort();
    assert_eq!(exported, theirs);
    assert!(
        exported.len() < n,
        "the handler sees fewer than the dispatcher"
    );
}

#[tokio::test]
async fn people_in_words_filtered_and_exported_by_admins_only() {
    let s = demo_server().await.unwrap();
    let admin = Api::login(&s, "admin").await;
    let (people, grid_workers) = s
        .engine
        .with_state(|st| {
            let gw = st
                .org
                .people
                .values()
                .filter(|p| {
                    p.grants
                        .iter()
                        .any(|g| g.role == tiaokuai_core::org::RoleKind::GridWorker)
                })
                .count();
            (st.org.people.len(), gw)
        })
        .await
        .unwrap();
    let page = html(&admin, "/admin/people").await;
    assert_eq!(total(&page, "人"), people);
    assert_eq!(column(&page, "people-table", 0).len(), 50.min(people));
    let roles = column(&page, "people-table", 3);
    assert!(
        roles.iter().all(|r| !r.contains('@')),
        "no role@UNIT codes: {roles:?}"
    );
    let zj = html(&admin, "/admin/people?q=zhujian").await;
    let roles = column(&zj, "people-table", 3);
    assert!(
        roles[0].contains("部门经办人") || roles[0].contains("住房和城乡建设局"),
        "{roles:?}"
    );
    assert!(column(&zj, "people-table", 2)[0].contains("住房和城乡建设局"));

    let filtered = html(&admin, "/admin/people?role=grid_worker").await;
    assert_eq!(total(&filtered, "人"), grid_workers);
    let rows = sheet(
        &s,
        &admin,
        "/admin/people/export?role=grid_worker&sort=name",
    )
    .await;
    assert_eq!(rows[0], ["账号", "姓名", "所属单位", "角色"]);
    assert_eq!(rows.len(), grid_workers + 1);
    assert!(rows[1..].iter().all(|r| r[3].contains("网格员")));

    for user in ["zhujian", "grid_qs01"] {
        let api = Api::login(&s, user).await;
        let r = api
            .c
            .get(s.url("/admin/people/export"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{user}");
    }
}

#[tokio::test]
async fn admin_form_picks_roles_and_shows_errors_beside_fields() {
    let s = demo_server().await.unwrap();
    let admin = Api::login(&s, "admin").await;
    let post = |form: Vec<(&'static str, String)>| {
        let mut form = form;
        form.push(("csrf", admin.csrf.clone()));
        admin.c.post(s.url("/admin/people")).form(&form).send()
    };
    let village = s
        .engine
        .with_state(|st| st.org.units["370999001001"].name.clone())
        .await
        .unwrap();
    // A role without its unit: the error beside the role, nothing typed lost.
    let r = post(vec![
        ("username", "tables_gw".into()),
        ("name", "表格测试员".into()),
        ("unit", village.clone()),
        ("role1", "grid_worker".into()),
    ])
    .await
    .unwrap();
    let body = r.text().await.unwrap();
    assert!(body.contains("data-field=\"role1\""), "{body}");
    assert!(body.contains("请选择角色所在单位"));
    assert!(body.contains("value=\"表格测试员\""));
    // Both by name: added with the grant on the village's code.
    let r = post(vec![
        ("username", "tables_gw".into()),
        ("name", "表格测试员".into()),
        ("unit", village.clone()),
        ("password", "tables-pass-2026".into()),
        ("role1", "grid_worker".into()),
        ("role_unit1", village.clone()),
    ])
    .await
    .unwrap();
    let body = r.text().await.unwrap();
    assert!(body.contains("class=\"notice\""), "{body}");
    let grants = s
        .engine
        .with_state(|st| st.org.people["tables_gw"].grants.clone())
        .await
        .unwrap();
    assert_eq!(
        grants.iter().map(|g| g.to_string()).collect::<Vec<_>>(),
        ["grid_worker@370999001001"]
    );
    // A role the unit cannot hold: refused beside the roles, in Chinese.
    let r = post(vec![
        ("username", "tables_gw2".into()),
        ("name", "表格测试员二".into()),
        ("unit", village.clone()),
        ("role1", "county_dispatcher".into()),
        ("role_unit1", village),
    ])
    .await
    .unwrap();
    let body = r.text().await.unwrap();
    assert!(body.contains("data-field=\"roles\""), "{body}");
}

#[tokio::test]
async fn audit_log_in_words_filtered_and_exported_by_auditors_only() {
    let s = demo_server().await.unwrap();
    let admin = Api::login(&s, "admin").await;
    let all = html(&admin, "/audit/log").await;
    assert!(all.contains("日志完整") || all.contains("id=\"verify-result\""));
    assert!(all.contains("更早 →"), "localized paging");
    assert!(!all.contains("← older"));
    assert!(all.contains("系统（演示数据）") || all.contains("data-kind=\"event."));

    let page = html(&admin, "/audit/log?kind=event.dispatch").await;
    let kinds = attrs(&page, "data-kind");
    assert!(!kinds.is_empty(), "the demo dispatched events");
    assert!(kinds.iter().all(|k| k == "event.dispatch"), "{kinds:?}");
    let actions = column(&page, "log-table", 3);
    assert!(actions.iter().all(|a| a == "派单"), "{actions:?}");
    let subjects = column(&page, "log-table", 4);
    assert!(
        subjects.iter().all(|x| x.starts_with("事件 ")),
        "{subjects:?}"
    );
    let actors = column(&page, "log-table", 2);
    assert!(
        actors
            .iter()
            .all(|a| !a.contains("dispatcher") || a.contains("（")),
        "{actors:?}"
    );

    // By event number: only that event's entries.
    let (id, no, history) = s
        .engine
        .with_state(|st| {
            let e = st
                .events
                .events
                .values()
                .max_by_key(|e| e.history.len())
                .unwrap();
            (e.id, e.no.clone(), e.history.len())
        })
        .await
        .unwrap();
    let one = html(&admin, &format!("/audit/log?event={no}")).await;
    let seqs = column(&one, "log-table", 0);
    assert_eq!(seqs.len(), history.min(50));
    assert!(column(&one, "log-table", 4).iter().all(|x| x.contains(&no)));
    let by_id = html(&admin, &format!("/audit/log?event={id}")).await;
    assert_eq!(column(&by_id, "log-table", 0), seqs);

    // The export: the filtered entries with the header in Chinese.
    let rows = sheet(&s, &admin, "/audit/log/export?kind=event.dispatch").await;
    assert_eq!(rows[0][..5], ["序号", "时间", "操作人", "所属单位", "操作"]);
    assert!(rows.len() > 1);
    assert!(rows[1..].iter().all(|r| r[4] == "派单"));
    let rows = sheet(&s, &admin, &format!("/audit/log/export?event={no}")).await;
    assert_eq!(rows.len(), history + 1);

    for user in ["zhujian", "grid_qs01", "dispatcher"] {
        let api = Api::login(&s, user).await;
        let r = api.c.get(s.url("/audit/log/export")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{user}");
    }
}
