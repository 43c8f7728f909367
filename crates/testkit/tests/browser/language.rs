//! One language per page: each role's pages in Chinese show no English UI text, and in English
//! their labels, headers and buttons show no Chinese (the data itself stays as recorded).

use super::{R, T};
use anyhow::ensure;

browser_test!(pages_speak_one_language, one_language);

/// (account, pages) visited in both languages; `{event}` is an open event the account sees.
const PAGES: &[(&str, &[&str])] = &[
    (
        "dispatcher",
        &[
            "/",
            "/desk/command",
            "/events",
            "{event}",
            "/lists",
            "/stats",
            "/assessment",
            "/settings/workflow",
            "/settings/calendar",
        ],
    ),
    ("qingshan_op", &["/", "/desk/township", "{event}"]),
    ("zhujian", &["/", "/desk/department", "/assessment/mine"]),
    (
        "bianban",
        &["/", "/desk/disputes", "/desk/review", "/lists/adjustments"],
    ),
    ("sifa", &["/", "/desk/review"]),
    ("jiwei", &["/", "/desk/discipline", "/audit/log"]),
    ("leader", &["/", "/stats/dashboard", "/desk/leader"]),
    ("grid_qs01", &["/desk/grid", "/events/new", "/account"]),
    ("admin", &["/", "/admin/people", "/org"]),
];

/// UI elements whose text is ours, not data; with the offending texts (one per line).
const SCAN: &str = r#"
    const zh = arguments[0];
    const english = /\b(the|and|of|to|unknown|older|newer|with|for|is|not|no|none|yet|waiting|choose|select)\b/i;
    const cjk = /[\u4e00-\u9fff]/;
    const ui = zh
        ? 'main h1, main h2, main h3, main th, main dt, main button, main legend, main summary, main label, main p, main .muted, main .flag, main .tag'
        : 'main thead th, main dt, main button, main legend, main summary, main label, main h2, main .flag, nav.main-nav a, main .desk-counts span';
    const bad = [];
    for (const el of document.querySelectorAll(ui)) {
        // Own text only: a label's nested select lists data (unit and item names).
        let t = '';
        for (const n of el.childNodes) { if (n.nodeType === 3) { t += n.textContent; } }
        t = t.trim();
        if (!t) { continue; }
        if (zh ? english.test(t) : cjk.test(t)) { bad.push(el.tagName.toLowerCase() + ': ' + t.slice(0, 80)); }
    }
    return bad.join('\n');
"#;

async fn scan(t: &T, zh: bool) -> anyhow::Result<String> {
    let v = t.c.execute(SCAN, vec![serde_json::json!(zh)]).await?;
    Ok(v.as_str().unwrap_or_default().to_string())
}

async fn one_language(t: &T) -> R {
    let event =
        t.s.engine
            .with_state(|st| {
                st.events
                    .events
                    .values()
                    .rev()
                    .find(|e| !e.status.is_final() && e.caller_unit == "370999001")
                    .map(|e| e.id)
            })
            .await?
            .unwrap_or(1);
    let mut problems = Vec::new();
    for (lang, zh) in [("zh", true), ("en", false)] {
        t.goto(&format!("/lang/{lang}")).await?;
        for (user, pages) in PAGES {
            t.login_lang(user, zh).await?;
            for page in *pages {
                let path = page.replace("{event}", &format!("/events/{event}"));
                t.goto(&path).await?;
                t.find("main").await?;
                let bad = scan(t, zh).await?;
                if !bad.is_empty() {
                    problems.push(format!("[{lang}] {user} {path}:\n{bad}"));
                }
            }
            t.logout().await?;
        }
    }
    t.goto("/lang/zh").await?;
    ensure!(
        problems.is_empty(),
        "mixed languages:\n{}",
        problems.join("\n\n")
    );
    Ok(())
}
