//! The log audit page: integrity check, latest signed checkpoint, entries with proofs.

use super::{render, Chrome};
use crate::error::PageError;
use crate::session::PageSession;
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

pub struct EntryView {
    pub seq: u64,
    pub time: String,
    pub actor: String,
    pub kind: String,
    pub hash: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    c: Chrome,
    problem: Option<String>,
    entries: u64,
    checkpoints: String,
    cp_size: u64,
    cp_root: String,
    public_key: String,
    entries_view: Vec<EntryView>,
    older: Option<u64>,
}

#[derive(Deserialize)]
pub struct AuditQuery {
    before: Option<u64>,
}

use tiaokuai_app::cst::format_ms;

pub async fn page(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Query(q): Query<AuditQuery>,
) -> Result<Response, PageError> {
    let auditor = state
        .engine
        .with_state(|st| s.principal.may_audit_log(&st.org))
        .await
        .map_err(|e| PageError::from_app(e, s.lang))?;
    if !auditor {
        return Err(PageError::forbidden(s.lang));
    }
    let l = s.lang;
    let store = state.engine.store();
    let county = state.engine.county();
    let report = tiaokuai_app::verify::verify_county(store, county, state.engine.verifier())
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let cp = store
        .latest_checkpoint(county)
        .await
        .map_err(|e| PageError::from((e, l)))?;
    let size = store
        .log_size(county)
        .await
        .map_err(|e| PageError::from((e, l)))?;
    let end = q.before.unwrap_or(size).min(size);
    let from = end.saturating_sub(50);
    let mut entries = store
        .read_log(county, from, end - from)
        .await
        .map_err(|e| PageError::from((e, l)))?;
    entries.reverse();
    Ok(render(&AuditPage {
        c: Chrome::for_session(&s, "/audit/log"),
        problem: report.problem.clone(),
        entries: report.entries,
        checkpoints: format!("{} checkpoints", report.checkpoints),
        cp_size: cp.as_ref().map(|c| c.size).unwrap_or(0),
        cp_root: cp.map(|c| hex::encode(c.root)).unwrap_or_default(),
        public_key: state.engine.verifier().public_hex(),
        entries_view: entries
            .into_iter()
            .map(|e| EntryView {
                seq: e.header.seq,
                time: format_ms(e.header.at_ms),
                actor: e.header.actor,
                kind: e.header.kind,
                hash: hex::encode(&e.hash[..8]),
            })
            .collect(),
        older: if from > 0 { Some(from) } else { None },
    }))
}
