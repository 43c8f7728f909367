//! The pages' event actions: an unreadable event's page and its action forms answer exactly as
//! a missing event's; a reader gets the page.

use super::harness::{Class::*, Client, Matrix};
use super::{reads, setup, Target, MISSING_ID};
use reqwest::StatusCode;
use serde_json::Value;
use tiaokuai_testkit::demo_server;

#[tokio::test]
async fn pages_hide_unreadable_events_like_missing_ones() {
    let s = demo_server().await.unwrap();
    let ev = setup(&s).await;
    let mut m = Matrix::default();
    let strip = |st: StatusCode, body: String, id: u64| {
        (st, Value::String(body.replace(&id.to_string(), "#")))
    };
    for role in [
        "chengguan_op",
        "zhifa",
        "shichang",
        "paichusuo_qs",
        "qs_lingdao",
        "grid_qs01",
    ] {
        let c = Client::login(&s, role).await;
        for t in [Target::Qs, Target::Cg, Target::Done] {
            if reads(role, t) {
                let (st, body) = c.get_page(&format!("/events/{}", ev.id(t))).await;
                m.expect(
                    role,
                    "page GET",
                    &format!("{t:?}"),
                    Ok,
                    &(st, Value::String(body.chars().take(80).collect())),
                );
                continue;
            }
            let id = ev.id(t);
            let mut pages = vec![("page GET".to_string(), None)];
            for a in [
                "note",
                "sign",
                "close",
                "cancel",
                "self_close",
                "remind",
                "evaluate",
            ] {
                pages.push((format!("page act {a}"), Some(a)));
            }
            for (label, action) in pages {
                let (hidden, missing) = match action {
                    None => (
                        c.get_page(&format!("/events/{id}")).await,
                        c.get_page(&format!("/events/{MISSING_ID}")).await,
                    ),
                    Some(a) => {
                        let f = [
                            ("assignment", "1"),
                            ("text", "x"),
                            ("note", "x"),
                            ("reason", "x"),
                            ("kind", "supervise"),
                        ];
                        (
                            c.post_page(&format!("/events/{id}/act/{a}"), &f).await,
                            c.post_page(&format!("/events/{MISSING_ID}/act/{a}"), &f)
                                .await,
                        )
                    }
                };
                let hidden = strip(hidden.0, hidden.1, id);
                let missing = strip(missing.0, missing.1, MISSING_ID);
                m.expect(role, &label, &format!("{t:?}"), Hidden, &hidden);
                if hidden != missing {
                    m.fail(
                        role,
                        &label,
                        &format!("{t:?}"),
                        "the missing event's page",
                        &hidden,
                    );
                }
            }
        }
    }
    m.check();
}
