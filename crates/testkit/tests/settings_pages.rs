//! The settings pages (`/settings/calendar`, `/settings/workflow`): administrators change the
//! working calendar and the workflow settings through forms, all or nothing; everyone else
//! reads them and is refused (403) on any change, with the log untouched.

use reqwest::multipart::{Form, Part};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use tiaokuai_core::calendar::Limit;
use tiaokuai_testkit::{demo_server, TestServer};

struct User {
    c: reqwest::Client,
    csrf: String,
}

async fn login(s: &TestServer, user: &str) -> User {
    let c = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = c
        .post(s.url("/api/v1/session"))
        .json(&json!({"username": user, "password": "tiaokuai2026"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "login {user}");
    let v: Value = r.json().await.unwrap();
    let csrf = v["csrf"].as_str().unwrap().to_string();
    User { c, csrf }
}

async fn log_len(s: &TestServer) -> u64 {
    s.engine.store().log_size(s.engine.county()).await.unwrap()
}

async fn get(s: &TestServer, u: &User, path: &str) -> (u16, String) {
    let r = u.c.get(s.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn upload(s: &TestServer, u: &User, csv: &str, mode: &str) -> (u16, String) {
    let form = Form::new().text("mode", mode.to_string()).part(
        "file",
        Part::bytes(csv.as_bytes().to_vec()).file_name("2027.csv"),
    );
    let r =
        u.c.post(s.url(&format!("/settings/calendar/upload?csrf={}", u.csrf)))
            .multipart(form)
            .send()
            .await
            .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn post_form(s: &TestServer, u: &User, path: &str, f: &[(String, String)]) -> (u16, String) {
    let mut f = f.to_vec();
    f.push(("csrf".into(), u.csrf.clone()));
    let r = u.c.post(s.url(path)).form(&f).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn due(s: &TestServer, u: &User, from: &str, limit: &str) -> String {
    let (st, body) = get(
        s,
        u,
        &format!("/api/v1/calendar/due?from={from}&limit={limit}"),
    )
    .await;
    assert_eq!(st, 200, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    v["due"].as_str().unwrap().to_string()
}

const CSV_2027: &str = "date,kind,name\n\
2027-01-01,holiday,元旦\n\
2027-02-06,holiday,春节\n\
2027-02-07,holiday,春节\n\
2027-02-08,holiday,春节\n\
2027-02-09,holiday,春节\n\
2027-02-10,holiday,春节\n\
2027-02-11,holiday,春节\n\
2027-02-12,holiday,春节\n\
2027-02-20,workday,春节调休上班\n";

#[tokio::test]
async fn settings_calendar_upload_by_page_form() {
    let s = demo_server().await.unwrap();
    let admin = login(&s, "admin").await;
    let handler = login(&s, "zhujian").await;
    // 2027 has no special days yet: 1 working day from New Year's Eve ends on 2027-01-01.
    assert_eq!(
        due(&s, &handler, "2026-12-31T09:00", "1d").await,
        "2027-01-01T17:30+08:00"
    );

    // Everyone with a role reads the page; only the administrator sees the forms.
    let (st, html) = get(&s, &handler, "/settings/calendar?year=2026").await;
    assert_eq!(st, 200);
    assert!(html.contains("calendar-grid") && html.contains("data-date=\"2026-02-17\""));
    assert!(!html.contains("calendar-upload") && html.contains("settings-readonly"));
    let (_, html) = get(&s, &admin, "/settings/calendar").await;
    assert!(html.contains("calendar-upload") && html.contains("hours-form"));

    // A non-administrator's changes are refused and append nothing.
    let n0 = log_len(&s).await;
    assert_eq!(upload(&s, &handler, CSV_2027, "apply").await.0, 403);
    let day = [
        ("date".to_string(), "2027-01-01".to_string()),
        ("kind".into(), "holiday".into()),
        ("name".into(), "元旦".into()),
    ];
    assert_eq!(
        post_form(&s, &handler, "/settings/calendar/day", &day)
            .await
            .0,
        403
    );
    let hours = [("hours".to_string(), "09:00-17:00".to_string())];
    assert_eq!(
        post_form(&s, &handler, "/settings/calendar/hours", &hours)
            .await
            .0,
        403
    );
    // ...and so is the administrator without the CSRF token.
    let r = admin
        .c
        .post(s.url("/settings/calendar/day"))
        .form(&day)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(log_len(&s).await, n0);

    // A bad row names its row and column; nothing is changed, not even the good rows.
    let bad =
        "date,kind,name\n2027-01-01,holiday,元旦\n2027-02-30,holiday,春节\n2027-02-20,rest,调休\n";
    let (st, html) = upload(&s, &admin, bad, "apply").await;
    assert_eq!(st, 200);
    assert!(html.contains("upload-errors"), "{html}");
    assert!(html.contains("第 3 行 · date（日期）列"), "{html}");
    assert!(html.contains("第 4 行 · kind（类型）列"), "{html}");
    assert_eq!(log_len(&s).await, n0);
    assert_eq!(
        due(&s, &admin, "2026-12-31T09:00", "1d").await,
        "2027-01-01T17:30+08:00"
    );
    // Bad office hours and a bad single day are named too.
    let (_, html) = post_form(
        &s,
        &admin,
        "/settings/calendar/hours",
        &[("hours".into(), "17:00-09:00".into())],
    )
    .await;
    assert!(html.contains("hours-error"), "{html}");
    let bad_day = [
        ("date".to_string(), "2027-02-30".to_string()),
        ("kind".into(), "holiday".into()),
        ("name".into(), String::new()),
    ];
    let (_, html) = post_form(&s, &admin, "/settings/calendar/day", &bad_day).await;
    assert!(html.contains("day-date-error"), "{html}");
    assert_eq!(log_len(&s).await, n0);

    // Preview shows the rows and changes nothing; apply is one log entry.
    let (_, html) = upload(&s, &admin, CSV_2027, "preview").await;
    assert!(html.contains("calendar-preview") && html.contains("calendar-confirm"));
    assert_eq!(log_len(&s).await, n0);
    let (st, html) = upload(&s, &admin, CSV_2027, "apply").await;
    assert_eq!(st, 200);
    assert!(html.contains("settings-notice"), "{html}");
    assert!(html.contains("class=\"cal-holiday\" data-date=\"2027-02-11\""));
    assert!(html.contains("class=\"cal-workday\" data-date=\"2027-02-20\""));
    assert_eq!(log_len(&s).await, n0 + 1);
    // calendar/due honours it: New Year's Day 2027 is off, then the weekend.
    assert_eq!(
        due(&s, &handler, "2026-12-31T09:00", "1d").await,
        "2027-01-04T17:30+08:00"
    );
    // 2027-02-05 (Fri) + 1 working day: the festival, then Monday 02-15.
    assert_eq!(
        due(&s, &handler, "2027-02-05T09:00", "1d").await,
        "2027-02-15T17:30+08:00"
    );
    // The page's calculator uses the same code.
    let (_, html) = get(
        &s,
        &handler,
        "/settings/calendar?year=2027&from=2026-12-31T09:00&limit=1d",
    )
    .await;
    assert!(
        html.contains("data-due=\"2027-01-04T17:30+08:00\""),
        "{html}"
    );
    let (_, html) = get(&s, &handler, "/settings/calendar?from=soon&limit=5x").await;
    assert!(html.contains("due-from-error") && html.contains("due-limit-error"));

    // One day by the small form, then office hours.
    let (_, html) = post_form(
        &s,
        &admin,
        "/settings/calendar/day",
        &[
            ("date".into(), "2027-10-09".into()),
            ("kind".into(), "workday".into()),
            ("name".into(), "国庆节调休上班".into()),
        ],
    )
    .await;
    assert!(
        html.contains("class=\"cal-workday\" data-date=\"2027-10-09\""),
        "{html}"
    );
    let (_, html) = post_form(
        &s,
        &admin,
        "/settings/calendar/hours",
        &[("hours".into(), "09:00-12:00,13:00-17:00".into())],
    )
    .await;
    assert!(html.contains("09:00-12:00,13:00-17:00"), "{html}");
    assert_eq!(log_len(&s).await, n0 + 3);
    assert_eq!(
        due(&s, &handler, "2026-12-31T09:00", "1d").await,
        "2027-01-04T17:00+08:00"
    );
}

/// The workflow form's fields as the page renders them (inputs, checked boxes, the scale).
fn form_fields(html: &str) -> Vec<(String, String)> {
    let form = html
        .split("id=\"workflow-form\"")
        .nth(1)
        .unwrap()
        .split("</form>")
        .next()
        .unwrap();
    let attr = |tag: &str, a: &str| {
        tag.split(&format!(" {a}=\""))
            .nth(1)
            .map(|x| x.split('"').next().unwrap_or("").to_string())
    };
    let mut out = Vec::new();
    for tag in form.split('<').skip(1) {
        if tag.starts_with("input") {
            let (Some(name), value) = (attr(tag, "name"), attr(tag, "value")) else {
                continue;
            };
            if name == "csrf" {
                continue;
            }
            if tag.contains("type=\"checkbox\"") {
                if tag.contains(" checked") {
                    out.push((name, "on".into()));
                }
            } else {
                out.push((name, value.unwrap_or_default()));
            }
        } else if tag.starts_with("select") {
            let name = attr(tag, "name").unwrap();
            let sel = form
                .split(&format!("name=\"{name}\""))
                .nth(1)
                .unwrap()
                .split("</select>")
                .next()
                .unwrap();
            let v = sel
                .split("<option value=\"")
                .filter(|o| o.contains("selected"))
                .map(|o| o.split('"').next().unwrap().to_string())
                .next()
                .unwrap();
            out.push((name, v));
        }
    }
    out
}

fn with(f: &[(String, String)], changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut m: BTreeMap<String, String> = f.iter().cloned().collect();
    for (k, v) in changes {
        m.insert(k.to_string(), v.to_string());
    }
    m.into_iter().collect()
}

#[tokio::test]
async fn settings_workflow_form_edits() {
    let s = demo_server().await.unwrap();
    let admin = login(&s, "admin").await;
    let handler = login(&s, "zhujian").await;
    let (st, html) = get(&s, &handler, "/settings/workflow").await;
    assert_eq!(st, 200);
    assert!(html.contains("5 个工作日") && !html.contains("workflow-form"));
    // The English switch.
    let en = login(&s, "zhujian").await;
    get(&s, &en, "/lang/en").await;
    let (_, html) = get(&s, &en, "/settings/workflow").await;
    assert!(
        html.contains("5 working days") && html.contains("Limits in force"),
        "{html}"
    );
    let (_, html) = get(&s, &admin, "/settings/workflow").await;
    let fields = form_fields(&html);
    assert!(
        fields
            .iter()
            .any(|(k, v)| k == "normal_complete" && v == "5d"),
        "{fields:?}"
    );
    let n0 = log_len(&s).await;

    // Refused for a department handler: 403, nothing appended.
    let change = with(&fields, &[("normal_complete", "7d")]);
    assert_eq!(
        post_form(&s, &handler, "/settings/workflow", &change)
            .await
            .0,
        403
    );
    assert_eq!(log_len(&s).await, n0);

    // Invalid values: the form again with the error beside each field, nothing appended.
    let bad = with(
        &fields,
        &[
            ("normal_complete", "7d"),
            ("normal_sign", "soon"),
            ("urgent_complete", "0d"),
            ("extension_max_count", "-1"),
        ],
    );
    let (st, html) = post_form(&s, &admin, "/settings/workflow", &bad).await;
    assert_eq!(st, 200);
    assert!(
        html.contains("id=\"err-normal_sign\"") && html.contains("id=\"err-extension_max_count\""),
        "{html}"
    );
    assert!(html.contains("value=\"soon\""), "typed values are kept");
    assert_eq!(log_len(&s).await, n0);
    let bad = with(&fields, &[("urgent_complete", "0d")]);
    let (_, html) = post_form(&s, &admin, "/settings/workflow", &bad).await;
    assert!(
        html.contains("id=\"err-urgent_complete\"") && html.contains("时限必须大于零"),
        "{html}"
    );
    assert_eq!(log_len(&s).await, n0);
    let cfg = s
        .engine
        .with_state(|st| st.events.config.clone())
        .await
        .unwrap();
    assert_eq!(cfg.normal.complete, Limit::WorkingDays(5));

    // A good edit: one entry, the new limits in force and shown.
    let good = with(
        &fields,
        &[
            ("normal_complete", "7d"),
            ("rt_consultation", "2d"),
            ("scale", "5"),
            ("labels_call", "呼"),
        ],
    );
    let (_, html) = post_form(&s, &admin, "/settings/workflow", &good).await;
    assert!(html.contains("settings-notice"), "{html}");
    assert!(html.contains("7 个工作日"));
    assert_eq!(log_len(&s).await, n0 + 1);
    let cfg = s
        .engine
        .with_state(|st| st.events.config.clone())
        .await
        .unwrap();
    assert_eq!(cfg.normal.complete, Limit::WorkingDays(7));
    assert_eq!(cfg.scale.levels.len(), 5);
    assert_eq!(cfg.labels.call, "呼");
    assert_eq!(
        cfg.by_request_type
            .get(&tiaokuai_core::events::RequestType::Consultation),
        Some(&Limit::WorkingDays(2))
    );

    // Per list item overrides: an unknown item is refused; a known one is added, then removed.
    let id = s
        .engine
        .with_state(|st| {
            st.lists
                .items_at(st.lists.latest())
                .next()
                .unwrap()
                .id
                .clone()
        })
        .await
        .unwrap();
    let (_, html) = post_form(
        &s,
        &admin,
        "/settings/workflow/items",
        &[
            ("item".into(), "territorial/none".into()),
            ("item_complete".into(), "2d".into()),
        ],
    )
    .await;
    assert!(html.contains("id=\"err-item\""), "{html}");
    assert_eq!(log_len(&s).await, n0 + 1);
    let (_, html) = post_form(
        &s,
        &admin,
        "/settings/workflow/items",
        &[
            ("item".into(), id.clone()),
            ("item_complete".into(), "2d".into()),
        ],
    )
    .await;
    assert!(
        html.contains("workflow-items") && html.contains("2 个工作日"),
        "{html}"
    );
    let cfg = s
        .engine
        .with_state(|st| st.events.config.clone())
        .await
        .unwrap();
    assert_eq!(
        cfg.by_item.get(&id).and_then(|o| o.complete),
        Some(Limit::WorkingDays(2))
    );
    let (_, html) = post_form(
        &s,
        &admin,
        "/settings/workflow/items/remove",
        &[("item".into(), id.clone())],
    )
    .await;
    assert!(html.contains("workflow-items-empty"), "{html}");
    assert_eq!(log_len(&s).await, n0 + 3);
    // The API reads what the page wrote.
    let (_, body) = get(&s, &handler, "/api/v1/workflow/config").await;
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["labels"]["call"], "呼");
}
