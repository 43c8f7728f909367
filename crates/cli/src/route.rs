//! `tiaokuai route eval`: trains the routing model (the same `tiaokuai-route` code the server
//! will use) on a CSV of labelled messages and reports top-1/top-3 accuracy and per-class
//! recall on a test CSV or by stratified cross-validation.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use tiaokuai_route::{cross_validate, evaluate, EvalReport, Router};

#[derive(Subcommand)]
pub enum RouteCmd {
    /// Train on one CSV and score on another (--test), or cross-validate on one (--folds).
    Eval(EvalArgs),
}

#[derive(Args)]
pub struct EvalArgs {
    /// Labelled messages to train on (CSV with a header row).
    #[arg(long)]
    pub train: PathBuf,
    /// Labelled messages to score; same columns as --train.
    #[arg(long, conflicts_with = "folds", required_unless_present = "folds")]
    pub test: Option<PathBuf>,
    /// Stratified k-fold cross-validation on --train instead of a test file.
    #[arg(long)]
    pub folds: Option<usize>,
    /// Text columns, joined with a newline (the first one is read as the title).
    #[arg(long, default_value = "title,detail", value_delimiter = ',')]
    pub text: Vec<String>,
    /// The label column.
    #[arg(long)]
    pub label: String,
    /// Seed of the fold assignment (the training itself is deterministic).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// A CSV problem the operator must fix: reported as exit code 2.
pub struct BadInput(pub String);

/// Reads `(text, label)` pairs: the `text` columns joined with '\n', and the `label` column.
pub fn read_examples(
    path: &Path,
    text: &[String],
    label: &str,
) -> Result<Vec<(String, String)>, BadInput> {
    let bad = |m: String| BadInput(format!("{}: {m}", path.display()));
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .map_err(|e| bad(e.to_string()))?;
    let headers = rdr.headers().map_err(|e| bad(e.to_string()))?.clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().trim_start_matches('\u{feff}') == name)
            .ok_or_else(|| {
                bad(format!(
                    "no column {name:?} (columns: {})",
                    headers.iter().collect::<Vec<_>>().join(", ")
                ))
            })
    };
    let label_col = col(label)?;
    let text_cols = text.iter().map(|c| col(c)).collect::<Result<Vec<_>, _>>()?;
    let mut out = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| bad(e.to_string()))?;
        let label = rec.get(label_col).unwrap_or("").trim();
        if label.is_empty() {
            // An unlabelled row teaches nothing and cannot be scored.
            eprintln!("{}: row {} has no label, skipped", path.display(), i + 2);
            continue;
        }
        let parts: Vec<&str> = text_cols
            .iter()
            .map(|&c| rec.get(c).unwrap_or(""))
            .collect();
        out.push((parts.join("\n"), label.to_string()));
    }
    if out.is_empty() {
        return Err(bad("no labelled rows".into()));
    }
    Ok(out)
}

pub fn run(cmd: RouteCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        RouteCmd::Eval(a) => match eval(&a) {
            Ok(()) => Ok(ExitCode::SUCCESS),
            Err(BadInput(m)) => {
                eprintln!("error: {m}");
                Ok(ExitCode::from(2))
            }
        },
    }
}

fn eval(a: &EvalArgs) -> Result<(), BadInput> {
    let train = read_examples(&a.train, &a.text, &a.label)?;
    let router = Router::default();
    let (what, report) = match (&a.test, a.folds) {
        (Some(test), _) => {
            let test = read_examples(test, &a.text, &a.label)?;
            let model = router.train(&train).map_err(|e| BadInput(e.to_string()))?;
            (
                format!("train {} rows, test {} rows", train.len(), test.len()),
                evaluate(&model, &test),
            )
        }
        (None, Some(k)) => (
            format!(
                "{k}-fold stratified cross-validation (seed {}) on {} rows",
                a.seed,
                train.len()
            ),
            cross_validate(&router, &train, k, a.seed).map_err(|e| BadInput(e.to_string()))?,
        ),
        (None, None) => return Err(BadInput("give --test FILE or --folds K".into())),
    };
    print_report(&what, &report);
    Ok(())
}

fn print_report(what: &str, r: &EvalReport) {
    println!("{what}");
    println!("top-1 accuracy: {:.3}", r.top1);
    println!("top-3 accuracy: {:.3}", r.top3);
    println!("per-class recall (top-1):");
    for c in &r.per_class {
        println!("  {:<24} {:.3}  (n={})", c.label, c.recall, c.support);
    }
}
