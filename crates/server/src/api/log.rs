//! Log transparency: signed checkpoints, entries (auditors), inclusion and consistency proofs.

use crate::error::ApiError;
use crate::session::ApiSession;
use crate::AppState;
use axum::extract::{Query, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Serialize, ToSchema)]
pub struct CheckpointOut {
    pub county: String,
    pub size: u64,
    /// Hex root hash.
    pub root: String,
    pub at_ms: i64,
    /// Base64 ed25519 signature over `signed_text`.
    pub signature: String,
    pub signed_text: String,
    /// Hex ed25519 public key that signed this checkpoint.
    pub public_key: String,
    /// Hex of the public key's first 8 bytes.
    pub key_id: String,
}

/// The latest signed checkpoint (tree size and root). Public, like the consistency proof, so
/// that witnesses (`tiaokuai witness`) need no account: it reveals only a size and hashes.
#[utoipa::path(get, path = "/log/checkpoint", responses((status = 200, body = CheckpointOut)))]
pub async fn checkpoint(State(state): State<AppState>) -> Result<Json<CheckpointOut>, ApiError> {
    let cp = state.engine.latest_checkpoint().await?.ok_or_else(|| {
        ApiError::new(
            axum::http::StatusCode::NOT_FOUND,
            "not_found",
            "the log is empty",
        )
    })?;
    let public_key = signing_key(&state, &cp.key_id).await?;
    Ok(Json(CheckpointOut {
        signed_text: tiaokuai_log::Checkpoint::signed_text(&cp.county, cp.size, &cp.root, cp.at_ms),
        county: cp.county,
        size: cp.size,
        root: hex::encode(cp.root),
        at_ms: cp.at_ms,
        signature: cp.signature,
        public_key,
        key_id: cp.key_id,
    }))
}

/// The public key with id `key_id`: this server's own, or one the log declares (a checkpoint
/// signed before a rotation).
async fn signing_key(state: &AppState, key_id: &str) -> Result<String, ApiError> {
    let own = state.engine.verifier();
    if own.key_id() == key_id {
        return Ok(own.public_hex());
    }
    let declared =
        tiaokuai_app::keys::declared_keys(state.engine.store(), state.engine.county()).await?;
    Ok(declared
        .iter()
        .find(|k| k.key_id() == key_id)
        .map(|k| k.verifier.public_hex())
        .unwrap_or_default())
}

#[derive(Serialize, ToSchema)]
pub struct EntryOut {
    pub seq: u64,
    pub at_ms: i64,
    pub actor: String,
    pub role: String,
    pub unit: String,
    pub kind: String,
    /// The hashed payload text (password hashes are redacted in this view; the hash covers the original).
    pub payload: String,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Deserialize, IntoParams)]
pub struct EntriesQuery {
    from: Option<u64>,
    limit: Option<u64>,
}

/// Log entries in order (auditors: system admin, discipline inspector, leader).
#[utoipa::path(get, path = "/log/entries", params(EntriesQuery), responses((status = 200, body = Vec<EntryOut>), (status = 403, body = crate::error::ErrorBody)))]
pub async fn entries(
    State(state): State<AppState>,
    ApiSession(s, _): ApiSession,
    Query(q): Query<EntriesQuery>,
) -> Result<Json<Vec<EntryOut>>, ApiError> {
    let auditor = state
        .engine
        .with_state(|st| s.principal.may_audit_log(&st.org))
        .await?;
    if !auditor {
        return Err(ApiError::forbidden(
            "only auditors may read raw log entries",
        ));
    }
    let limit = q.limit.unwrap_or(100).min(1000);
    let rows = state
        .engine
        .store()
        .read_log(state.engine.county(), q.from.unwrap_or(0), limit)
        .await?;
    Ok(Json(
        rows.into_iter()
            .map(|e| EntryOut {
                payload: if e.header.kind == "org.person.password" {
                    redact(&e.payload)
                } else {
                    e.payload.clone()
                },
                seq: e.header.seq,
                at_ms: e.header.at_ms,
                actor: e.header.actor,
                role: e.header.role,
                unit: e.header.unit,
                kind: e.header.kind,
                prev_hash: hex::encode(e.prev_hash),
                hash: hex::encode(e.hash),
            })
            .collect(),
    ))
}

fn redact(payload: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(payload) {
        Ok(mut v) => {
            if let Some(o) = v.as_object_mut() {
                o.insert(
                    "password_hash".into(),
                    serde_json::Value::String("[redacted]".into()),
                );
            }
            v.to_string()
        }
        Err(_) => "[redacted]".into(),
    }
}

#[derive(Deserialize, IntoParams)]
pub struct InclusionQuery {
    seq: u64,
    /// Tree size; defaults to the current size.
    size: Option<u64>,
}

#[derive(Serialize, ToSchema)]
pub struct InclusionOut {
    pub seq: u64,
    pub tree_size: u64,
    pub leaf_hash: String,
    pub root: String,
    /// RFC 6962 audit path, hex.
    pub proof: Vec<String>,
}

/// RFC 6962 inclusion proof of one entry.
#[utoipa::path(get, path = "/log/proof/inclusion", params(InclusionQuery), responses((status = 200, body = InclusionOut), (status = 404, body = crate::error::ErrorBody)))]
pub async fn inclusion(
    State(state): State<AppState>,
    ApiSession(_s, _): ApiSession,
    Query(q): Query<InclusionQuery>,
) -> Result<Json<InclusionOut>, ApiError> {
    let size = match q.size {
        Some(s) => s,
        None => state.engine.tree_head().await.0,
    };
    let (leaf, proof) = state.engine.inclusion_proof(q.seq, size).await?;
    let root = state.engine.root_at(size).await?;
    Ok(Json(InclusionOut {
        seq: q.seq,
        tree_size: size,
        leaf_hash: hex::encode(leaf),
        root: hex::encode(root),
        proof: proof.iter().map(hex::encode).collect(),
    }))
}

#[derive(Deserialize, IntoParams)]
pub struct ConsistencyQuery {
    old: u64,
    new: Option<u64>,
}

#[derive(Serialize, ToSchema)]
pub struct ConsistencyOut {
    pub old_size: u64,
    pub new_size: u64,
    pub old_root: String,
    pub new_root: String,
    pub proof: Vec<String>,
}

/// RFC 6962 consistency proof between two tree sizes. Public (witnesses need no account).
#[utoipa::path(get, path = "/log/proof/consistency", params(ConsistencyQuery), responses((status = 200, body = ConsistencyOut), (status = 404, body = crate::error::ErrorBody)))]
pub async fn consistency(
    State(state): State<AppState>,
    Query(q): Query<ConsistencyQuery>,
) -> Result<Json<ConsistencyOut>, ApiError> {
    let new = match q.new {
        Some(n) => n,
        None => state.engine.tree_head().await.0,
    };
    let proof = state.engine.consistency_proof(q.old, new).await?;
    Ok(Json(ConsistencyOut {
        old_size: q.old,
        new_size: new,
        old_root: hex::encode(state.engine.root_at(q.old).await?),
        new_root: hex::encode(state.engine.root_at(new).await?),
        proof: proof.iter().map(hex::encode).collect(),
    }))
}
