//! The matrix's administrative rows: workflow settings, the working calendar, assessment
//! schemes, manual scores, appeals and their decisions, closing a period, photos. Each write is
//! sent so that an allowed caller is stopped by the rules (409/422) or changes nothing that
//! other cells depend on, and every other caller must get 403.

use super::harness::{Class, Client, Matrix};
use serde_json::{json, Value};
use Class::*;

pub(super) async fn settings_and_assessment(clients: &[(&str, Client<'_>)], m: &mut Matrix) {
    let admin = &clients.iter().find(|(r, _)| *r == "admin").unwrap().1;
    let (st, config) = admin.get("/api/v1/workflow/config").await;
    assert_eq!(st, 200, "{config}");
    let (st, schemes) = admin.get("/api/v1/assessment/schemes").await;
    assert_eq!(st, 200, "{schemes}");
    let scheme: Value = schemes
        .as_array()
        .and_then(|a| {
            a.iter()
                .map(|s| s.get("scheme").cloned().unwrap_or_else(|| s.clone()))
                .find(|s| s["id"] == "town-monthly")
        })
        .expect("the demo's town-monthly scheme");
    let reviewers = ["admin", "bianban"];
    // The assessed township's own staff, and a department's own staff.
    let town_staff = ["qingshan_op", "qingshan_leader"];
    let dept_staff = ["zhujian"];
    for (role, c) in clients {
        let admin_only = |r: &str| if r == "admin" { Ok } else { Denied };
        let rules_only = |r: &str| if r == "admin" { Refused } else { Denied };

        for path in [
            "/api/v1/workflow/config",
            "/api/v1/calendar/days?year=2026",
            "/api/v1/stats?rows=township&cols=month&measures=events&period=2026",
            "/api/v1/stats/bounces?period=2026",
            "/api/v1/assessment/town-monthly/2026-11",
        ] {
            let got = c.get(path).await;
            m.expect(role, &format!("GET {path}"), "-", Ok, &got);
        }
        let got = c.put("/api/v1/workflow/config", &config).await;
        m.expect(role, "PUT workflow/config", "-", admin_only(role), &got);
        // A day long past: allowed, and no deadline of the matrix moves.
        let day = json!({"days": [{"date": "2020-01-02", "kind": "holiday", "name": "矩阵"}]});
        let got = c.post("/api/v1/calendar/days", &day).await;
        m.expect(role, "POST calendar/days", "-", admin_only(role), &got);
        let got = c
            .put("/api/v1/assessment/schemes/town-monthly", &scheme)
            .await;
        m.expect(role, "PUT assessment scheme", "-", admin_only(role), &got);

        let manual = json!({"unit": "370999001", "indicator": "no-such", "score": -1.0,
            "evidence": ""});
        let got = c
            .post("/api/v1/assessment/town-monthly/2026-11/manual", &manual)
            .await;
        m.expect(role, "POST manual score", "-", rules_only(role), &got);
        // A period without events: nothing to close.
        let got = c
            .post("/api/v1/assessment/town-monthly/2020-01/close", &json!({}))
            .await;
        m.expect(role, "POST close period", "-", rules_only(role), &got);

        let appeal = |unit: &str| json!({"unit": unit, "indicator": "no-such", "event": 1, "reason": "矩阵"});
        let got = c
            .post(
                "/api/v1/assessment/town-monthly/2026-11/appeals",
                &appeal("370999001"),
            )
            .await;
        let want = if town_staff.contains(role) {
            Refused
        } else {
            Denied
        };
        m.expect(role, "POST appeal", "青山", want, &got);
        let got = c
            .post(
                "/api/v1/assessment/dept-monthly/2026-11/appeals",
                &appeal("D-ZJ"),
            )
            .await;
        let want = if dept_staff.contains(role) {
            Refused
        } else {
            Denied
        };
        m.expect(role, "POST appeal", "住建局", want, &got);
        let got = c
            .post(
                "/api/v1/assessment/appeals/987654321/decision",
                &json!({"remove": false, "note": "矩阵"}),
            )
            .await;
        let want = if reviewers.contains(role) {
            Hidden
        } else {
            Denied
        };
        m.expect(role, "POST appeal decision", "missing", want, &got);
    }
}
