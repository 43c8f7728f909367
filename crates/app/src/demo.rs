//! The demo county (青川县): organisation tables shipped in `demo/org/`, loaded through the same
//! import path as real data, plus passwords for the demo accounts.

use crate::engine::{Actor, Engine};
use crate::error::{AppError, Result};
use std::path::Path;

pub const COUNTY: &str = "370999";
pub const PASSWORD: &str = "tiaokuai2026";

/// The demo accounts, with what each shows.
pub const ACCOUNTS: &[(&str, &str)] = &[
    ("admin", "系统管理员 system admin"),
    ("dispatcher", "县指挥中心调度员 county dispatcher"),
    ("dispatcher2", "县指挥中心调度员 county dispatcher"),
    ("qingshan_op", "青山镇指挥室操作员 township operator"),
    ("qingshan_leader", "青山镇领导 township leader"),
    ("chengguan_op", "城关街道指挥室操作员 township operator"),
    ("grid_qs01", "青山镇王家庄村网格员 grid worker"),
    ("zhujian", "住建局经办人 department handler"),
    ("zhujian_leader", "住建局领导 department leader"),
    ("zhifa", "综合执法局经办人 department handler"),
    ("shichang", "市场监管局经办人 department handler"),
    ("huanbao", "生态环境分局经办人 department handler"),
    ("bianban", "编办审核员 establishment office reviewer"),
    ("bianban2", "编办审核员 establishment office reviewer (a second, so 编办's own applications can be reviewed)"),
    ("sifa", "司法局审核员 justice bureau reviewer"),
    ("jiwei", "纪委监委纪检监察员 discipline inspector"),
    ("leader", "县领导 leader (dashboards)"),
    ("paichusuo_qs", "青山派出所经办人 stationed unit handler"),
];

const FILES: [(&str, &str); 3] = [
    ("units.csv", include_str!("../../../demo/org/units.csv")),
    ("people.csv", include_str!("../../../demo/org/people.csv")),
    ("grids.csv", include_str!("../../../demo/org/grids.csv")),
];

const LIST_FILES: [(&str, &[u8]); 6] = [
    (
        "属地管理事项清单.xlsx",
        include_bytes!("../../../demo/lists/属地管理事项清单.xlsx"),
    ),
    (
        "一件事清单.xlsx",
        include_bytes!("../../../demo/lists/一件事清单.xlsx"),
    ),
    (
        "权责清单.xlsx",
        include_bytes!("../../../demo/lists/权责清单.xlsx"),
    ),
    (
        "赋权事项清单.xlsx",
        include_bytes!("../../../demo/lists/赋权事项清单.xlsx"),
    ),
    (
        "职责边界清单.xlsx",
        include_bytes!("../../../demo/lists/职责边界清单.xlsx"),
    ),
    (
        "村社区事项清单.xlsx",
        include_bytes!("../../../demo/lists/村社区事项清单.xlsx"),
    ),
];

/// Writes the shipped demo list workbooks into `dir`.
pub fn write_list_files(dir: &Path) -> Result<Vec<std::path::PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|e| AppError::Io(format!("{}: {e}", dir.display())))?;
    LIST_FILES
        .iter()
        .map(|(name, bytes)| {
            let p = dir.join(name);
            std::fs::write(&p, bytes).map_err(|e| AppError::Io(format!("{}: {e}", p.display())))?;
            Ok(p)
        })
        .collect()
}

/// Writes the shipped demo tables into `dir` (so they can be inspected and re-imported).
pub fn write_files(dir: &Path) -> Result<Vec<std::path::PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|e| AppError::Io(format!("{}: {e}", dir.display())))?;
    FILES
        .iter()
        .map(|(name, text)| {
            let p = dir.join(name);
            std::fs::write(&p, text).map_err(|e| AppError::Io(format!("{}: {e}", p.display())))?;
            Ok(p)
        })
        .collect()
}

/// What the demo loads beside the organisation, lists, calendar and schemes.
#[derive(Debug, Clone, Copy)]
pub struct DemoOptions {
    /// The handful of hand-written events in every stage.
    pub events: bool,
    /// Months of generated history.
    pub history: Option<crate::demo_history::HistorySpec>,
}

impl DemoOptions {
    /// What `tiaokuai demo` shows: the demo events and three months of history.
    pub const FULL: DemoOptions = DemoOptions {
        events: true,
        history: Some(crate::demo_history::HistorySpec::DEMO),
    };
    /// The demo events only (tests and the append benchmarks).
    pub const SMALL: DemoOptions = DemoOptions {
        events: true,
        history: None,
    };
    /// Organisation, lists, calendar and schemes only.
    pub const BARE: DemoOptions = DemoOptions {
        events: false,
        history: None,
    };
}

/// Loads the full demo county if the county's log is empty. Returns true when it loaded.
pub async fn load_if_empty(engine: &Engine, work_dir: &Path, now_ms: i64) -> Result<bool> {
    load_with(engine, work_dir, now_ms, DemoOptions::FULL).await
}

/// Loads the demo county with `opts` if the county's log is empty (but for the declaration of
/// its key). Returns true when it loaded.
pub async fn load_with(
    engine: &Engine,
    work_dir: &Path,
    now_ms: i64,
    opts: DemoOptions,
) -> Result<bool> {
    let keys = crate::keys::declared_keys(engine.store(), engine.county()).await?;
    if engine.tree_head().await.0 > keys.len() as u64 {
        return Ok(false);
    }
    let files = write_files(work_dir)?;
    let paths: Vec<&Path> = files.iter().map(|p| p.as_path()).collect();
    engine
        .import_org(&Actor::system("demo"), now_ms, &paths, false)
        .await?;
    let actor = Actor::system("demo");
    for (username, _) in ACCOUNTS {
        engine
            .set_password(&actor, now_ms, username, PASSWORD)
            .await?;
    }
    let lists = write_list_files(&work_dir.join("lists"))?;
    let paths: Vec<&Path> = lists.iter().map(|p| p.as_path()).collect();
    engine
        .import_lists(
            &actor,
            now_ms,
            &paths,
            &crate::lists::ImportOptions::default(),
        )
        .await?;
    load_calendar(engine, &actor, now_ms).await?;
    load_schemes(engine, now_ms).await?;
    if opts.events {
        crate::demo_events::load(engine, now_ms).await?;
        crate::demo_delegation::load(engine, now_ms).await?;
        crate::demo_admission::load(engine, now_ms).await?;
    }
    if let Some(spec) = opts.history {
        crate::demo_history::generate(engine, now_ms, spec).await?;
        crate::demo_patrol::generate(engine, now_ms, spec.months, spec.seed).await?;
    }
    Ok(true)
}

/// The demo county's assessment schemes (`demo/assessment/*.json`).
pub const SCHEMES: [(&str, &str); 3] = [
    (
        "dept-monthly.json",
        include_str!("../../../demo/assessment/dept-monthly.json"),
    ),
    (
        "town-monthly.json",
        include_str!("../../../demo/assessment/town-monthly.json"),
    ),
    (
        "stationed-monthly.json",
        include_str!("../../../demo/assessment/stationed-monthly.json"),
    ),
];

/// Records the demo schemes as the administrator.
pub async fn load_schemes(engine: &Engine, now_ms: i64) -> Result<()> {
    let admin = engine
        .principal_of("admin")
        .await?
        .ok_or_else(|| AppError::Io("demo account admin is missing".into()))?;
    for (name, text) in SCHEMES {
        let scheme: tiaokuai_core::assess::Scheme = serde_json::from_str(text)
            .map_err(|e| AppError::Io(format!("demo/assessment/{name}: {e}")))?;
        engine
            .assess(
                &admin,
                now_ms,
                tiaokuai_core::assess::AssessmentCmd::SetScheme { scheme },
            )
            .await?;
    }
    Ok(())
}

/// Appends the built-in holidays and 调休 days (2025–2026 State Council notices).
pub async fn load_calendar(engine: &Engine, actor: &Actor, now_ms: i64) -> Result<()> {
    let days =
        tiaokuai_core::calendar::WorkCalendar::parse_csv(tiaokuai_core::calendar::BUILTIN_CSV)?;
    let t = tiaokuai_core::Transition::CalendarSet {
        days,
        hours: Some(tiaokuai_core::calendar::OfficeHours::default()),
    };
    engine.submit(actor, now_ms, vec![t]).await?;
    Ok(())
}
