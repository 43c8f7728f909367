//! The load loop: clients claiming lifecycles and timing each command.

use super::*;
use reqwest::{StatusCode, Url};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;
use tiaokuai_app::now_ms;
use tokio::sync::Barrier;

pub(crate) struct Shared {
    pub(crate) base: Url,
    pub(crate) routes: HashMap<String, Route>,
    pub(crate) warm_left: AtomicUsize,
    pub(crate) timed_left: AtomicUsize,
    pub(crate) barrier: Barrier,
}

/// Claims one unit of a budget; false when it is spent.
pub(crate) fn claim(left: &AtomicUsize) -> bool {
    left.fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1))
        .is_ok()
}

/// Latencies and outcomes of one client (then of all).
#[derive(Default)]
pub(crate) struct Tally {
    /// Milliseconds of each successful call, per command.
    pub(crate) lat: [Vec<f64>; 7],
    /// Failed calls per command.
    pub(crate) failed: [usize; 7],
    pub(crate) lifecycles: usize,
    pub(crate) failed_lifecycles: usize,
    pub(crate) errors: usize,
    pub(crate) first_errors: Vec<String>,
}

impl Tally {
    pub(crate) fn merge(&mut self, o: Tally) {
        for (a, b) in self.lat.iter_mut().zip(o.lat) {
            a.extend(b);
        }
        for (a, b) in self.failed.iter_mut().zip(o.failed) {
            *a += b;
        }
        self.lifecycles += o.lifecycles;
        self.failed_lifecycles += o.failed_lifecycles;
        self.errors += o.errors;
        for e in o.first_errors {
            if self.first_errors.len() < KEEP_ERRORS {
                self.first_errors.push(e);
            }
        }
    }

    pub(crate) fn fail(&mut self, cmd: usize, msg: String) {
        self.failed[cmd] += 1;
        self.errors += 1;
        if self.first_errors.len() < KEEP_ERRORS {
            self.first_errors.push(msg);
        }
    }
}

pub(crate) async fn client_loop(shared: Arc<Shared>, c: ClientSet) -> Tally {
    let mut scratch = Tally::default();
    while claim(&shared.warm_left) {
        let _ = lifecycle(&shared, &c, &mut scratch).await;
    }
    shared.barrier.wait().await;
    let mut t = Tally::default();
    while claim(&shared.timed_left) {
        if lifecycle(&shared, &c, &mut t).await {
            t.lifecycles += 1;
        } else {
            t.failed_lifecycles += 1;
        }
    }
    t
}

/// POSTs `body` and times it; on success returns the parsed reply.
pub(crate) async fn call(
    shared: &Shared,
    who: &RoleClient,
    path: &str,
    body: &Value,
    cmd: usize,
    t: &mut Tally,
) -> Option<Value> {
    let name = COMMANDS.get(cmd).copied().unwrap_or("?");
    let url = match shared.base.join(path) {
        Ok(u) => u,
        Err(e) => {
            t.fail(cmd, format!("{name}: bad path {path}: {e}"));
            return None;
        }
    };
    let t0 = Instant::now();
    let res = who
        .http
        .post(url)
        .header("x-csrf-token", &who.csrf)
        .json(body)
        .send()
        .await;
    let (status, text) = match res {
        Ok(r) => {
            let status = r.status();
            match r.text().await {
                Ok(text) => (status, text),
                Err(e) => {
                    t.fail(
                        cmd,
                        format!("{name} as {}: reading the reply: {e}", who.user),
                    );
                    return None;
                }
            }
        }
        Err(e) => {
            t.fail(cmd, format!("{name} as {}: {e}", who.user));
            return None;
        }
    };
    let ms = t0.elapsed().as_secs_f64() * 1000.0;
    if !status.is_success() {
        t.fail(
            cmd,
            format!("{name} as {}: HTTP {status}: {}", who.user, clip(&text)),
        );
        return None;
    }
    if let Some(v) = t.lat.get_mut(cmd) {
        v.push(ms);
    }
    if status == StatusCode::NO_CONTENT || text.is_empty() {
        return Some(Value::Null);
    }
    Some(serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// One full lifecycle; false (with the failure recorded) when a step failed.
pub(crate) async fn lifecycle(shared: &Shared, c: &ClientSet, t: &mut Tally) -> bool {
    let lead = c.handler.unit.as_str();
    let route = shared.routes.get(lead).cloned().unwrap_or(Route {
        item: Value::Null,
        override_reason: json!("基准测试：按部门职责指定牵头单位"),
    });
    let create = json!({
        "channel": "township_call",
        "title": "基准测试：工地夜间施工扬尘",
        "description": "村东侧工地夜间土方作业，未洒水未覆盖，扬尘严重，群众反映强烈。",
        "urgency": "normal",
        "location": {"lon": LON, "lat": LAT, "address": "基准测试地点"},
        "call": true,
        "item": route.item,
    });
    let Some(made) = call(shared, &c.operator, "api/v1/events", &create, 0, t).await else {
        return false;
    };
    let Some(id) = made.get("id").and_then(Value::as_u64) else {
        t.fail(
            0,
            format!("create: reply without an id: {}", clip(&made.to_string())),
        );
        return false;
    };
    let path = format!("api/v1/events/{id}/commands");
    let now = now_ms();
    let steps: [(&RoleClient, Value); 6] = [
        (
            &c.dispatcher,
            json!({"cmd": "dispatch", "item": route.item, "lead": lead, "co": [],
                   "override_reason": route.override_reason}),
        ),
        (&c.handler, json!({"cmd": "sign", "assignment": 1})),
        (
            &c.handler,
            json!({"cmd": "respond", "assignment": 1, "contacted": "施工单位项目经理",
                   "arrived": true}),
        ),
        (
            &c.handler,
            json!({"cmd": "report_back", "assignment": 1, "report": {
                "accepted_at_ms": now - 60_000,
                "contacted": "村委会主任及施工单位负责人",
                "measures": "现场责令整改，洒水降尘并加装围挡，已复查",
                "resolve_by": "3个工作日内",
                "photos": []}}),
        ),
        (
            &c.operator,
            json!({"cmd": "evaluate", "assignment": 1, "level": 0, "reason": ""}),
        ),
        (&c.operator, json!({"cmd": "close", "note": ""})),
    ];
    for (i, (who, body)) in steps.iter().enumerate() {
        if call(shared, who, &path, body, i + 1, t).await.is_none() {
            return false;
        }
    }
    true
}
