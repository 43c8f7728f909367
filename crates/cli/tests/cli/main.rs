//! The `tiaokuai` binary as operators use it, one test binary for the whole command line:
//! each module drives the built executable (`CARGO_BIN_EXE_tiaokuai`) in its own temporary
//! directory.

mod bench_stats;
mod bench_workflow;
mod calendar;
mod common;
mod county_names;
mod evidence;
mod keys;
mod lifecycle;
mod operator;
mod person;
mod route;
mod witness;
