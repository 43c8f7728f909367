//! `tiaokuai calendar due|days|check`: the working-time calendar from the command line. No
//! database: the built-in calendar (2025–2026 State Council notices) or a CSV file.

use anyhow::{anyhow, Context};
use clap::{Args, Subcommand};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tiaokuai_core::calendar::{
    self, Datelike, DayKind, Limit, OfficeHours, SpecialDay, WorkCalendar,
};
use tiaokuai_core::DomainError;

#[derive(Subcommand)]
pub enum CalendarCmd {
    /// Print the due time of a limit started at --from, e.g. 2026-02-27T17:30+08:00.
    Due {
        /// Start, China Standard Time: 2026-02-13T16:00 or "2026-02-13 16:00" (optional :ss, +08:00).
        #[arg(long)]
        from: String,
        #[command(flatten)]
        limit: LimitArgs,
        #[command(flatten)]
        cal: CalendarArgs,
        /// Office periods of a working day.
        #[arg(long, default_value = "08:30-12:00,13:30-17:30")]
        office_hours: String,
    },
    /// Print the special days (holidays and make-up workdays) as CSV: date,kind,name.
    Days {
        #[command(flatten)]
        cal: CalendarArgs,
        /// Only this year.
        #[arg(long)]
        year: Option<i32>,
    },
    /// Validate a calendar CSV (date,kind,name[,source]): days per year, or every error.
    Check { file: PathBuf },
    /// Load special days (e.g. next year's State Council notice) into the county's calendar,
    /// as one log entry. Deadlines already computed keep their values.
    Import {
        file: PathBuf,
        #[command(flatten)]
        db: crate::DbArgs,
    },
}

/// Exactly one limit.
#[derive(Args)]
#[group(required = true, multiple = false)]
pub struct LimitArgs {
    /// Working days: the start day is not counted; due at the close of the N-th working day.
    #[arg(long, value_name = "N")]
    working_days: Option<u32>,
    /// Minutes of office time.
    #[arg(long, value_name = "N")]
    working_minutes: Option<u32>,
    /// Hours of office time.
    #[arg(long, value_name = "N")]
    working_hours: Option<u32>,
    /// Plain clock minutes (emergencies).
    #[arg(long, value_name = "N")]
    clock_minutes: Option<u32>,
    /// The limit as text: 30m, 2h, 5d (working) or 30cm (clock minutes).
    #[arg(long, value_name = "LIMIT")]
    limit: Option<String>,
}

#[derive(Args)]
pub struct CalendarArgs {
    /// Special days from this CSV (date,kind,name[,source]) instead of the built-in 2025–2026 ones.
    #[arg(long, value_name = "FILE.csv")]
    calendar: Option<PathBuf>,
}

impl LimitArgs {
    fn limit(&self) -> anyhow::Result<Limit> {
        if let Some(n) = self.working_days {
            return Ok(Limit::WorkingDays(n));
        }
        if let Some(n) = self.working_minutes {
            return Ok(Limit::WorkingMinutes(n));
        }
        if let Some(n) = self.working_hours {
            return n
                .checked_mul(60)
                .map(Limit::WorkingMinutes)
                .ok_or_else(|| anyhow!("--working-hours {n} is too large"));
        }
        if let Some(n) = self.clock_minutes {
            return Ok(Limit::ClockMinutes(n));
        }
        match &self.limit {
            Some(s) => Limit::parse(s).map_err(|e| anyhow!("--limit: {e}")),
            None => Err(anyhow!(
                "give one of --working-days, --working-minutes, --working-hours, --clock-minutes"
            )),
        }
    }
}

/// Every problem of a calendar file, one per line.
fn describe(path: &Path, e: &DomainError) -> String {
    match e {
        DomainError::Invalid(errors) => {
            let mut s = format!(
                "{}: {} error{} in the calendar file",
                path.display(),
                errors.len(),
                if errors.len() == 1 { "" } else { "s" }
            );
            for fe in errors {
                s.push_str(&format!("\n  {fe}"));
            }
            s
        }
        other => format!("{}: {other}", path.display()),
    }
}

fn read_days(path: &Path) -> anyhow::Result<Vec<SpecialDay>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the calendar file {}", path.display()))?;
    WorkCalendar::parse_csv(&text).map_err(|e| anyhow!(describe(path, &e)))
}

fn load(cal: &CalendarArgs, hours: OfficeHours) -> anyhow::Result<WorkCalendar> {
    match &cal.calendar {
        Some(path) => Ok(WorkCalendar::new(read_days(path)?, hours)),
        None => Ok(calendar::builtin().with_hours(hours)),
    }
}

/// A CSV field, quoted when it needs to be.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

pub async fn run(cmd: CalendarCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        CalendarCmd::Import { file, db } => {
            let text =
                std::fs::read_to_string(&file).map_err(|e| anyhow!("{}: {e}", file.display()))?;
            let days =
                WorkCalendar::parse_csv(&text).map_err(|e| anyhow!("{}: {e}", file.display()))?;
            let n = days.len();
            let engine = crate::commands::open_engine(&db).await?;
            let t = tiaokuai_core::Transition::CalendarSet { days, hours: None };
            let seqs = engine
                .submit(
                    &tiaokuai_app::Actor::system("calendar-import"),
                    tiaokuai_app::now_ms(),
                    vec![t],
                )
                .await?;
            let years = engine
                .with_state(|s| s.events.calendar.years_covered())
                .await?;
            println!(
                "imported {n} special days as log entry {}; the calendar now covers {years:?}",
                seqs.first().copied().unwrap_or_default()
            );
            Ok(ExitCode::SUCCESS)
        }
        CalendarCmd::Due {
            from,
            limit,
            cal,
            office_hours,
        } => {
            let start = calendar::parse_cst(&from).map_err(|e| anyhow!("--from: {e}"))?;
            let limit = limit.limit()?;
            let hours = OfficeHours::parse(&office_hours)
                .map_err(|e| anyhow!("--office-hours '{office_hours}': {e}"))?;
            let cal = load(&cal, hours)?;
            println!("{}", calendar::format_cst(cal.add(start, limit)));
            Ok(ExitCode::SUCCESS)
        }
        CalendarCmd::Days { cal, year } => {
            let cal = load(&cal, OfficeHours::default())?;
            println!("date,kind,name");
            for d in cal
                .days()
                .filter(|d| year.is_none_or(|y| d.date.year() == y))
            {
                println!("{},{},{}", d.date, d.kind.as_str(), csv_field(&d.name));
            }
            Ok(ExitCode::SUCCESS)
        }
        CalendarCmd::Check { file } => match read_days(&file) {
            Ok(days) => {
                let mut per_year: BTreeMap<i32, (usize, usize)> = BTreeMap::new();
                for d in &days {
                    let e = per_year.entry(d.date.year()).or_default();
                    match d.kind {
                        DayKind::Holiday => e.0 += 1,
                        DayKind::Workday => e.1 += 1,
                    }
                }
                for (y, (h, w)) in &per_year {
                    println!("{y}: {} days ({h} holidays, {w} make-up workdays)", h + w);
                }
                println!("{}: ok, {} special days", file.display(), days.len());
                Ok(ExitCode::SUCCESS)
            }
            Err(e) => {
                eprintln!("{e:#}");
                Ok(ExitCode::FAILURE)
            }
        },
    }
}
