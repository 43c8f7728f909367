//! Personal data outside the log (个人信息保护法).
//!
//! The hash-chained log can never forget, so a person's name, phone and password hash are not
//! written into it. At append time [`seal`] replaces each value in the serialised payload with a
//! salted commitment, `pd:v1:<hex sha256(salt, field, value)>`, and returns the values as
//! [`VaultRow`]s, which the writer stores in the `personal_data` table in the same transaction
//! as the log entry. Everything that reads transitions back from the log goes through
//! [`decode_entries`], which puts the values back, or [`ERASED`] where the row was deleted by
//! an erasure. The random salt (16 bytes) keeps a deleted phone number from being recovered by
//! hashing every possible number against the commitment.
//!
//! What counts as personal and whose it is (the subject) is decided here, in [`seal`]; when
//! to erase is the app's business.

use crate::{Backend, Result, Store, StoreError};
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Executor, Row};
use std::collections::{BTreeSet, HashMap};
use tiaokuai_core::org::ERASED;
use tiaokuai_core::Transition;
use tiaokuai_log::LogEntry;

/// Every commitment in a payload starts with this (the version names the hash layout).
pub const TOKEN_PREFIX: &str = "pd:v1:";
/// Bytes of random salt per value.
pub const SALT_BYTES: usize = 16;
const TOKEN_HEX: usize = 64;

/// One personal value kept outside the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaultRow {
    /// The token that stands for the value in the log payload.
    pub commitment: String,
    /// The username whose data this is; erasing them deletes the row.
    pub subject: String,
    /// Where in the transition the value sits (`person.name`, `password_hash`).
    pub field: String,
    pub salt: Vec<u8>,
    pub value: String,
}

/// A payload ready to append, and the personal values taken out of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Sealed {
    pub payload: String,
    pub rows: Vec<VaultRow>,
}

/// A vault row that does not match its commitment or its log entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonalDataProblem {
    pub commitment: String,
    pub subject: String,
    pub seq: u64,
    pub problem: String,
}

impl std::fmt::Display for PersonalDataProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "personal data {} of '{}' (entry {}): {}",
            self.commitment, self.subject, self.seq, self.problem
        )
    }
}

/// The commitment to `value` in `field` under `salt`. Lengths are prefixed so no two
/// (salt, field, value) triples hash the same bytes.
pub fn commitment(salt: &[u8], field: &str, value: &str) -> String {
    let mut h = Sha256::new();
    for part in [salt, field.as_bytes(), value.as_bytes()] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part);
    }
    format!("{TOKEN_PREFIX}{}", hex::encode(h.finalize()))
}

/// True for a string that is exactly one commitment token.
pub fn is_token(s: &str) -> bool {
    s.strip_prefix(TOKEN_PREFIX).is_some_and(|h| {
        h.len() == TOKEN_HEX
            && h.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// The personal fields of a transition: its subject and the JSON pointers of the values.
/// Decoding needs no such list: any token anywhere in a payload is looked up.
fn personal_fields(t: &Transition) -> Option<(&str, &'static [&'static str])> {
    match t {
        Transition::PersonSaved { person } => {
            Some((&person.username, &["/person/name", "/person/phone"]))
        }
        Transition::PasswordSet { username, .. } => Some((username, &["/password_hash"])),
        // 与谁沟通: free text naming the people contacted, written by the acting person.
        Transition::Event { by, cmd, .. } => match cmd.kind() {
            "event.respond" => Some((&by.username, &["/cmd/contacted"])),
            "event.report_back" => Some((&by.username, &["/cmd/report/contacted"])),
            _ => None,
        },
        // A citizen's own words and phone number (public page suggestions).
        Transition::PublicSuggestion { .. } => {
            Some((PUBLIC_SUBJECT, &["/text", "/query", "/contact"]))
        }
        _ => None,
    }
}

/// The vault subject of what citizens file without an account.
pub const PUBLIC_SUBJECT: &str = "public:citizen";

/// Serialises `t` with its personal values replaced by commitments (fresh random salts).
pub fn seal(t: &Transition) -> Sealed {
    seal_with(t, || {
        let mut salt = vec![0u8; SALT_BYTES];
        rand::rngs::OsRng.fill_bytes(&mut salt);
        salt
    })
}

/// [`seal`] with the salts from `salt` (tests pass fixed ones).
pub fn seal_with(t: &Transition, mut salt: impl FnMut() -> Vec<u8>) -> Sealed {
    let plain = || Sealed {
        payload: t.to_payload(),
        rows: vec![],
    };
    let Some((subject, pointers)) = personal_fields(t) else {
        return plain();
    };
    let Ok(mut v) = serde_json::to_value(t) else {
        return plain();
    };
    let mut rows = Vec::new();
    for ptr in pointers {
        let Some(slot) = v.pointer_mut(ptr) else {
            continue;
        };
        let serde_json::Value::String(value) = slot else {
            continue;
        };
        // An empty phone says nothing about anyone; and the marker of an erased value (a
        // re-sealed old log) stays as it is.
        if value.is_empty() || value == ERASED {
            continue;
        }
        let field = ptr.trim_start_matches('/').replace('/', ".");
        let salt = salt();
        let c = commitment(&salt, &field, value);
        rows.push(VaultRow {
            commitment: c.clone(),
            subject: subject.to_string(),
            field,
            salt,
            value: std::mem::take(value),
        });
        *slot = serde_json::Value::String(c);
    }
    Sealed {
        payload: v.to_string(),
        rows,
    }
}

/// Adds the tokens of a payload to `out` (a scan of the text; no parse).
fn tokens_in(payload: &str, out: &mut BTreeSet<String>) {
    let mut rest = payload;
    while let Some(i) = rest.find(TOKEN_PREFIX) {
        let tail = rest.get(i..).unwrap_or_default();
        let cand = tail
            .get(..TOKEN_PREFIX.len() + TOKEN_HEX)
            .unwrap_or_default();
        if is_token(cand) {
            out.insert(cand.to_string());
        }
        rest = tail.get(TOKEN_PREFIX.len()..).unwrap_or_default();
    }
}

fn replace_tokens(v: &mut serde_json::Value, values: &HashMap<String, String>) {
    match v {
        serde_json::Value::String(s) if is_token(s) => {
            *s = values
                .get(s.as_str())
                .cloned()
                .unwrap_or_else(|| ERASED.into());
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(|x| replace_tokens(x, values)),
        serde_json::Value::Object(o) => o.values_mut().for_each(|x| replace_tokens(x, values)),
        _ => {}
    }
}

/// The transition of a stored payload, with its personal values from `values` (or
/// [`ERASED`] for a value no longer there).
pub fn unseal(
    payload: &str,
    values: &HashMap<String, String>,
) -> std::result::Result<Transition, serde_json::Error> {
    if !payload.contains(TOKEN_PREFIX) {
        return Transition::from_payload(payload);
    }
    let mut v: serde_json::Value = serde_json::from_str(payload)?;
    replace_tokens(&mut v, values);
    serde_json::from_value(v)
}

/// The values of `tokens` still in the vault.
async fn vault_values(
    conn: &mut AnyConnection,
    county: &str,
    tokens: &BTreeSet<String>,
) -> Result<HashMap<String, String>> {
    let mut out = HashMap::with_capacity(tokens.len());
    let tokens: Vec<&String> = tokens.iter().collect();
    for chunk in tokens.chunks(500) {
        // Tokens passed `is_token` (prefix and lowercase hex only), so inlining them is safe.
        let list: Vec<String> = chunk.iter().map(|t| format!("'{t}'")).collect();
        let sql = format!(
            "select commitment, value from personal_data where county = $1 and commitment in ({})",
            list.join(",")
        );
        for r in sqlx::query(sqlx::AssertSqlSafe(&*sql))
            .bind(county)
            .fetch_all(&mut *conn)
            .await?
        {
            out.insert(r.try_get(0)?, r.try_get(1)?);
        }
    }
    Ok(out)
}

/// THE way back from stored entries to transitions: parses each payload with its personal
/// values restored from the vault (or [`ERASED`]). Every reader of the log goes through here.
pub async fn decode_entries(
    conn: &mut AnyConnection,
    county: &str,
    entries: &[LogEntry],
) -> Result<Vec<Transition>> {
    let mut tokens = BTreeSet::new();
    for e in entries {
        tokens_in(&e.payload, &mut tokens);
    }
    let values = if tokens.is_empty() {
        HashMap::new()
    } else {
        vault_values(conn, county, &tokens).await?
    };
    entries
        .iter()
        .map(|e| {
            unseal(&e.payload, &values).map_err(|err| {
                StoreError::Corrupt(format!(
                    "entry {} ({}) of county {county}: payload does not parse: {err}",
                    e.header.seq, e.header.kind
                ))
            })
        })
        .collect()
}

/// Stores the vault rows of entry `seq` (inside the append's transaction).
pub(crate) async fn put_rows(
    conn: &mut AnyConnection,
    county: &str,
    seq: u64,
    rows: &[VaultRow],
) -> Result<()> {
    for r in rows {
        sqlx::query(
            "insert into personal_data (county, commitment, subject, field, salt, value, seq) \
             values ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(county)
        .bind(&r.commitment)
        .bind(&r.subject)
        .bind(&r.field)
        .bind(hex::encode(&r.salt))
        .bind(&r.value)
        .bind(seq as i64)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Deletes every vault row of `subject` (inside the erasure's transaction). Returns how many.
pub(crate) async fn delete_subject(
    conn: &mut AnyConnection,
    county: &str,
    subject: &str,
) -> Result<u64> {
    let r = sqlx::query("delete from personal_data where county = $1 and subject = $2")
        .bind(county)
        .bind(subject)
        .execute(&mut *conn)
        .await?;
    Ok(r.rows_affected())
}

impl Store {
    /// Transitions of stored entries, personal values restored (see [`decode_entries`]).
    pub async fn transitions(&self, county: &str, entries: &[LogEntry]) -> Result<Vec<Transition>> {
        let mut conn = self.pool.acquire().await?;
        decode_entries(&mut conn, county, entries).await
    }

    /// How many personal values the county's vault holds.
    pub async fn personal_data_count(&self, county: &str) -> Result<u64> {
        let n: i64 = sqlx::query_scalar("select count(*) from personal_data where county = $1")
            .bind(county)
            .fetch_one(&self.pool)
            .await?;
        Ok(n as u64)
    }

    /// Checks every vault row of the county: its salt, that it matches its commitment, and
    /// that its log entry holds that commitment. Empty when all is well.
    pub async fn check_personal_data(&self, county: &str) -> Result<Vec<PersonalDataProblem>> {
        let rows = sqlx::query(
            "select p.commitment, p.subject, p.field, p.salt, p.value, p.seq, l.payload \
             from personal_data p left join log_entries l on l.county = p.county and l.seq = p.seq \
             where p.county = $1 order by p.seq, p.commitment",
        )
        .bind(county)
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::new();
        for r in rows {
            let c: String = r.try_get(0)?;
            let seq: i64 = r.try_get(5)?;
            let problem = |what: String| PersonalDataProblem {
                commitment: c.clone(),
                subject: r.try_get(1).unwrap_or_default(),
                seq: seq as u64,
                problem: what,
            };
            let field: String = r.try_get(2)?;
            let value: String = r.try_get(4)?;
            let payload: Option<String> = r.try_get(6)?;
            match hex::decode(r.try_get::<String, _>(3)?) {
                Err(e) => out.push(problem(format!("the salt is not hex: {e}"))),
                Ok(salt) if salt.len() < SALT_BYTES => out.push(problem(format!(
                    "the salt has {} bytes, fewer than {SALT_BYTES}",
                    salt.len()
                ))),
                Ok(salt) if commitment(&salt, &field, &value) != c => out.push(problem(format!(
                    "the value of {field} does not match its commitment"
                ))),
                Ok(_) => {}
            }
            match payload {
                None => out.push(problem("no log entry has this sequence number".into())),
                Some(p) if !p.contains(&format!("\"{c}\"")) => out.push(problem(
                    "its log entry does not hold this commitment".into(),
                )),
                Some(_) => {}
            }
        }
        Ok(out)
    }

    /// After an erasure committed: make the deleted bytes leave the database files. SQLite
    /// overwrites deleted content (`secure_delete`, set on every connection) and the write-ahead
    /// log still holds the old pages until a checkpoint copies the new ones back and truncates
    /// it. PostgreSQL keeps dead row versions until a vacuum reclaims them.
    pub async fn purge_erased(&self) -> Result<()> {
        match self.backend {
            Backend::Sqlite => {
                for _ in 0..50 {
                    let r = sqlx::query("pragma wal_checkpoint(truncate)")
                        .fetch_one(&self.pool)
                        .await?;
                    let busy: i64 = r.try_get(0)?;
                    if busy == 0 {
                        return Ok(());
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                }
                Err(StoreError::Corrupt(
                    "the write-ahead log could not be checkpointed after an erasure: readers kept \
                     it busy; run `pragma wal_checkpoint(truncate)` when the server is idle"
                        .into(),
                ))
            }
            Backend::Postgres => {
                for table in ["personal_data", "people", "role_grants"] {
                    self.pool
                        .execute(sqlx::AssertSqlSafe(format!("vacuum {table}")))
                        .await?;
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use tiaokuai_core::org::Person;

    fn saved() -> Transition {
        Transition::PersonSaved {
            person: Person {
                username: "wang".into(),
                name: "王伟".into(),
                phone: "13800001111".into(),
                unit: "D1".into(),
                active: true,
            },
        }
    }

    #[test]
    fn sealed_payloads_hold_no_personal_values_and_unseal_back() {
        let t = saved();
        let s = seal(&t);
        assert!(!s.payload.contains("王伟") && !s.payload.contains("13800001111"));
        assert_eq!(s.rows.len(), 2);
        assert!(s.rows.iter().all(|r| r.salt.len() == SALT_BYTES));
        let values = s
            .rows
            .iter()
            .map(|r| (r.commitment.clone(), r.value.clone()))
            .collect();
        assert_eq!(unseal(&s.payload, &values).unwrap(), t);
        // Without the rows every value reads as erased.
        match unseal(&s.payload, &HashMap::new()).unwrap() {
            Transition::PersonSaved { person } => {
                assert_eq!(
                    (person.name.as_str(), person.phone.as_str()),
                    (ERASED, ERASED)
                );
                assert_eq!(person.username, "wang");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn salts_make_equal_values_commit_differently() {
        let a = seal(&saved());
        let b = seal(&saved());
        assert_ne!(a.rows[1].commitment, b.rows[1].commitment);
        let r = &a.rows[1];
        assert_eq!(r.field, "person.phone");
        assert_eq!(commitment(&r.salt, &r.field, &r.value), r.commitment);
        assert_ne!(commitment(&r.salt, &r.field, "13800001112"), r.commitment);
    }

    #[test]
    fn other_transitions_are_left_as_they_are() {
        let t = Transition::PersonErased {
            username: "wang".into(),
        };
        assert_eq!(seal(&t).payload, t.to_payload());
        assert!(seal(&t).rows.is_empty());
        let mut tokens = BTreeSet::new();
        tokens_in("pd:v1:xyz \"pd:v1:", &mut tokens);
        assert!(tokens.is_empty());
    }
}
