//! The public page for citizens (`/public`, no login): whole-word highlights, one card per
//! matter with the right unit first, a plain answer, browsing by domain, and the "没找到？"
//! suggestion form (CSRF, validation, rate limit, the command centre's list).

use reqwest::redirect::Policy;
use reqwest::StatusCode;
use serde_json::{json, Value};
use tiaokuai_testkit::{demo_server, TestServer};

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap()
}

async fn get(c: &reqwest::Client, s: &TestServer, path: &str) -> (StatusCode, String) {
    let r = c.get(s.url(path)).send().await.unwrap();
    (r.status(), r.text().await.unwrap())
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

/// The text between `start` and the next `end` after each `start`.
fn between<'a>(html: &'a str, start: &str, end: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(start) {
        let after = &rest[i + start.len()..];
        let Some(j) = after.find(end) else { break };
        out.push(&after[..j]);
        rest = &after[j..];
    }
    out
}

fn strip_tags(s: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in s.chars() {
        match c {
            '<' => inside = true,
            '>' => inside = false,
            c if !inside => out.push(c),
            _ => {}
        }
    }
    unescape(&out)
}

struct Card {
    name: String,
    primary: String,
}

fn cards(html: &str) -> Vec<Card> {
    between(
        html,
        "<article class=\"card answer pub-card\">",
        "</article>",
    )
    .into_iter()
    .map(|a| Card {
        name: strip_tags(between(a, "<h2 class=\"pub-name\">", "</h2>")[0]),
        primary: strip_tags(
            between(a, "<dd class=\"primary-units\">", "</dd>")
                .first()
                .copied()
                .unwrap_or_default(),
        ),
    })
    .collect()
}

fn hidden(html: &str, name: &str) -> String {
    let tag = format!("name=\"{name}\" value=\"");
    between(html, &tag, "\"")
        .first()
        .map(|s| unescape(s))
        .unwrap_or_default()
}

async fn log_len(s: &TestServer) -> u64 {
    s.engine.store().log_size(s.engine.county()).await.unwrap()
}

#[tokio::test]
async fn citizens_get_one_plain_answer_per_matter_with_the_right_unit_first() {
    let s = demo_server().await.unwrap();
    let c = client();
    for (q, unit) in [
        ("占道经营", "综合执法局"),
        ("油烟", "综合执法局"),
        ("欠薪", "人社局"),
        ("路灯", "住建局"),
        ("井盖", "住建局"),
        ("楼下饭店的油烟太大了", "综合执法局"),
        ("路灯坏了没人管", "住建局"),
        ("工地老板拖欠工资", "人社局"),
    ] {
        let (st, html) = get(&c, &s, &format!("/public?q={q}")).await;
        assert_eq!(st, 200, "{q}");
        let cs = cards(&html);
        assert!(!cs.is_empty(), "{q}: no cards");
        assert!(
            cs[0].primary.contains(unit),
            "{q}: first card {} names {}",
            cs[0].name,
            cs[0].primary
        );
        // Never a blank 主体责任 on the first card, and the plain answer names the unit.
        assert!(html.contains(&format!("这件事由{}", cs[0].primary)), "{q}");
        assert!(html.contains("12345"), "{q}");
        // Whole words only: no single-character highlight anywhere.
        for m in between(&html, "<mark>", "</mark>") {
            assert!(
                unescape(m).chars().count() >= 2,
                "{q}: single-character highlight <mark>{m}</mark>"
            );
        }
        assert!(html.contains("<mark>"), "{q}: nothing highlighted");
        // One card per matter: no name and no set of primary units twice.
        for (i, a) in cs.iter().enumerate() {
            for b in &cs[i + 1..] {
                assert_ne!(a.name, b.name, "{q}: the same matter twice");
                if !a.primary.is_empty() && !a.primary.starts_with("清单未列明") {
                    assert_ne!(a.primary, b.primary, "{q}: {} and {}", a.name, b.name);
                }
            }
        }
        // No English on the Chinese page.
        for en in ["responsible", "Browse", "Not found", "hotline", "Send"] {
            assert!(
                !html.contains(en),
                "{q}: English '{en}' on the Chinese page"
            );
        }
    }
    // The matter, not the setting: the first card is the item the question is about.
    for (q, name) in [
        ("小区门口的井盖丢了，晚上很危险", "市政管网"),
        ("马路边有人摆摊卖菜", "占道经营"),
        ("工地老板拖欠工资", "拖欠农民工工资"),
        ("小区停车乱", "小区内停车"),
        ("楼下饭店的油烟太大了", "餐饮油烟"),
    ] {
        let (_, html) = get(&c, &s, &format!("/public?q={q}")).await;
        let cs = cards(&html);
        assert!(
            cs.first().is_some_and(|c| c.name.contains(name)),
            "{q}: first card {:?}",
            cs.first().map(|c| &c.name)
        );
    }
    // Every township as a supporting unit reads 各乡镇(街道), not twelve names.
    let (_, html) = get(&c, &s, "/public?q=占道经营").await;
    let supporting = strip_tags(between(&html, "<dd class=\"supporting-units\">", "</dd>")[0]);
    assert!(supporting.contains("各乡镇(街道)"), "{supporting}");
    assert!(!supporting.contains("青山"), "{supporting}");
    // The older address still answers; nonsense finds nothing and offers the form.
    let (st, html) = get(&c, &s, "/public/lists?q=占道经营").await;
    assert_eq!(st, 200);
    assert!(!cards(&html).is_empty());
    let (_, html) = get(&c, &s, "/public?q=zzqqxx").await;
    assert!(cards(&html).is_empty());
    assert!(
        html.contains("没找到？") && html.contains("suggest-text"),
        "{html}"
    );

    // English on request.
    let en = reqwest::Client::new();
    let r = en
        .get(s.url("/public?q=欠薪"))
        .header("cookie", "tk_lang=en")
        .send()
        .await
        .unwrap();
    let html = r.text().await.unwrap();
    assert!(html.contains("is responsible for this"), "{html}");
    assert!(html.contains("lang=\"en\""));
}

#[tokio::test]
async fn the_lists_can_be_browsed_by_domain() {
    let s = demo_server().await.unwrap();
    let c = client();
    let (st, html) = get(&c, &s, "/public/browse").await;
    assert_eq!(st, 200);
    let links = between(&html, "href=\"/public/browse?domain=", "\"");
    assert!(links.len() >= 3, "{html}");
    let counts: Vec<usize> = between(&html, "</a> <span class=\"muted\">", "</span>")
        .iter()
        .map(|n| n.parse().unwrap())
        .collect();
    assert_eq!(counts.len(), links.len());
    // The biggest domain first; pages of at most 50.
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
    let (st, page) = get(&c, &s, &format!("/public/browse?domain={}", links[0])).await;
    assert_eq!(st, 200);
    let items = between(&page, "<li><a href=\"/public/items/", "\"");
    assert_eq!(items.len(), counts[0].min(50), "{page}");
    // (No demo domain needs a second page; the page arithmetic has its unit test.)
    if counts[0] > 50 {
        let (_, p2) = get(
            &c,
            &s,
            &format!("/public/browse?domain={}&page=2", links[0]),
        )
        .await;
        let items2 = between(&p2, "<li><a href=\"/public/items/", "\"");
        assert_eq!(items2.len(), (counts[0] - 50).min(50));
        assert!(items2.iter().all(|i| !items.contains(i)));
    }
    // Each item links to its card.
    let (st, card) = get(&c, &s, &format!("/public/items/{}", items[0])).await;
    assert_eq!(st, 200);
    assert_eq!(cards(&card).len(), 1, "{card}");
    // A page past the end shows the last one.
    let (st, last) = get(
        &c,
        &s,
        &format!("/public/browse?domain={}&page=99", links[0]),
    )
    .await;
    assert_eq!(st, 200);
    assert!(!between(&last, "<li><a href=\"/public/items/", "\"").is_empty());
    let (st, _) = get(&c, &s, "/public/items/territorial/no-such-item").await;
    assert_eq!(st, 404);
}

#[tokio::test]
async fn a_suggestion_is_filed_checked_and_seen_by_the_command_centre() {
    let s = demo_server().await.unwrap();
    let c = client();
    let (_, html) = get(&c, &s, "/public?q=小区门口的石狮子倒了").await;
    let csrf = hidden(&html, "csrf");
    assert_eq!(csrf.len(), 32, "{html}");
    let before = log_len(&s).await;
    let post = |form: Vec<(&'static str, String)>| {
        let c = c.clone();
        let url = s.url("/public/suggestions");
        async move {
            let r = c.post(url).form(&form).send().await.unwrap();
            let st = r.status();
            let loc = r
                .headers()
                .get("location")
                .map(|v| v.to_str().unwrap().to_string());
            (st, loc, r.text().await.unwrap())
        }
    };
    let q = || ("q", "小区门口的石狮子倒了".to_string());

    // Empty: refused beside the field, the query kept, nothing written.
    let (st, _, body) = post(vec![("csrf", csrf.clone()), q(), ("text", "  ".into())]).await;
    assert_eq!(st, 422);
    assert!(body.contains("id=\"suggest-text-error\""), "{body}");
    assert!(body.contains("不能为空"), "{body}");
    assert_eq!(log_len(&s).await, before);
    // Too long, and a phone that is not one.
    let (st, _, body) = post(vec![
        ("csrf", csrf.clone()),
        q(),
        ("text", "字".repeat(501)),
        ("contact", "abc".into()),
    ])
    .await;
    assert_eq!(st, 422);
    assert!(
        body.contains("不超过500字") && body.contains("suggest-contact-error"),
        "{body}"
    );
    assert_eq!(log_len(&s).await, before);
    // Without the token: refused.
    let (st, _, _) = post(vec![
        ("csrf", "0".repeat(32)),
        q(),
        ("text", "路口石狮子倒了".into()),
    ])
    .await;
    assert_eq!(st, 403);
    assert_eq!(log_len(&s).await, before);

    // Filed: one log entry, whose payload holds neither the words nor the phone.
    let (st, loc, _) = post(vec![
        ("csrf", csrf.clone()),
        q(),
        ("text", "小区门口的石狮子倒了，挡住了路".into()),
        ("contact", "13800001111".into()),
    ])
    .await;
    assert_eq!(st, 303);
    assert!(loc.unwrap().starts_with("/public?filed=1"));
    assert_eq!(log_len(&s).await, before + 1);
    let entries = s
        .engine
        .store()
        .read_log(s.engine.county(), before, 1)
        .await
        .unwrap();
    assert_eq!(entries[0].header.kind, "public.suggestion");
    assert!(!entries[0].payload.contains("13800001111"));
    assert!(!entries[0].payload.contains("石狮子"));
    let (_, thanks) = get(&c, &s, "/public?filed=1").await;
    assert!(thanks.contains("id=\"pub-filed\""));

    // The county command centre sees it; others do not.
    let (st, _) = get(&client(), &s, "/public/suggestions").await;
    assert_ne!(st, 200);
    let dispatcher = login(&s, "dispatcher").await;
    let (st, list) = get(&dispatcher, &s, "/public/suggestions").await;
    assert_eq!(st, 200);
    assert!(
        list.contains("小区门口的石狮子倒了，挡住了路") && list.contains("13800001111"),
        "{list}"
    );
    let other = login(&s, "zhujian").await;
    let (st, _) = get(&other, &s, "/public/suggestions").await;
    assert_eq!(st, 403);

    // Rate-limited per address: a burst is refused with 429 and writes nothing.
    let mut limited = false;
    for _ in 0..12 {
        let (st, _, _) = post(vec![("csrf", csrf.clone()), q(), ("text", "".into())]).await;
        if st == 429 {
            limited = true;
            break;
        }
    }
    assert!(limited, "no 429 after a burst");
    assert_eq!(log_len(&s).await, before + 1);

    // The state holds it, and the log (with its sealed values) still verifies.
    let n = s
        .engine
        .with_state(|st| st.public_suggestions.len())
        .await
        .unwrap();
    assert_eq!(n, 1);
    let report = tiaokuai_app::verify::verify_county(
        s.engine.store(),
        s.engine.county(),
        s.engine.verifier(),
    )
    .await
    .unwrap();
    assert!(report.ok(), "{:?}", report.problem);
    assert!(report.personal >= 3);
}

async fn login(s: &TestServer, user: &str) -> reqwest::Client {
    let c = client();
    let r = c
        .post(s.url("/api/v1/session"))
        .json(&json!({"username": user, "password": "tiaokuai2026"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "login {user}");
    let _: Value = r.json().await.unwrap();
    c
}
