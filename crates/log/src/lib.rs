//! The tamper-evident log that is Tiaokuai's source of truth.
//!
//! Every state change is a [`LogEntry`]. Its canonical bytes (see [`entry`]) are hashed as an
//! RFC 6962 leaf, and each entry also carries the hash of its predecessor, so the log is both a
//! hash chain and a Merkle tree. Checkpoints (tree size + root) are signed with ed25519.
//! This crate is pure: storage and clocks belong to other layers.
#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::expect_used)]

pub mod checkpoint;
pub mod entry;
pub mod merkle;
pub mod tiles;

pub use checkpoint::{Checkpoint, LogSigner, LogVerifier, SignedCheckpoint};
pub use entry::{EntryHeader, LogEntry};
pub use merkle::{Frontier, Hash};
pub use tiles::{Pyramid, Tiles};
