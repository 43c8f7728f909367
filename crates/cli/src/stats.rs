//! `tiaokuai stats` and `tiaokuai assess`: the cube and the assessment against a database, as
//! the county's statistician runs them for the monthly 通报.

use crate::DbArgs;
use anyhow::{bail, Context};
use std::path::PathBuf;
use std::process::ExitCode;
use tiaokuai_app::stats_export::{csv, results_grid, results_text, table_grid, xlsx};
use tiaokuai_app::{now_ms, Engine};
use tiaokuai_core::access::Principal;
use tiaokuai_core::org::{RoleGrant, RoleKind};
use tiaokuai_core::stats::QuerySpec;

#[derive(clap::Args)]
pub struct StatsArgs {
    #[command(flatten)]
    db: DbArgs,
    /// Row dimension: township, department, receiver, category1..3, channel, month, ...
    #[arg(long, default_value = "all")]
    rows: String,
    /// Column dimension.
    #[arg(long, default_value = "all")]
    cols: String,
    /// Comma-separated measures, e.g. events,closed,closure_rate,satisfaction_rate
    #[arg(long, default_value = "events")]
    measures: String,
    /// 2026-11, 2026-Q4, 2026, 2026-W45 or 2026-10-01..2026-12-31 (default: this month)
    #[arg(long)]
    period: Option<String>,
    /// First day (YYYY-MM-DD), with --to
    #[arg(long)]
    from: Option<String>,
    /// Last day (YYYY-MM-DD, included)
    #[arg(long)]
    to: Option<String>,
    /// dim:key,key;dim:key
    #[arg(long)]
    filter: Option<String>,
    /// csv, json or xlsx (xlsx needs --out)
    #[arg(long, default_value = "csv")]
    format: String,
    /// Write here instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
    /// zh or en labels
    #[arg(long, default_value = "zh")]
    lang: String,
}

#[derive(clap::Args)]
pub struct AssessArgs {
    #[command(flatten)]
    db: DbArgs,
    /// Scheme id, e.g. dept-monthly
    #[arg(long)]
    scheme: String,
    /// 2026-11, 2026-Q4, ...
    #[arg(long)]
    period: String,
    /// text (ranking with per-point explanations), json, csv or xlsx (needs --out)
    #[arg(long, default_value = "text")]
    format: String,
    #[arg(long)]
    out: Option<PathBuf>,
    #[arg(long, default_value = "zh")]
    lang: String,
}

/// The operator at the command line sees the whole county, like an administrator.
async fn operator(engine: &Engine) -> anyhow::Result<Principal> {
    let county = engine
        .with_state(|s| {
            s.org
                .units
                .values()
                .find(|u| u.kind == tiaokuai_core::org::UnitKind::County)
                .map(|u| u.code.clone())
        })
        .await?
        .unwrap_or_else(|| engine.county().to_string());
    Ok(Principal {
        username: "system:cli".into(),
        name: "command line".into(),
        unit: county.clone(),
        grants: vec![RoleGrant {
            role: RoleKind::SystemAdmin,
            unit: county,
        }],
    })
}

fn emit(
    out: &Option<PathBuf>,
    format: &str,
    text: Option<String>,
    bytes: Option<Vec<u8>>,
) -> anyhow::Result<()> {
    match (out, text, bytes) {
        (Some(p), Some(t), _) => {
            std::fs::write(p, t).with_context(|| format!("writing {}", p.display()))
        }
        (Some(p), None, Some(b)) => {
            std::fs::write(p, b).with_context(|| format!("writing {}", p.display()))
        }
        (None, Some(t), _) => {
            print!("{t}");
            Ok(())
        }
        _ => bail!("--format {format} writes a file: give --out FILE.xlsx"),
    }
}

fn check_format(format: &str, allowed: &[&str]) -> anyhow::Result<()> {
    if !allowed.contains(&format) {
        bail!("--format: '{format}' is not one of {}", allowed.join(", "));
    }
    Ok(())
}

pub async fn stats(a: StatsArgs) -> anyhow::Result<ExitCode> {
    check_format(&a.format, &["csv", "json", "xlsx"])?;
    let spec = QuerySpec {
        rows: Some(a.rows),
        cols: Some(a.cols),
        measures: Some(a.measures),
        period: a.period,
        from: a.from,
        to: a.to,
        filter: a.filter,
    };
    let now = now_ms();
    let (q, period) = match spec.to_query(now) {
        Ok(x) => x,
        Err(errs) => {
            for e in errs {
                eprintln!("error: --{}: {}", e.field, e.reason);
            }
            return Ok(ExitCode::from(2));
        }
    };
    let engine = crate::commands::open_existing_engine(&a.db).await?;
    let who = operator(&engine).await?;
    let zh = a.lang != "en";
    let table = engine.stats(&who, &q, zh, now).await?;
    let grid = table_grid(&table, zh);
    match a.format.as_str() {
        "json" => {
            let v = serde_json::json!({ "period": period.name, "table": table });
            emit(
                &a.out,
                "json",
                Some(serde_json::to_string_pretty(&v)? + "\n"),
                None,
            )?
        }
        "xlsx" => emit(&a.out, "xlsx", None, Some(xlsx("统计", &grid)?))?,
        _ => emit(&a.out, "csv", Some(csv(&grid)?), None)?,
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn assess(a: AssessArgs) -> anyhow::Result<ExitCode> {
    check_format(&a.format, &["text", "json", "csv", "xlsx"])?;
    let engine = crate::commands::open_existing_engine(&a.db).await?;
    let who = operator(&engine).await?;
    let zh = a.lang != "en";
    let v = engine
        .assessment(&who, &a.scheme, &a.period, now_ms())
        .await?;
    let units = engine.with_state(|s| s.org.units.clone()).await?;
    let name = |c: &str| units.get(c).map(|u| u.name.clone()).unwrap_or_default();
    match a.format.as_str() {
        "json" => {
            let j = serde_json::json!({
                "scheme": v.scheme.id, "version": v.scheme.version, "period": v.period.name,
                "closed": v.closed.is_some(), "results": v.results,
            });
            emit(
                &a.out,
                "json",
                Some(serde_json::to_string_pretty(&j)? + "\n"),
                None,
            )?
        }
        "csv" => emit(
            &a.out,
            "csv",
            Some(csv(&results_grid(&v.results, name, zh))?),
            None,
        )?,
        "xlsx" => emit(
            &a.out,
            "xlsx",
            None,
            Some(xlsx("考核结果", &results_grid(&v.results, name, zh))?),
        )?,
        _ => {
            let head = format!(
                "{} v{} {}{}\n",
                v.scheme.name,
                v.scheme.version,
                v.period.name,
                if v.closed.is_some() {
                    if zh {
                        "（已关闭）"
                    } else {
                        " (closed)"
                    }
                } else {
                    ""
                }
            );
            emit(
                &a.out,
                "text",
                Some(head + &results_text(&v.results, name, zh)),
                None,
            )?
        }
    }
    Ok(ExitCode::SUCCESS)
}
