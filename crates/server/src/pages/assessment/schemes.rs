//! The admin's scheme editor: the current version as JSON in a textarea; a save checks the
//! JSON and the scheme and shows every problem beside the field (naming the indicator and
//! field), saving nothing until it is sound.

use super::is_admin;
use crate::error::PageError;
use crate::pages::{render, Chrome};
use crate::session::{PageSession, Session};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use tiaokuai_app::{now_ms, AppError};
use tiaokuai_core::assess::{AssessmentCmd, Scheme};
use tiaokuai_core::DomainError;

#[derive(Template)]
#[template(path = "assessment_scheme.html")]
struct Page {
    c: Chrome,
    id: String,
    name: String,
    version: u32,
    json: String,
    errors: Vec<String>,
    saved: bool,
}

fn guard(s: &Session) -> Result<(), PageError> {
    if is_admin(&s.principal) {
        Ok(())
    } else {
        Err(PageError::forbidden(s.lang))
    }
}

async fn current(state: &AppState, s: &Session, id: &str) -> Result<Scheme, PageError> {
    let id = id.to_string();
    state
        .engine
        .with_state(move |st| st.assessment.scheme(&id).cloned())
        .await
        .map_err(|e| PageError::from_app(e, s.lang))?
        .ok_or_else(|| PageError::not_found(s.lang))
}

#[derive(Deserialize, Default)]
pub struct SavedQ {
    #[serde(default)]
    saved: String,
}

pub async fn page(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Path(id): Path<String>,
    Query(q): Query<SavedQ>,
) -> Result<Response, PageError> {
    guard(&s)?;
    let sc = current(&state, &s, &id).await?;
    let json = serde_json::to_string_pretty(&sc).unwrap_or_default();
    Ok(render(&Page {
        c: Chrome::for_session(&s, "/assessment"),
        id: sc.id,
        name: sc.name,
        version: sc.version,
        json,
        errors: vec![],
        saved: !q.saved.is_empty(),
    }))
}

#[derive(Deserialize)]
pub struct SaveForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    json: String,
}

/// Problems of the posted text, each naming where: the JSON line and column, or the
/// indicator path and field.
fn problems(id: &str, text: &str, zh: bool) -> Result<Scheme, Vec<String>> {
    let mut sc: Scheme = serde_json::from_str(text).map_err(|e| {
        vec![if zh {
            format!("JSON 第 {} 行第 {} 列：{e}", e.line(), e.column())
        } else {
            format!("JSON line {}, column {}: {e}", e.line(), e.column())
        }]
    })?;
    if sc.id != id {
        return Err(vec![format!("id: must stay '{id}' (found '{}')", sc.id)]);
    }
    sc.version = 0;
    let errs = sc.problems();
    if errs.is_empty() {
        Ok(sc)
    } else {
        Err(errs.iter().map(|e| indicator_error(e, zh)).collect())
    }
}

fn indicator_error(e: &tiaokuai_core::FieldError, zh: bool) -> String {
    let message = if zh { e.reason.zh() } else { e.reason.en() };
    if e.location.is_empty() {
        format!("{}: {message}", e.field)
    } else {
        let word = if zh { "指标" } else { "indicator" };
        format!("{word} {} · {}: {message}", e.location, e.field)
    }
}

pub async fn save(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Path(id): Path<String>,
    Form(f): Form<SaveForm>,
) -> Result<Response, PageError> {
    guard(&s)?;
    if !s.check_csrf(&f.csrf) {
        return Err(PageError::forbidden(s.lang));
    }
    let cur = current(&state, &s, &id).await?;
    let zh = s.lang == crate::i18n::Lang::Zh;
    let errors = match problems(&id, &f.json, zh) {
        Ok(sc) => match state
            .engine
            .assess(
                &s.principal,
                now_ms(),
                AssessmentCmd::SetScheme { scheme: sc },
            )
            .await
        {
            Ok(_) => {
                return Ok(
                    Redirect::to(&format!("/assessment/schemes/{id}?saved=1")).into_response()
                )
            }
            Err(AppError::Domain(DomainError::Invalid(v))) => {
                v.iter().map(|e| indicator_error(e, zh)).collect()
            }
            Err(AppError::Domain(e)) => vec![e.to_string()],
            Err(e) => return Err(PageError::from_app(e, s.lang)),
        },
        Err(v) => v,
    };
    Ok((
        axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        render(&Page {
            c: Chrome::for_session(&s, "/assessment"),
            id: cur.id,
            name: cur.name,
            version: cur.version,
            json: f.json,
            errors,
            saved: false,
        }),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::problems;

    #[test]
    fn bad_json_and_bad_weights_name_where() {
        let e = problems("x", "{ not json", true).unwrap_err();
        assert!(e[0].contains("第 1 行"), "{e:?}");
        let text = r#"{"id":"x","name":"X","subject":"township","full_score":10,
            "indicators":[{"code":"a","name":"A","weight":5,
              "source":{"type":"measure","measure":"satisfaction_rate"},"rule":{"type":"proportional"}}]}"#;
        let e = problems("x", text, true).unwrap_err();
        assert!(e.iter().any(|m| m.contains("indicators")), "{e:?}");
        let e = problems("y", text, false).unwrap_err();
        assert!(e[0].starts_with("id:"), "{e:?}");
    }
}
