//! The list browser, item pages with flow diagrams and history, versions, diffs and exports.

use super::{render, Chrome};
use crate::error::{html_escape, PageError};
use crate::i18n::Lang;
use crate::session::{PageSession, Session};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tiaokuai_core::access::Area;
use tiaokuai_core::lists::{Item, ItemDiff, ListKind, VersionMeta};
use tiaokuai_core::state::OrgState;

pub fn guard(s: &Session) -> Result<(), PageError> {
    if s.principal.may_enter(Area::Organisation) {
        Ok(())
    } else {
        Err(PageError::forbidden(s.lang))
    }
}

pub fn unit_names(codes: &[String], org: &OrgState) -> String {
    codes
        .iter()
        .map(|c| {
            org.unit(c)
                .map(|u| u.short_name.clone())
                .unwrap_or_else(|| c.clone())
        })
        .collect::<Vec<_>>()
        .join("、")
}

pub fn kind_label(k: ListKind, l: Lang) -> &'static str {
    if l == Lang::Zh {
        k.label_zh()
    } else {
        k.label_en()
    }
}

pub use super::lists_table::{browse, export_table};

#[derive(Template)]
#[template(path = "item.html")]
struct ItemPage {
    c: Chrome,
    item: Item,
    path: String,
    kind_code: &'static str,
    kind_label: &'static str,
    version: u32,
    meta: Option<VersionMeta>,
    fields: Vec<(&'static str, String)>,
    flow_svg: String,
    history: Vec<(u32, String)>,
    can_apply: bool,
    citations: super::item_usage::Citations,
}

#[derive(Deserialize)]
pub struct VersionQuery {
    version: Option<u32>,
}

/// The elements of an item in display order, skipping empty ones.
pub fn item_fields(i: &Item, org: &OrgState) -> Vec<(&'static str, String)> {
    let l = &i.limits;
    let lim = |v: Option<f64>, unit: &str| v.map(|x| format!("{x}{unit}")).unwrap_or_default();
    let limits = [
        lim(l.sign_hours, "小时签收"),
        lim(l.respond_hours, "小时响应"),
        lim(l.arrive_hours, "小时到场"),
        lim(l.complete_days, "个工作日办结"),
    ]
    .into_iter()
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join("，");
    let v = vec![
        ("序号", i.number.clone()),
        ("领域", i.domain.clone()),
        ("事项名称", i.name.clone()),
        ("类型", i.subkind.clone()),
        ("权力类型", i.power_type.clone()),
        ("主体责任单位", unit_names(&i.primary, org)),
        ("主体责任", i.primary_duty.clone()),
        ("配合责任单位", unit_names(&i.supporting, org)),
        ("配合责任", i.supporting_duty.clone()),
        ("法律法规依据", i.legal_basis.clone()),
        ("问题描述", i.problem.clone()),
        ("前端网格管理", i.grid_handling.clone()),
        ("镇街综合管理", i.township_handling.clone()),
        ("部门监管执法", i.department_enforcement.clone()),
        ("承办机构/牵头科室", i.division.clone()),
        ("分管领导", i.leader.clone()),
        (
            "A岗 / B岗",
            if i.staff_a.is_empty() {
                String::new()
            } else {
                format!("{} / {}", i.staff_a, i.staff_b)
            },
        ),
        ("责任事项/办事指南/工作内容", i.guide.clone()),
        ("追责情形", i.accountability.clone()),
        ("赋权文件", i.document.clone()),
        ("赋权日期", i.delegated_on.clone()),
        ("过渡期截止", i.transition_end.clone()),
        ("关键词", i.keywords.join("、")),
        ("别名", i.aliases.join("、")),
        ("默认时限", limits),
    ];
    v.into_iter()
        .filter(|(_, x)| !x.trim().is_empty())
        .collect()
}

/// The item's flow as boxes and arrows; parallel flows draw the parties side by side.
fn flow_svg(i: &Item, org: &OrgState) -> String {
    let mut steps: Vec<String> = i.steps.clone();
    if steps.is_empty() && !i.primary.is_empty() {
        steps.push(format!(
            "{}：{}",
            unit_names(&i.primary, org),
            i.primary_duty
        ));
        if !i.supporting.is_empty() {
            steps.push(format!(
                "{}：{}",
                unit_names(&i.supporting, org),
                i.supporting_duty
            ));
        }
    }
    if steps.is_empty() {
        return String::new();
    }
    let (w, h, gap, per_row) = (200.0, 56.0, 40.0, 4usize);
    let rows = steps.len().div_ceil(per_row);
    let width = per_row as f64 * (w + gap);
    let height = rows as f64 * (h + gap);
    let mut out = format!(
        r##"<svg class="flow" viewBox="0 0 {width:.0} {height:.0}" role="img" aria-label="flow"><defs><marker id="arr" markerWidth="8" markerHeight="8" refX="7" refY="4" orient="auto"><path d="M0,0L8,4L0,8z" fill="#555"/></marker></defs>"##
    );
    for (n, step) in steps.iter().enumerate() {
        let (r, c) = (n / per_row, n % per_row);
        let x = c as f64 * (w + gap) + 4.0;
        let y = r as f64 * (h + gap) + 4.0;
        let short: String = step.chars().take(26).collect();
        let (l1, l2): (String, String) = (
            short.chars().take(13).collect(),
            short.chars().skip(13).collect(),
        );
        out.push_str(&format!(
            r#"<g><title>{}</title><rect x="{x:.0}" y="{y:.0}" width="{w}" height="{h}" rx="6" class="flow-step"/><text x="{:.0}" y="{:.0}" class="flow-text">{}</text><text x="{:.0}" y="{:.0}" class="flow-text">{}</text></g>"#,
            html_escape(step),
            x + 8.0,
            y + 22.0,
            html_escape(&format!("{}. {l1}", n + 1)),
            x + 8.0,
            y + 42.0,
            html_escape(&l2),
        ));
        if n + 1 < steps.len() {
            if c + 1 < per_row {
                out.push_str(&format!(r##"<line x1="{:.0}" y1="{:.0}" x2="{:.0}" y2="{:.0}" stroke="#555" marker-end="url(#arr)"/>"##, x + w, y + h / 2.0, x + w + gap - 4.0, y + h / 2.0));
            } else {
                out.push_str(&format!(r##"<line x1="{:.0}" y1="{:.0}" x2="{:.0}" y2="{:.0}" stroke="#555" marker-end="url(#arr)"/>"##, x + w / 2.0, y + h, 4.0 + w / 2.0, y + h + gap - 4.0));
            }
        }
    }
    out.push_str("</svg>");
    out
}

pub async fn item(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Path((kind, number)): Path<(String, String)>,
    Query(q): Query<VersionQuery>,
) -> Result<Response, PageError> {
    guard(&s)?;
    let l = s.lang;
    let id = format!("{kind}/{number}");
    let can_apply = state
        .engine
        .with_state(|st| {
            tiaokuai_core::lists::adjustment::authorize(
                &s.principal,
                &st.org,
                tiaokuai_core::lists::Action::File,
                None,
            )
            .is_ok()
        })
        .await
        .unwrap_or(false);
    let citations = super::item_usage::citations(&state, &s.principal, &id, l == Lang::Zh).await;
    let page = state
        .engine
        .with_state(|st| {
            let latest = st.lists.latest();
            let version = q.version.unwrap_or(latest).min(latest);
            let item = st.lists.item_at(&id, version)?.clone();
            let history = st
                .lists
                .item_history(&id)
                .iter()
                .map(|(v, i)| {
                    (
                        *v,
                        match i {
                            Some(i) => format!(
                                "{} · {}",
                                st.lists
                                    .meta(*v)
                                    .map(|m| m.effective_date.clone())
                                    .unwrap_or_default(),
                                i.name
                            ),
                            None => "已取消 removed".to_string(),
                        },
                    )
                })
                .collect();
            Some(ItemPage {
                c: Chrome::for_session(&s, "/lists"),
                path: item.id.clone(),
                kind_code: item.kind.as_str(),
                kind_label: kind_label(item.kind, l),
                version,
                meta: st.lists.meta(version).cloned(),
                fields: item_fields(&item, &st.org),
                flow_svg: flow_svg(&item, &st.org),
                history,
                can_apply,
                citations,
                item,
            })
        })
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    page.map(|p| render(&p))
        .ok_or_else(|| PageError::not_found(l))
}

#[derive(Template)]
#[template(path = "versions.html")]
struct VersionsPage {
    c: Chrome,
    rows: Vec<VersionMeta>,
    latest: u32,
    prev: u32,
    in_force: u32,
}

pub async fn versions(
    State(state): State<AppState>,
    PageSession(s): PageSession,
) -> Result<Response, PageError> {
    guard(&s)?;
    let today = tiaokuai_app::lists::today_cst(tiaokuai_app::now_ms());
    let (rows, latest, in_force) = state
        .engine
        .with_state(|st| {
            (
                st.lists.versions.iter().rev().cloned().collect::<Vec<_>>(),
                st.lists.latest(),
                st.lists.in_force(&today),
            )
        })
        .await
        .map_err(|e| PageError::from_app(e, s.lang))?;
    Ok(render(&VersionsPage {
        c: Chrome::for_session(&s, "/lists"),
        rows,
        latest,
        prev: latest.saturating_sub(1),
        in_force,
    }))
}

#[derive(Template)]
#[template(path = "diff.html")]
struct DiffPage {
    c: Chrome,
    a: u32,
    b: u32,
    rows: Vec<(&'static str, &'static str, String, String, String)>,
}

#[derive(Deserialize)]
pub struct DiffQuery {
    a: u32,
    b: u32,
}

pub async fn diff(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Query(q): Query<DiffQuery>,
) -> Result<Response, PageError> {
    guard(&s)?;
    let rows = state
        .engine
        .with_state(|st| {
            st.lists
                .diff(q.a, q.b)
                .into_iter()
                .map(|d| match d {
                    ItemDiff::Added { id, name } => {
                        ("added", "新增 added", id, name, String::new())
                    }
                    ItemDiff::Removed { id, name } => {
                        ("removed", "取消 removed", id, name, String::new())
                    }
                    ItemDiff::Changed { id, name, fields } => {
                        ("changed", "变更 changed", id, name, fields.join(", "))
                    }
                })
                .collect()
        })
        .await
        .map_err(|e| PageError::from_app(e, s.lang))?;
    Ok(render(&DiffPage {
        c: Chrome::for_session(&s, "/lists"),
        a: q.a,
        b: q.b,
        rows,
    }))
}

#[derive(Deserialize)]
pub struct ExportQuery {
    version: Option<u32>,
    format: String,
    #[serde(default)]
    kind: String,
}

pub async fn export(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Query(q): Query<ExportQuery>,
) -> Result<Response, PageError> {
    guard(&s)?;
    let l = s.lang;
    let st = state
        .engine
        .with_state(|st| st.clone())
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let version = q
        .version
        .unwrap_or(st.lists.latest())
        .min(st.lists.latest());
    let dir = tempfile_dir().map_err(|_| PageError::not_found(l))?;
    let (path, mime, name) = match q.format.as_str() {
        "xlsx" => (
            dir.join("lists.xlsx"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            format!("lists-v{version}.xlsx"),
        ),
        "csv" => (
            dir.join("lists.csv"),
            "text/csv; charset=utf-8",
            format!("lists-v{version}.csv"),
        ),
        _ => {
            let body = tiaokuai_app::lists::export::export_json(&st, version);
            return Ok((
                [(
                    "content-disposition",
                    format!("attachment; filename=\"lists-v{version}.json\""),
                )],
                axum::Json(body),
            )
                .into_response());
        }
    };
    let res = if q.format == "xlsx" {
        tiaokuai_app::lists::export::export_xlsx(&st, version, &path)
    } else {
        tiaokuai_app::lists::export::export_csv(
            &st,
            version,
            ListKind::parse(&q.kind).unwrap_or(ListKind::Territorial),
            &path,
        )
    };
    res.map_err(|e| PageError::from_app(e, l))?;
    let bytes = std::fs::read(&path).map_err(|_| PageError::not_found(l))?;
    let _ = std::fs::remove_dir_all(&dir);
    Ok((
        [
            ("content-type", mime.to_string()),
            (
                "content-disposition",
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

fn tempfile_dir() -> std::io::Result<std::path::PathBuf> {
    let d = std::env::temp_dir().join(format!("tiaokuai-export-{:016x}", rand::random::<u64>()));
    std::fs::create_dir_all(&d)?;
    Ok(d)
}
