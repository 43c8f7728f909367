//! Integration tests; they run on SQLite, and on PostgreSQL when TIAOKUAI_TEST_PG_URL is set.
//! One binary (each file in tests/ is a separate slow link).

mod admission;
mod api;
mod authz_matrix;
mod deadlines;
mod delegation;
mod demo_history;
mod erasure;
mod event_list;
mod events_api;
mod frame;
mod history;
mod import;
mod lifecycle;
mod lists;
mod log;
mod notify_sms;
mod patrol;
mod public_page;
mod routing;
mod settings_pages;
mod stats_api;
mod stats_pages;
mod tables;
mod township_assign;
mod workflow_store;
