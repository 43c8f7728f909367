//! The log audit page: the integrity check, the latest signed checkpoint, and the entries in
//! words (who, for which unit, did what, to which event or list item) with their proofs,
//! filtered by event, unit, actor, action and date; `GET /audit/log/export` writes the
//! filtered entries to xlsx.

mod kinds;
mod scan;

use super::table::{self, Col};
use super::{render, Chrome};
use crate::error::PageError;
use crate::i18n::Lang;
use crate::session::{PageSession, Session};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use scan::{AuditFilter, EntryView, SCAN_CAP};
use tiaokuai_log::LogEntry;

const PER_PAGE: u64 = 50;

const COLS: [Col; 7] = [
    Col::num("seq", "序号", "Seq"),
    Col::text("time", "时间", "Time"),
    Col::text("actor", "操作人", "Actor"),
    Col::text("unit", "所属单位", "Unit"),
    Col::text("action", "操作", "Action"),
    Col::text("subject", "涉及事件或事项", "Concerning"),
    Col::text("hash", "哈希", "Hash"),
];

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
    f: AuditFilter,
    kinds: Vec<(&'static str, &'static str)>,
    entries_view: Vec<EntryView>,
    older: Option<String>,
    newer: Option<String>,
    capped: bool,
    export: String,
}

async fn guard(state: &AppState, s: &Session) -> Result<(), PageError> {
    let auditor = state
        .engine
        .with_state(|st| s.principal.may_audit_log(&st.org))
        .await
        .map_err(|e| PageError::from_app(e, s.lang))?;
    if auditor {
        Ok(())
    } else {
        Err(PageError::forbidden(s.lang))
    }
}

async fn in_words(
    state: &AppState,
    entries: Vec<LogEntry>,
    l: Lang,
) -> Result<Vec<EntryView>, PageError> {
    state
        .engine
        .with_state(|st| entries.iter().map(|e| scan::view(st, e, l)).collect())
        .await
        .map_err(|e| PageError::from_app(e, l))
}

/// Up to `want` entries below `end` for the filter, newest first, the `before` of the older
/// page, and whether the scan stopped at its cap.
async fn read(
    state: &AppState,
    f: &AuditFilter,
    end: u64,
    want: u64,
    cap: u64,
    l: Lang,
) -> Result<(Vec<LogEntry>, Option<u64>, bool), PageError> {
    let store = state.engine.store();
    let county = state.engine.county();
    if f.is_empty() && want <= PER_PAGE {
        let from = end.saturating_sub(want);
        let mut entries = store
            .read_log(county, from, end - from)
            .await
            .map_err(|e| PageError::from((e, l)))?;
        entries.reverse();
        return Ok((entries, (from > 0).then_some(from), false));
    }
    let r = state
        .engine
        .with_state(|st| scan::resolve(st, f))
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let found = scan::scan(store, county, &r, end, want as usize, cap)
        .await
        .map_err(|e| PageError::from((e, l)))?;
    Ok((found.entries, found.older, found.capped))
}

pub async fn page(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Query(f): Query<AuditFilter>,
) -> Result<Response, PageError> {
    guard(&state, &s).await?;
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
    let end = f.before.unwrap_or(size).min(size);
    let (entries, older, capped) = read(&state, &f, end, PER_PAGE, SCAN_CAP, l).await?;
    let keep = f.keep();
    let newer = (end < size).then(|| {
        if f.is_empty() && end + PER_PAGE < size {
            format!("/audit/log?{keep}before={}", end + PER_PAGE)
        } else {
            format!("/audit/log?{keep}")
        }
    });
    Ok(render(&AuditPage {
        c: Chrome::for_session(&s, "/audit/log"),
        problem: report.problem.clone(),
        entries: report.entries,
        checkpoints: match l {
            Lang::Zh => format!("{} 个检查点", report.checkpoints),
            Lang::En => format!("{} checkpoints", report.checkpoints),
        },
        cp_size: cp.as_ref().map(|c| c.size).unwrap_or(0),
        cp_root: cp.map(|c| hex::encode(c.root)).unwrap_or_default(),
        public_key: state.engine.verifier().public_hex(),
        kinds: kinds::KINDS
            .iter()
            .map(|(k, zh, en)| (*k, l.pick(zh, en)))
            .collect(),
        entries_view: in_words(&state, entries, l).await?,
        older: older.map(|b| format!("/audit/log?{keep}before={b}")),
        newer,
        capped,
        export: format!(
            "/audit/log/export?{keep}{}",
            f.before.map(|b| format!("before={b}")).unwrap_or_default()
        ),
        f,
    }))
}

/// `GET /audit/log/export`: the filtered entries (newest first, at most
/// [`table::EXPORT_CAP`]) as xlsx; auditors only.
pub async fn export(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Query(f): Query<AuditFilter>,
) -> Result<Response, PageError> {
    guard(&state, &s).await?;
    let l = s.lang;
    let size = state
        .engine
        .store()
        .log_size(state.engine.county())
        .await
        .map_err(|e| PageError::from((e, l)))?;
    let end = f.before.unwrap_or(size).min(size);
    let cap = table::EXPORT_CAP as u64;
    let (entries, _, _) = read(&state, &f, end, cap, cap, l).await?;
    let cells: Vec<Vec<String>> = in_words(&state, entries, l)
        .await?
        .iter()
        .map(EntryView::cells)
        .collect();
    table::xlsx_response(l, ("日志", "audit-log"), &COLS, &cells)
}
