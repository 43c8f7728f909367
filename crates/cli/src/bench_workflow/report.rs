//! Percentiles and the printed or JSON report.

use super::*;
use serde_json::{json, Value};

pub(crate) fn clip(s: &str) -> String {
    const MAX: usize = 400;
    if s.chars().count() <= MAX {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(MAX).collect();
        out.push('…');
        out
    }
}

/// Nearest-rank percentile of sorted values.
pub(crate) fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted
        .get(rank.clamp(1, sorted.len()) - 1)
        .copied()
        .unwrap_or(0.0)
}

/// Rounded to 3 decimals for the JSON report.
pub(crate) fn r3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Peak resident set size of this process in KiB (`VmHWM`), where /proc exists.
pub(crate) fn peak_rss_kib() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    s.lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

pub(crate) struct Row {
    pub(crate) name: &'static str,
    pub(crate) count: usize,
    pub(crate) failed: usize,
    pub(crate) p50: f64,
    pub(crate) p99: f64,
    pub(crate) max: f64,
}

pub(crate) struct Report {
    pub(crate) target: String,
    pub(crate) backend: String,
    pub(crate) cores: usize,
    pub(crate) clients: usize,
    pub(crate) client_threads: usize,
    pub(crate) warmup: usize,
    pub(crate) requested: usize,
    pub(crate) secs: f64,
    pub(crate) rows: Vec<Row>,
    pub(crate) all: Row,
    pub(crate) tally: Tally,
    pub(crate) peak_rss_kib: Option<u64>,
}

impl Report {
    pub(crate) fn new(
        args: &WorkflowArgs,
        target: &str,
        backend: &str,
        cores: usize,
        secs: f64,
        mut tally: Tally,
    ) -> Self {
        let mut all: Vec<f64> = Vec::new();
        let mut rows = Vec::new();
        for (i, name) in COMMANDS.iter().enumerate() {
            let v = tally.lat.get_mut(i).map(std::mem::take).unwrap_or_default();
            let mut v = v;
            v.sort_by(|a, b| a.total_cmp(b));
            rows.push(Row {
                name,
                count: v.len(),
                failed: tally.failed.get(i).copied().unwrap_or(0),
                p50: pct(&v, 0.50),
                p99: pct(&v, 0.99),
                max: v.last().copied().unwrap_or(0.0),
            });
            all.extend(v);
        }
        all.sort_by(|a, b| a.total_cmp(b));
        let all_row = Row {
            name: "all",
            count: all.len(),
            failed: tally.errors,
            p50: pct(&all, 0.50),
            p99: pct(&all, 0.99),
            max: all.last().copied().unwrap_or(0.0),
        };
        Report {
            target: target.to_string(),
            backend: backend.to_string(),
            cores,
            clients: args.clients,
            client_threads: 0,
            warmup: args.warmup,
            requested: args.lifecycles,
            secs,
            rows,
            all: all_row,
            tally,
            peak_rss_kib: peak_rss_kib(),
        }
    }

    pub(crate) fn per_s(&self, n: usize) -> f64 {
        if self.secs > 0.0 {
            n as f64 / self.secs
        } else {
            0.0
        }
    }

    pub(crate) fn print(&self) {
        println!();
        println!(
            "{:<12} {:>8} {:>7} {:>9} {:>9} {:>9}",
            "command", "count", "errors", "p50 ms", "p99 ms", "max ms"
        );
        for r in self.rows.iter().chain(std::iter::once(&self.all)) {
            println!(
                "{:<12} {:>8} {:>7} {:>9.2} {:>9.2} {:>9.2}",
                r.name, r.count, r.failed, r.p50, r.p99, r.max
            );
        }
        println!();
        println!(
            "{} lifecycles in {:.2} s = {:.0} lifecycles/s, {:.0} commands/s ({} clients, {})",
            self.tally.lifecycles,
            self.secs,
            self.per_s(self.tally.lifecycles),
            self.per_s(self.all.count),
            self.clients,
            self.backend
        );
        match self.peak_rss_kib {
            Some(k) => println!(
                "peak RSS of this process: {:.1} MiB{}",
                k as f64 / 1024.0,
                if self.backend == "remote" {
                    " (load generator only)"
                } else {
                    " (server + database driver + load generator)"
                }
            ),
            None => println!("peak RSS: unknown (no /proc/self/status)"),
        }
        if self.tally.errors > 0 {
            println!(
                "errors: {} failed calls, {} failed lifecycles; first:",
                self.tally.errors, self.tally.failed_lifecycles
            );
            for e in &self.tally.first_errors {
                println!("  {e}");
            }
        } else {
            println!("errors: 0");
        }
    }

    pub(crate) fn json(&self) -> Value {
        let mut cmds = serde_json::Map::new();
        for r in &self.rows {
            cmds.insert(
                r.name.to_string(),
                json!({"count": r.count, "errors": r.failed, "p50_ms": r3(r.p50),
                       "p99_ms": r3(r.p99), "max_ms": r3(r.max)}),
            );
        }
        json!({
            "target": self.target,
            "backend": self.backend,
            "cores": self.cores,
            "clients": self.clients,
            "client_threads": self.client_threads,
            "warmup": self.warmup,
            "requested": self.requested,
            "lifecycles": self.tally.lifecycles,
            "failed_lifecycles": self.tally.failed_lifecycles,
            "errors": self.tally.errors,
            "first_errors": self.tally.first_errors,
            "wall_s": r3(self.secs),
            "lifecycles_per_s": r3(self.per_s(self.tally.lifecycles)),
            "commands_per_s": r3(self.per_s(self.all.count)),
            "commands": cmds,
            "all": {"count": self.all.count, "p50_ms": r3(self.all.p50),
                    "p99_ms": r3(self.all.p99), "max_ms": r3(self.all.max)},
            "peak_rss_kib": self.peak_rss_kib,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    pub(crate) fn nearest_rank_percentiles() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(pct(&v, 0.5), 50.0);
        assert_eq!(pct(&v, 0.99), 99.0);
        assert_eq!(pct(&v, 1.0), 100.0);
        assert_eq!(pct(&[], 0.5), 0.0);
        assert_eq!(pct(&[7.0], 0.99), 7.0);
    }

    #[test]
    pub(crate) fn budgets_are_claimed_exactly() {
        let left = AtomicUsize::new(3);
        assert!(claim(&left) && claim(&left) && claim(&left));
        assert!(!claim(&left));
    }

    #[test]
    pub(crate) fn clients_get_distinct_loopback_sources() {
        let base = Url::parse("http://127.0.0.1:8080/").unwrap();
        let plan = plan_sessions(&base, 300, DEMO_OPERATORS, DEMO_HANDLERS);
        if plan.bind_sources {
            let mut ips: Vec<_> = (0..300).filter_map(|i| plan.source_ip(i)).collect();
            ips.sort();
            ips.dedup();
            assert_eq!(ips.len(), 300);
        }
        let remote = Url::parse("http://10.1.2.3:8080/").unwrap();
        assert!(!plan_sessions(&remote, 2, DEMO_OPERATORS, DEMO_HANDLERS).bind_sources);
    }
}
