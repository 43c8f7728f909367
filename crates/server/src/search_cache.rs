//! The list search index: the application's index cache, shared with routing suggestions.

pub use tiaokuai_app::routing::ListIndexCache as SearchCache;
