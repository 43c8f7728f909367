//! Statistics (统计分析): the facts each event and hop contributes, the dimensions and measures
//! of the cube, periods, and the exact aggregation behind every table, chart and score.

pub mod bounce;
pub mod cube;
pub mod dims;
pub mod facts;
pub mod measure;
pub mod period;
pub mod spec;
#[cfg(test)]
pub(crate) mod tests;

pub use cube::{
    aggregate, drill, event_count, hop_count, Acc, Heading, Query, Rules, Table, Visibility,
};
pub use dims::{Context, Dim, Grain, NONE_KEY};
pub use facts::{of_event, EventFact, HopFact};
pub use measure::{rate, Kind, Measure, Scope, Value};
pub use period::Period;
pub use spec::QuerySpec;
