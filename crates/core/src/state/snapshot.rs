//! Snapshots of the folded state, so a restart need not replay the whole log. A snapshot is the
//! state as JSON without its derived caches (grid outlines, events per year), which are rebuilt on
//! load. Version, county and signature headers belong to the storage layer, not here.

use super::{grid_shape, CountyState, OrgState};

/// The layout of [`CountyState::to_snapshot_json`]; bump it whenever that layout changes.
pub const SNAPSHOT_FORMAT: u32 = 1;

impl CountyState {
    /// The state as snapshot JSON.
    pub fn to_snapshot_json(&self) -> Vec<u8> {
        // Cannot fail: every map key is a string or an integer (tuple-keyed maps go through
        // `pairs`), and the tests hold that. Were it ever to fail, the empty output is refused
        // by `from_snapshot_json`, so the caller falls back to replaying the log.
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Reads a snapshot written by [`CountyState::to_snapshot_json`] and rebuilds the derived
    /// caches. Never panics on bad input; the error says what was wrong and where.
    pub fn from_snapshot_json(bytes: &[u8]) -> Result<CountyState, String> {
        let mut s: CountyState = serde_json::from_slice(bytes).map_err(|e| {
            use serde_json::error::Category;
            let what = match e.classify() {
                Category::Eof => "is truncated",
                Category::Syntax => "is not valid JSON",
                Category::Data => "does not match the state layout",
                Category::Io => "could not be read",
            };
            format!("state snapshot {what}: {e}")
        })?;
        s.org.rebuild_grid_shapes();
        Ok(s)
    }
}

impl OrgState {
    /// Parses every grid's outline again, as folding [`crate::Transition::GridSaved`] does.
    pub(crate) fn rebuild_grid_shapes(&mut self) {
        self.grid_shapes = self
            .grids
            .values()
            .filter_map(|g| Some((g.code.clone(), grid_shape(g)?)))
            .collect();
    }
}

/// Maps whose keys are not strings (e.g. tuples) as a JSON list of `[key, value]` pairs, since
/// JSON object keys must be strings.
pub(crate) mod pairs {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::collections::BTreeMap;

    pub fn serialize<K: Serialize, V: Serialize, S: Serializer>(
        map: &BTreeMap<K, V>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_seq(map)
    }

    pub fn deserialize<'de, K, V, D>(d: D) -> Result<BTreeMap<K, V>, D::Error>
    where
        K: Deserialize<'de> + Ord,
        V: Deserialize<'de>,
        D: Deserializer<'de>,
    {
        Ok(Vec::<(K, V)>::deserialize(d)?.into_iter().collect())
    }
}

/// [`pairs`] for a map of maps, both keyed by tuples.
pub(crate) mod nested_pairs {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::collections::BTreeMap;

    /// An inner map, written as pairs too.
    struct Inner<'a, K, V>(&'a BTreeMap<K, V>);

    impl<K: Serialize, V: Serialize> Serialize for Inner<'_, K, V> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_seq(self.0)
        }
    }

    type Nested<K, K2, V> = BTreeMap<K, BTreeMap<K2, V>>;

    pub fn serialize<K, K2, V, S>(map: &Nested<K, K2, V>, s: S) -> Result<S::Ok, S::Error>
    where
        K: Serialize,
        K2: Serialize,
        V: Serialize,
        S: Serializer,
    {
        s.collect_seq(map.iter().map(|(k, inner)| (k, Inner(inner))))
    }

    pub fn deserialize<'de, K, K2, V, D>(d: D) -> Result<Nested<K, K2, V>, D::Error>
    where
        K: Deserialize<'de> + Ord,
        K2: Deserialize<'de> + Ord,
        V: Deserialize<'de>,
        D: Deserializer<'de>,
    {
        Ok(Vec::<(K, Vec<(K2, V)>)>::deserialize(d)?
            .into_iter()
            .map(|(k, inner)| (k, inner.into_iter().collect()))
            .collect())
    }
}

/// A shared value written as the value itself (serde's `rc` feature is not enabled).
pub(crate) mod arc {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::sync::Arc;

    pub fn serialize<T: Serialize, S: Serializer>(v: &Arc<T>, s: S) -> Result<S::Ok, S::Error> {
        T::serialize(v, s)
    }

    pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Arc<T>, D::Error> {
        T::deserialize(d).map(Arc::new)
    }
}
