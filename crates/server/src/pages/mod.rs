//! Server-rendered pages. Each page is one askama template and one handler.

mod account;
mod adjust;
mod admin;
mod admin_erase;
mod admin_people;
mod admission;
mod application;
mod assessment;
mod audit;
mod auth;
mod bounces;
mod delegation;
mod desks;
mod events;
mod home;
mod item_usage;
mod lists;
mod lists_table;
mod org;
mod patrol;
mod public;
mod resubmit;
mod routing_report;
mod settings;
pub mod stats;
mod table;
mod upload;

use crate::i18n::Lang;
use crate::session::Session;
use crate::AppState;
use askama::Template;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use tiaokuai_core::access::{Area, Principal};

pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub active: bool,
    /// Steps waiting for the viewer, shown beside the item (0: none shown).
    pub count: usize,
}

pub struct UserView {
    pub username: String,
    pub name: String,
}

/// What every page's frame needs: language, user, CSRF token and the role's navigation.
pub struct Chrome {
    pub lang: Lang,
    pub user: Option<UserView>,
    pub csrf: String,
    pub nav: Vec<NavItem>,
}

impl Chrome {
    pub fn anonymous(lang: Lang) -> Self {
        Chrome {
            lang,
            user: None,
            csrf: String::new(),
            nav: vec![],
        }
    }

    pub fn for_session(s: &Session, active: &str) -> Self {
        Chrome {
            lang: s.lang,
            user: Some(user_view(&s.principal)),
            csrf: s.csrf.clone(),
            nav: nav(&s.principal, s.lang, active, s.work),
        }
    }
}

fn user_view(p: &Principal) -> UserView {
    UserView {
        username: p.username.clone(),
        name: p.name.clone(),
    }
}

fn nav(p: &Principal, l: Lang, active: &str, work: usize) -> Vec<NavItem> {
    use tiaokuai_core::org::RoleKind;
    let staff = p.grants.iter().any(|g| g.role != RoleKind::GridWorker);
    let leader = p.grants.iter().any(|g| g.role == RoleKind::Leader);
    // A grid worker's phone menu: report, their reports, and what they look things up in.
    if !p.grants.is_empty() && !staff {
        let v = [
            ("/events/new", "nav.report"),
            ("/patrol", "nav.patrol"),
            ("/desk", "nav.my_reports"),
            ("/events", "nav.events"),
            ("/org/map", "nav.map"),
            ("/lists", "nav.lists"),
        ];
        return v
            .into_iter()
            .map(|(href, key)| NavItem {
                href,
                label: l.t(key),
                active: href == active,
                count: 0,
            })
            .collect();
    }
    let mut v = vec![
        ("/", "nav.home", true),
        ("/desk", "nav.desk", desks::has_desk(p)),
        ("/events", "nav.events", !p.grants.is_empty()),
        ("/org", "nav.org", p.may_enter(Area::Organisation)),
        ("/org/map", "nav.map", p.may_enter(Area::Organisation)),
        ("/lists", "nav.lists", p.may_enter(Area::Organisation)),
        (
            if leader { "/stats/dashboard" } else { "/stats" },
            "nav.stats",
            staff,
        ),
        ("/assessment", "nav.assessment", staff),
        ("/admission", "nav.admission", staff),
        ("/delegation", "nav.delegation", staff),
        (
            "/patrol/board",
            "nav.patrol_board",
            p.grants.iter().any(|g| {
                matches!(
                    g.role,
                    RoleKind::TownshipOperator
                        | RoleKind::TownshipLeader
                        | RoleKind::Leader
                        | RoleKind::CountyDispatcher
                        | RoleKind::SystemAdmin
                )
            }),
        ),
        (
            "/admin/people",
            "nav.admin",
            p.may_enter(Area::Administration),
        ),
        // A hint only (the menu has no organisation at hand): the page asks
        // `Principal::may_audit_log`, which leaves out leaders of a township.
        (
            "/audit/log",
            "nav.audit",
            leader || p.has(RoleKind::SystemAdmin) || p.has(RoleKind::DisciplineInspector),
        ),
        // Grid workers' phones keep a short menu; the pages stay readable to them by URL.
        (
            "/settings/calendar",
            "nav.settings",
            p.grants
                .iter()
                .any(|g| g.role != tiaokuai_core::org::RoleKind::GridWorker),
        ),
    ];
    v.retain(|x| x.2);
    // The count goes on the desk, where the work is listed; without a desk, on the home page.
    let counted = if desks::has_desk(p) { "/desk" } else { "/" };
    v.into_iter()
        .map(|(href, key, _)| NavItem {
            href,
            label: l.t(key),
            active: href == active || (href == "/stats/dashboard" && active == "/stats"),
            count: if href == counted { work } else { 0 },
        })
        .collect()
}

/// How many steps wait for `p`: workflow work from the core's one "who acts next" query plus
/// list adjustments the person may move.
pub fn work_count(st: &tiaokuai_core::state::CountyState, p: &Principal, now: i64) -> usize {
    home::todo_items(st, p, Lang::Zh, now)
        .iter()
        .map(|x| x.2)
        .sum()
}

pub fn render<T: Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "template error",
            )
                .into_response()
        }
    }
}

async fn stylesheet() -> Response {
    (
        [
            ("content-type", "text/css; charset=utf-8"),
            ("cache-control", "public, max-age=3600"),
        ],
        include_str!("../../static/app.css"),
    )
        .into_response()
}

async fn favicon() -> Response {
    (
        [
            ("content-type", "image/svg+xml"),
            ("cache-control", "public, max-age=86400"),
        ],
        include_str!("../../static/favicon.svg"),
    )
        .into_response()
}

/// Any other path: the 404 page in the user's language.
async fn not_found(jar: axum_extra::extract::CookieJar) -> crate::error::PageError {
    crate::error::PageError::not_found(Lang::from_jar(&jar))
}

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(events::router())
        .merge(desks::router())
        .merge(settings::router())
        .merge(stats::router())
        .merge(assessment::router())
        .merge(admission::router())
        .merge(delegation::router())
        .merge(patrol::router())
        .route("/", get(home::home))
        .route("/login", get(auth::login_form).post(auth::login))
        .route("/logout", post(auth::logout))
        .route("/lang/{lang}", get(auth::set_lang))
        .route("/org", get(org::tree))
        .route("/org/map", get(org::map))
        .route("/org/units/{code}", get(org::unit))
        .route("/org/grids/{code}", get(org::grid))
        .route("/account", get(account::page))
        .route("/account/password", post(account::change_password))
        .route("/admin/people", get(admin_people::page).post(admin::add))
        .route("/admin/people/export", get(admin_people::export))
        .route(
            "/admin/people/{username}/erase",
            get(admin_erase::confirm).post(admin_erase::erase),
        )
        .route("/admin/routing", get(routing_report::page))
        .route("/audit/log", get(audit::page))
        .route("/audit/log/export", get(audit::export))
        .route("/stats/bounces", get(bounces::page))
        .route("/lists", get(lists::browse))
        .route("/lists/items/{kind}/{number}", get(lists::item))
        .route("/lists/versions", get(lists::versions))
        .route("/lists/diff", get(lists::diff))
        .route("/lists/export", get(lists::export))
        .route("/lists/export/table", get(lists::export_table))
        .route(
            "/lists/adjustments",
            get(adjust::queues).post(adjust::create),
        )
        .route("/lists/adjustments/new", get(adjust::new_form))
        .route("/lists/adjustments/{id}", get(application::page))
        .route("/lists/adjustments/{id}/edit", get(resubmit::edit_form))
        .route("/lists/adjustments/{id}/resubmit", post(resubmit::resubmit))
        .route("/lists/adjustments/{id}/{action}", post(application::act))
        .route(
            "/lists/upload",
            get(upload::form)
                .post(upload::check)
                .layer(axum::extract::DefaultBodyLimit::max(21 * 1024 * 1024)),
        )
        .route("/lists/upload/confirm", post(upload::confirm))
        .route("/public", get(public::page))
        .route("/public/lists", get(public::page))
        .route("/public/browse", get(public::browse))
        .route("/public/items/{kind}/{number}", get(public::item))
        .route(
            "/public/suggestions",
            get(public::suggestions).post(public::file_suggestion),
        )
        .route("/static/app.css", get(stylesheet))
        .route("/favicon.svg", get(favicon))
        .route("/favicon.ico", get(favicon))
        .fallback(not_found)
}
