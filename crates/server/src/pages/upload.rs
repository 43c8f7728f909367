//! Web upload of list files: check and show the column mapping and every error first, then
//! import on confirmation. All or nothing.

use super::{render, Chrome};
use crate::error::PageError;
use crate::session::{PageSession, Session};
use crate::AppState;
use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::response::Response;
use axum::Form;
use serde::Deserialize;
use tiaokuai_app::lists::ImportOptions;
use tiaokuai_app::{now_ms, AppError};
use tiaokuai_core::org::RoleKind;
use tiaokuai_core::DomainError;

#[derive(Template)]
#[template(path = "upload.html")]
struct UploadPage {
    c: Chrome,
    notice: Option<String>,
    errors: Vec<String>,
    mapping: Vec<(String, String, String, usize)>,
    token: String,
    document_no: String,
    effective_date: String,
}

fn guard(s: &Session) -> Result<(), PageError> {
    if s.principal.has(RoleKind::EstablishmentReviewer) || s.principal.has(RoleKind::SystemAdmin) {
        Ok(())
    } else {
        Err(PageError::forbidden(s.lang))
    }
}

fn page(s: &Session) -> UploadPage {
    UploadPage {
        c: Chrome::for_session(s, "/lists"),
        notice: None,
        errors: vec![],
        mapping: vec![],
        token: String::new(),
        document_no: String::new(),
        effective_date: tiaokuai_app::lists::today_cst(now_ms()),
    }
}

pub async fn form(PageSession(s): PageSession) -> Result<Response, PageError> {
    guard(&s)?;
    Ok(render(&page(&s)))
}

#[derive(Deserialize)]
pub struct CsrfQuery {
    csrf: String,
}

const MAX_UPLOAD: usize = 20 * 1024 * 1024;

pub async fn check(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Query(q): Query<CsrfQuery>,
    mut mp: Multipart,
) -> Result<Response, PageError> {
    guard(&s)?;
    if !s.check_csrf(&q.csrf) {
        return Err(PageError::forbidden(s.lang));
    }
    let mut p = page(&s);
    let mut saved = None;
    while let Ok(Some(field)) = mp.next_field().await {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or("upload.xlsx").to_string();
        let ext = name.rsplit('.').next().unwrap_or("").to_lowercase();
        if !matches!(ext.as_str(), "xlsx" | "xls" | "csv") {
            p.errors
                .push(format!("{name}: unsupported file type (use .xlsx or .csv)"));
            break;
        }
        match field.bytes().await {
            Ok(b) if b.len() > MAX_UPLOAD => p.errors.push(format!("{name}: larger than 20 MB")),
            Ok(b) => {
                // Staged in the database, so that any server behind the balancer can
                // confirm it; the check below reads a private copy.
                let token = format!(
                    "{:016x}{:016x}",
                    rand::random::<u64>(),
                    rand::random::<u64>()
                );
                let now = now_ms();
                state
                    .engine
                    .store()
                    .stage_upload(
                        &token,
                        &s.principal.username,
                        &name,
                        &b,
                        now,
                        now + state.config.upload_expiry_ms,
                    )
                    .await
                    .map_err(|e| PageError::from_app(e.into(), s.lang))?;
                let copy = tempfile::tempdir()
                    .map_err(|e| PageError::from_app(AppError::Io(e.to_string()), s.lang))?;
                let path = copy.path().join(format!("upload.{ext}"));
                std::fs::write(&path, &b)
                    .map_err(|e| PageError::from_app(AppError::Io(e.to_string()), s.lang))?;
                saved = Some((token, path, name, copy));
            }
            Err(e) => p.errors.push(format!("{name}: {e}")),
        }
    }
    if let Some((token, path, name, _copy)) = saved {
        match tiaokuai_app::org_io::read_raw(&path) {
            Err(errs) => p.errors.extend(
                errs.iter()
                    .map(|e| e.to_string().replace("upload.", &format!("{name} "))),
            ),
            Ok(sheets) => {
                let parsed = state
                    .engine
                    .with_state(|st| tiaokuai_app::lists::import::parse_lists(st, &sheets, None))
                    .await
                    .map_err(|e| PageError::from_app(e, s.lang))?;
                let counts = match &parsed {
                    Ok(pl) => tiaokuai_app::lists::import::count_by_kind(&pl.items),
                    Err(errs) => {
                        p.errors.extend(errs.iter().map(|e| e.to_string()));
                        Default::default()
                    }
                };
                if let Ok(pl) = &parsed {
                    p.document_no = pl.document_no.clone().unwrap_or_default();
                    if let Some(d) = &pl.effective_date {
                        p.effective_date = d.clone();
                    }
                }
                p.mapping = tiaokuai_app::lists::import::describe(&sheets, None)
                    .into_iter()
                    .map(|(src, kind, cols)| {
                        let n = tiaokuai_core::lists::ListKind::ALL
                            .iter()
                            .find(|k| k.label_zh() == kind)
                            .and_then(|k| counts.get(k))
                            .copied()
                            .unwrap_or(0);
                        (src.replace("upload.", &format!("{name} ")), kind, cols, n)
                    })
                    .collect();
                p.token = token;
            }
        }
    }
    Ok(render(&p))
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    csrf: String,
    token: String,
    #[serde(default)]
    document_no: String,
    #[serde(default)]
    effective_date: String,
}

pub async fn confirm(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Form(f): Form<ConfirmForm>,
) -> Result<Response, PageError> {
    guard(&s)?;
    if !s.check_csrf(&f.csrf)
        || !f.token.chars().all(|c| c.is_ascii_hexdigit())
        || f.token.is_empty()
    {
        return Err(PageError::forbidden(s.lang));
    }
    let staged = state
        .engine
        .store()
        .staged_upload(&f.token, &s.principal.username, now_ms())
        .await
        .map_err(|e| PageError::from_app(e.into(), s.lang))?;
    let Some(staged) = staged else {
        return Err(PageError::not_found(s.lang));
    };
    let ext = staged
        .file_name
        .rsplit('.')
        .next()
        .unwrap_or("xlsx")
        .to_lowercase();
    let io = |e: std::io::Error| PageError::from_app(AppError::Io(e.to_string()), s.lang);
    let copy = tempfile::tempdir().map_err(io)?;
    let path = copy.path().join(format!("upload.{ext}"));
    std::fs::write(&path, &staged.bytes).map_err(io)?;
    let opts = ImportOptions {
        kind: None,
        document_no: Some(f.document_no.trim().to_string()).filter(|x| !x.is_empty()),
        effective_date: Some(f.effective_date.trim().to_string()).filter(|x| !x.is_empty()),
        dry_run: false,
    };
    let actor = tiaokuai_app::lists::actor_of(&s.principal);
    let mut p = page(&s);
    match state
        .engine
        .import_lists(&actor, now_ms(), &[path.as_path()], &opts)
        .await
    {
        Ok(sum) => {
            if let Err(e) = state.engine.store().drop_staged_upload(&f.token).await {
                tracing::warn!(error = %e, "could not forget a confirmed upload; it expires later");
            }
            p.notice = Some(match sum.version {
                Some(v) => format!("已导入并发布第 {v} 版：新增或变更 {} 项，取消 {} 项。 Imported as version {v}.", sum.added_or_changed, sum.removed),
                None => "内容与现行版本相同，未产生新版本。 Nothing changed.".to_string(),
            });
        }
        Err(AppError::Domain(DomainError::Invalid(errs))) => {
            p.errors = errs.iter().map(|e| e.to_string()).collect()
        }
        Err(e) => return Err(PageError::from_app(e, s.lang)),
    }
    Ok(render(&p))
}
