//! `tiaokuai witness`: an independent observer of a server's log, in the manner of Certificate
//! Transparency witnesses. It polls the latest signed checkpoint, checks its signature and a
//! consistency proof from the last checkpoint it kept, and appends what it saw to a file in its
//! state directory. A smaller log (rollback), a proof that fails (fork), a bad signature or an
//! unexpected key is an ALERT: printed, appended to `alerts.jsonl`, exit status 1.

use anyhow::Context;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tiaokuai_log::{merkle, Hash, LogVerifier, SignedCheckpoint};

/// Checkpoints seen, one JSON object a line, append-only.
pub const SEEN_FILE: &str = "checkpoints.jsonl";
/// Alerts raised, one JSON object a line, append-only.
pub const ALERTS_FILE: &str = "alerts.jsonl";
/// Exit status when the server could not be asked (`--once`).
const EXIT_UNREACHABLE: u8 = 2;

#[derive(clap::Args)]
pub struct WitnessArgs {
    /// The server's base URL, e.g. https://tiaokuai.example.gov.cn
    #[arg(long)]
    pub server: String,
    /// Where the witness keeps what it saw (created if missing).
    #[arg(long)]
    pub state_dir: PathBuf,
    /// Seconds between polls.
    #[arg(long, default_value_t = 300)]
    pub interval: u64,
    /// Poll once and exit (for cron or a systemd timer).
    #[arg(long)]
    pub once: bool,
    /// The log's public key (hex), known out of band. Without it the first key seen is
    /// trusted; after a planned key rotation, run once with the new key here.
    #[arg(long)]
    pub public_key: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertKind {
    /// The log is smaller than a checkpoint already seen.
    Rollback,
    /// The log does not extend a checkpoint already seen.
    Fork,
    /// The checkpoint's signature does not verify with the key it names.
    BadSignature,
    /// Signed by a key other than the trusted one.
    KeyChanged,
}

impl AlertKind {
    pub fn label(self) -> &'static str {
        match self {
            AlertKind::Rollback => "ROLLBACK",
            AlertKind::Fork => "FORK",
            AlertKind::BadSignature => "BAD SIGNATURE",
            AlertKind::KeyChanged => "KEY CHANGED",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    pub kind: AlertKind,
    pub message: String,
}

fn alert(kind: AlertKind, message: String) -> Alert {
    Alert { kind, message }
}

/// What to do about a new checkpoint, judged against the last one kept.
#[derive(Debug, PartialEq, Eq)]
pub enum Next {
    /// Nothing kept yet: keep it.
    First,
    /// The same tree head as before.
    Unchanged,
    /// The log grew: check a consistency proof from the kept size to the new one.
    NeedProof { old: u64, new: u64 },
}

/// Checks the new checkpoint's signature and key and compares its size with the kept one.
pub fn judge_head(
    kept: Option<&SignedCheckpoint>,
    new: &SignedCheckpoint,
    trusted_key: Option<&LogVerifier>,
) -> Result<Next, Alert> {
    let v = new.check().map_err(|e| alert(AlertKind::BadSignature, e))?;
    let trusted_id = trusted_key
        .map(|k| k.key_id())
        .or_else(|| kept.map(|k| k.checkpoint.key_id.clone()));
    if let Some(t) = trusted_id.filter(|t| *t != v.key_id()) {
        return Err(alert(
            AlertKind::KeyChanged,
            format!(
                "the checkpoint at size {} is signed by key {} but the witness trusts key {t}; \
                 if the county rotated its key (see `tiaokuai key show` on the server), run the \
                 witness once with --public-key {}",
                new.checkpoint.size,
                v.key_id(),
                new.public_key
            ),
        ));
    }
    let Some(kept) = kept else {
        return Ok(Next::First);
    };
    let (old, cur) = (&kept.checkpoint, &new.checkpoint);
    if old.county != cur.county {
        return Err(alert(
            AlertKind::Fork,
            format!(
                "the server now signs the log of county {} instead of {}",
                cur.county, old.county
            ),
        ));
    }
    if cur.size < old.size {
        return Err(alert(
            AlertKind::Rollback,
            format!(
                "the log of county {} shrank from {} to {} entries: entries {}..{} were deleted \
                 (root seen before: {})",
                cur.county,
                old.size,
                cur.size,
                cur.size,
                old.size,
                hex::encode(old.root)
            ),
        ));
    }
    if cur.size == old.size {
        return if cur.root == old.root {
            Ok(Next::Unchanged)
        } else {
            Err(fork(old.size, &old.root, &cur.root))
        };
    }
    Ok(Next::NeedProof {
        old: old.size,
        new: cur.size,
    })
}

fn fork(size: u64, seen: &Hash, now: &Hash) -> Alert {
    alert(
        AlertKind::Fork,
        format!(
            "the log at size {size} had root {} but the server now proves root {}: history was \
             rewritten",
            hex::encode(seen),
            hex::encode(now)
        ),
    )
}

/// Checks the consistency proof between the kept and the new checkpoint.
pub fn judge_proof(
    kept: &SignedCheckpoint,
    new: &SignedCheckpoint,
    proof: &[Hash],
) -> Result<(), Alert> {
    let (old, cur) = (&kept.checkpoint, &new.checkpoint);
    if old.size == 0 || merkle::verify_consistency(old.size, cur.size, &old.root, &cur.root, proof)
    {
        return Ok(());
    }
    Err(alert(
        AlertKind::Fork,
        format!(
            "the log of county {} at size {} (root {}) is not a prefix of the new one at size {} \
             (root {}): the consistency proof fails, so history was rewritten",
            cur.county,
            old.size,
            hex::encode(old.root),
            cur.size,
            hex::encode(cur.root)
        ),
    ))
}

pub async fn run(a: WitnessArgs) -> anyhow::Result<ExitCode> {
    let trusted = a
        .public_key
        .as_deref()
        .map(|h| LogVerifier::from_hex(h).map_err(|e| anyhow::anyhow!("--public-key {h}: {e}")))
        .transpose()?;
    std::fs::create_dir_all(&a.state_dir)
        .with_context(|| format!("creating {}", a.state_dir.display()))?;
    let http = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(30))
        .build()?;
    let base = a.server.trim_end_matches('/').to_string();
    loop {
        match poll(&http, &base, &a.state_dir, trusted.as_ref()).await {
            Ok(Ok(line)) => println!("{line}"),
            Ok(Err(al)) => {
                let line = format!("ALERT {}: {}", al.kind.label(), al.message);
                println!("{line}");
                eprintln!("{line}");
                record_alert(&a.state_dir, &base, &al)?;
                return Ok(ExitCode::FAILURE);
            }
            Err(e) if a.once => {
                eprintln!("error: could not ask {base}: {e:#}");
                return Ok(ExitCode::from(EXIT_UNREACHABLE));
            }
            Err(e) => eprintln!("warning: could not ask {base}: {e:#} (retrying)"),
        }
        if a.once {
            return Ok(ExitCode::SUCCESS);
        }
        tokio::time::sleep(std::time::Duration::from_secs(a.interval.max(1))).await;
    }
}

/// One poll. The outer error is a failure to ask (network, bad reply, local files); the inner
/// one an alert about the log.
async fn poll(
    http: &reqwest::Client,
    base: &str,
    dir: &Path,
    trusted: Option<&LogVerifier>,
) -> anyhow::Result<Result<String, Alert>> {
    let url = format!("{base}/api/v1/log/checkpoint");
    let new: SignedCheckpoint = serde_json::from_value(get_json(http, &url).await?)
        .with_context(|| format!("GET {url}: not a signed checkpoint"))?;
    let kept = last_seen(dir)?;
    // A key given on the command line is trusted over the one kept (an accepted rotation).
    let next = match judge_head(kept.as_ref(), &new, trusted) {
        Ok(n) => n,
        Err(al) => return Ok(Err(al)),
    };
    let cp = &new.checkpoint;
    let what = match next {
        Next::Unchanged => {
            return Ok(Ok(format!(
                "ok: county {} unchanged at size {} (root {})",
                cp.county,
                cp.size,
                hex::encode(cp.root)
            )))
        }
        Next::First => format!("first checkpoint; trusting key {}", cp.key_id),
        Next::NeedProof { old, new: size } => {
            let url = format!("{base}/api/v1/log/proof/consistency?old={old}&new={size}");
            let out = get_json(http, &url).await?;
            let proof: Option<Vec<Hash>> = out["proof"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|h| h.as_str().and_then(merkle::parse_hash))
                        .collect()
                })
                .unwrap_or(None);
            let proof =
                proof.with_context(|| format!("{url}: a proof hash is not 64 hex digits"))?;
            let Some(kept) = kept.as_ref() else {
                anyhow::bail!("internal: a proof was needed without a kept checkpoint");
            };
            if let Err(al) = judge_proof(kept, &new, &proof) {
                return Ok(Err(al));
            }
            format!("grew from {old}, consistent")
        }
    };
    let mut line = serde_json::to_value(&new)?;
    line["seen_ms"] = tiaokuai_app::now_ms().into();
    append_line(&dir.join(SEEN_FILE), &line.to_string())?;
    Ok(Ok(format!(
        "ok: county {} size {} root {} key {} ({what})",
        cp.county,
        cp.size,
        hex::encode(cp.root),
        cp.key_id
    )))
}

async fn get_json(http: &reqwest::Client, url: &str) -> anyhow::Result<serde_json::Value> {
    let resp = http
        .get(url)
        .send()
        .await
        .with_context(|| format!("GET {url}"))?;
    let status = resp.status();
    let body = resp.text().await.with_context(|| format!("GET {url}"))?;
    if !status.is_success() {
        anyhow::bail!(
            "GET {url}: {status}: {}",
            body.chars().take(300).collect::<String>()
        );
    }
    serde_json::from_str(&body).with_context(|| format!("GET {url}: unexpected reply"))
}

/// The last checkpoint the witness kept, if any.
fn last_seen(dir: &Path) -> anyhow::Result<Option<SignedCheckpoint>> {
    let path = dir.join(SEEN_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    let Some((n, line)) = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .last()
    else {
        return Ok(None);
    };
    let seen: SignedCheckpoint = serde_json::from_str(line)
        .with_context(|| format!("{}: line {} is not a checkpoint", path.display(), n + 1))?;
    Ok(Some(seen))
}

fn record_alert(dir: &Path, server: &str, al: &Alert) -> anyhow::Result<()> {
    let line = serde_json::json!({
        "at_ms": tiaokuai_app::now_ms(),
        "server": server,
        "kind": al.kind.label(),
        "message": al.message,
    });
    append_line(&dir.join(ALERTS_FILE), &line.to_string())
}

fn append_line(path: &Path, line: &str) -> anyhow::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("opening {}", path.display()))?;
    writeln!(f, "{line}").with_context(|| format!("writing {}", path.display()))?;
    f.sync_all()
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tiaokuai_log::LogSigner;

    fn leaves(n: usize) -> Vec<Hash> {
        (0..n)
            .map(|i| merkle::leaf_hash(&(i as u64).to_be_bytes()))
            .collect()
    }

    fn signed(s: &LogSigner, leaves: &[Hash]) -> SignedCheckpoint {
        SignedCheckpoint {
            checkpoint: s.sign("370999", leaves.len() as u64, merkle::mth(leaves), 1),
            public_key: s.verifier().public_hex(),
        }
    }

    #[test]
    fn growth_with_a_good_proof_passes_and_a_fork_is_an_alert() {
        let s = LogSigner::from_bytes(&[5; 32]);
        let l = leaves(20);
        let old = signed(&s, &l[..7]);
        let new = signed(&s, &l);
        assert_eq!(judge_head(None, &old, None), Ok(Next::First));
        assert_eq!(
            judge_head(Some(&old), &new, None),
            Ok(Next::NeedProof { old: 7, new: 20 })
        );
        let proof = merkle::consistency_proof(7, &l).unwrap();
        assert_eq!(judge_proof(&old, &new, &proof), Ok(()));
        // A rewritten history signed by the same key: the proof of the new tree cannot match.
        let mut forged = l.clone();
        forged[2] = merkle::leaf_hash(b"rewritten");
        let forked = signed(&s, &forged);
        let proof = merkle::consistency_proof(7, &forged).unwrap();
        assert_eq!(
            judge_proof(&old, &forked, &proof).unwrap_err().kind,
            AlertKind::Fork
        );
        // Same size, different root.
        let same_size = signed(&s, &forged[..7]);
        assert_eq!(
            judge_head(Some(&old), &same_size, None).unwrap_err().kind,
            AlertKind::Fork
        );
        assert_eq!(judge_head(Some(&old), &old, None), Ok(Next::Unchanged));
    }

    #[test]
    fn rollback_bad_signature_and_key_change_are_alerts() {
        let s = LogSigner::from_bytes(&[5; 32]);
        let l = leaves(10);
        let big = signed(&s, &l);
        let small = signed(&s, &l[..6]);
        let a = judge_head(Some(&big), &small, None).unwrap_err();
        assert_eq!(a.kind, AlertKind::Rollback);
        assert!(a.message.contains("from 10 to 6"), "{}", a.message);
        let mut bad = big.clone();
        bad.checkpoint.size = 11;
        assert_eq!(
            judge_head(Some(&big), &bad, None).unwrap_err().kind,
            AlertKind::BadSignature
        );
        let other = LogSigner::from_bytes(&[6; 32]);
        let by_other = signed(&other, &l);
        assert_eq!(
            judge_head(Some(&big), &by_other, None).unwrap_err().kind,
            AlertKind::KeyChanged
        );
        // Pinned to the other key: the change is accepted (a planned rotation).
        assert_eq!(
            judge_head(Some(&big), &by_other, Some(&other.verifier())),
            Ok(Next::Unchanged)
        );
        assert_eq!(
            judge_head(None, &big, Some(&other.verifier()))
                .unwrap_err()
                .kind,
            AlertKind::KeyChanged
        );
    }
}
