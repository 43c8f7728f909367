//! A compact RFC 6962 tree for proofs over a long log: it keeps subtree hashes down to tiles.
//!
//! A tile is the complete aligned subtree of `2^tile_level` leaves starting at a multiple of its
//! size. The [`Pyramid`] keeps the hash of every complete aligned subtree of level `tile_level`
//! and above, plus the leaves of the last, incomplete tile: about `2n / 2^tile_level` hashes
//! instead of `n`. Any range hash is then lookups plus the leaves of at most a couple of tiles,
//! which the caller reads from storage. Proofs therefore run in two phases: `tiles_for_*` names
//! the tiles a computation needs, and the computation itself takes them as [`Tiles`].

use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use crate::merkle::{empty_root, mth, node_hash, Hash};

/// 256 leaves per tile: a proof reads at most a few 8 KiB tiles, the pyramid keeps ~1/128 of n.
pub const DEFAULT_TILE_LEVEL: u32 = 8;

/// Larger tiles would make every proof read millions of leaves.
pub const MAX_TILE_LEVEL: u32 = 24;

/// Leaf hashes of complete tiles by tile index; each value holds exactly `2^tile_level` hashes.
pub type Tiles = HashMap<u64, Vec<Hash>>;

/// The upper part of a Merkle tree: subtree hashes of level `tile_level` and above.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Snapshot", into = "Snapshot")]
pub struct Pyramid {
    tile_level: u32,
    /// `levels[j][i]` is the hash of leaves `[i << h, (i + 1) << h)` with `h = tile_level + j`.
    /// `levels[0]` holds one hash per complete tile; each level is half the one below.
    levels: Vec<Vec<Hash>>,
    /// Leaves of the incomplete last tile (fewer than `2^tile_level`).
    tail: Vec<Hash>,
}

impl Default for Pyramid {
    fn default() -> Self {
        Self::new(DEFAULT_TILE_LEVEL)
    }
}

/// Where range hashes get the leaves of complete tiles.
enum Source<'a> {
    /// Dry run: records the tiles that would be read; hashes are placeholders.
    Collect(BTreeSet<u64>),
    Fetch(&'a Tiles),
}

impl Source<'_> {
    fn node(&self, left: &Hash, right: &Hash) -> Hash {
        match self {
            Source::Collect(_) => [0; 32],
            Source::Fetch(_) => node_hash(left, right),
        }
    }

    fn into_tiles(self) -> Vec<u64> {
        match self {
            Source::Collect(set) => set.into_iter().collect(),
            Source::Fetch(_) => Vec::new(),
        }
    }
}

/// Largest power of two strictly less than `n` (n ≥ 2), as in RFC 6962.
fn split(n: u64) -> u64 {
    1 << (63 - (n - 1).leading_zeros())
}

impl Pyramid {
    /// An empty tree with tiles of `2^tile_level` leaves.
    ///
    /// # Panics
    /// If `tile_level > MAX_TILE_LEVEL`.
    pub fn new(tile_level: u32) -> Self {
        assert!(
            tile_level <= MAX_TILE_LEVEL,
            "tile level {tile_level} too large"
        );
        Self {
            tile_level,
            levels: Vec::new(),
            tail: Vec::new(),
        }
    }

    pub fn tile_level(&self) -> u32 {
        self.tile_level
    }

    fn tile_len(&self) -> usize {
        1 << self.tile_level
    }

    /// Number of complete tiles; the leaves of these live in storage only.
    pub fn complete_tiles(&self) -> u64 {
        self.levels.first().map_or(0, |l| l.len() as u64)
    }

    pub fn size(&self) -> u64 {
        (self.complete_tiles() << self.tile_level) + self.tail.len() as u64
    }

    /// Hashes held in memory: subtree hashes plus the leaves of the incomplete tile.
    pub fn stored_hashes(&self) -> usize {
        self.levels.iter().map(Vec::len).sum::<usize>() + self.tail.len()
    }

    /// The half-open range of leaf indices `[start, end)` that tile `tile` covers.
    pub fn leaf_range(&self, tile: u64) -> (u64, u64) {
        let len = self.tile_len() as u64;
        (
            tile.saturating_mul(len),
            tile.saturating_add(1).saturating_mul(len),
        )
    }

    /// Appends a leaf hash (already domain-separated with [`crate::merkle::leaf_hash`]).
    pub fn push(&mut self, leaf: Hash) {
        self.tail.push(leaf);
        if self.tail.len() == self.tile_len() {
            let h = mth(&self.tail);
            self.tail.clear();
            self.push_tile(h);
        }
    }

    /// Appends the hash of a complete tile and of every subtree it completes.
    fn push_tile(&mut self, tile: Hash) {
        let mut h = tile;
        let mut j = 0;
        loop {
            if self.levels.len() == j {
                self.levels.push(Vec::new());
            }
            let level = &mut self.levels[j];
            level.push(h);
            let n = level.len();
            if n % 2 == 1 {
                return;
            }
            h = node_hash(&level[n - 2], &level[n - 1]);
            j += 1;
        }
    }

    /// The Merkle tree hash of all leaves, from the odd ends of each level (like a frontier).
    pub fn root(&self) -> Hash {
        let mut acc = (!self.tail.is_empty()).then(|| mth(&self.tail));
        for level in &self.levels {
            if level.len() % 2 == 1 {
                if let Some(last) = level.last() {
                    acc = Some(match acc {
                        Some(right) => node_hash(last, &right),
                        None => *last,
                    });
                }
            }
        }
        acc.unwrap_or_else(empty_root)
    }

    /// Complete tiles needed by [`Self::inclusion_proof`], sorted; `None` if the arguments are invalid.
    pub fn tiles_for_inclusion(&self, index: u64, size: u64) -> Option<Vec<u64>> {
        let mut src = Source::Collect(BTreeSet::new());
        self.inclusion_with(index, size, &mut src)?;
        Some(src.into_tiles())
    }

    /// Complete tiles needed by [`Self::consistency_proof`], sorted; `None` if the arguments are invalid.
    pub fn tiles_for_consistency(&self, old: u64, new: u64) -> Option<Vec<u64>> {
        let mut src = Source::Collect(BTreeSet::new());
        self.consistency_with(old, new, &mut src)?;
        Some(src.into_tiles())
    }

    /// Complete tiles needed by [`Self::root_at`], sorted; `None` if `size > self.size()`.
    pub fn tiles_for_root(&self, size: u64) -> Option<Vec<u64>> {
        let mut src = Source::Collect(BTreeSet::new());
        self.root_with(size, &mut src)?;
        Some(src.into_tiles())
    }

    /// Same as [`crate::merkle::inclusion_proof`] over the first `size` leaves.
    /// `None` if the arguments are invalid or a needed tile is missing or malformed.
    pub fn inclusion_proof(&self, index: u64, size: u64, tiles: &Tiles) -> Option<Vec<Hash>> {
        self.inclusion_with(index, size, &mut Source::Fetch(tiles))
    }

    /// Same as [`crate::merkle::consistency_proof`] from `old` to the first `new` leaves.
    /// `None` if the arguments are invalid or a needed tile is missing or malformed.
    pub fn consistency_proof(&self, old: u64, new: u64, tiles: &Tiles) -> Option<Vec<Hash>> {
        self.consistency_with(old, new, &mut Source::Fetch(tiles))
    }

    /// Same as [`crate::merkle::mth`] over the first `size` leaves.
    /// `None` if `size > self.size()` or a needed tile is missing or malformed.
    pub fn root_at(&self, size: u64, tiles: &Tiles) -> Option<Hash> {
        self.root_with(size, &mut Source::Fetch(tiles))
    }

    fn inclusion_with(&self, index: u64, size: u64, src: &mut Source) -> Option<Vec<Hash>> {
        if index >= size || size > self.size() {
            return None;
        }
        let mut out = Vec::new();
        self.path(index, 0, size, src, &mut out)?;
        Some(out)
    }

    fn consistency_with(&self, old: u64, new: u64, src: &mut Source) -> Option<Vec<Hash>> {
        if old == 0 || old > new || new > self.size() {
            return None;
        }
        let mut out = Vec::new();
        self.subproof(old, 0, new, true, src, &mut out)?;
        Some(out)
    }

    fn root_with(&self, size: u64, src: &mut Source) -> Option<Hash> {
        match size {
            0 => Some(empty_root()),
            s if s > self.size() => None,
            s => self.range_hash(0, s, src),
        }
    }

    /// RFC 6962 PATH(m, D[lo..hi]) with absolute leaf indices.
    fn path(&self, m: u64, lo: u64, hi: u64, src: &mut Source, out: &mut Vec<Hash>) -> Option<()> {
        if hi - lo <= 1 {
            return Some(());
        }
        let mid = lo + split(hi - lo);
        if m < mid {
            self.path(m, lo, mid, src, out)?;
            out.push(self.range_hash(mid, hi, src)?);
        } else {
            self.path(m, mid, hi, src, out)?;
            out.push(self.range_hash(lo, mid, src)?);
        }
        Some(())
    }

    /// RFC 6962 SUBPROOF(m, D[lo..hi], whole) with absolute leaf indices; `lo < m <= hi`.
    fn subproof(
        &self,
        m: u64,
        lo: u64,
        hi: u64,
        whole: bool,
        src: &mut Source,
        out: &mut Vec<Hash>,
    ) -> Option<()> {
        if m == hi {
            if !whole {
                out.push(self.range_hash(lo, hi, src)?);
            }
            return Some(());
        }
        let mid = lo + split(hi - lo);
        if m <= mid {
            self.subproof(m, lo, mid, whole, src, out)?;
            out.push(self.range_hash(mid, hi, src)?);
        } else {
            self.subproof(m, mid, hi, false, src, out)?;
            out.push(self.range_hash(lo, mid, src)?);
        }
        Some(())
    }

    /// MTH(D[a..b]) for `a < b <= size`: a lookup for complete subtrees of tile level or above,
    /// leaves for ranges inside one tile, the RFC 6962 split otherwise.
    fn range_hash(&self, a: u64, b: u64, src: &mut Source) -> Option<Hash> {
        if a >= b || b > self.size() {
            return None;
        }
        let n = b - a;
        let l = self.tile_level;
        if n.is_power_of_two() && a & (n - 1) == 0 {
            let k = n.trailing_zeros();
            if k >= l {
                return self
                    .levels
                    .get((k - l) as usize)?
                    .get((a >> k) as usize)
                    .copied();
            }
        }
        if a >> l == (b - 1) >> l {
            return self.hash_in_tile(a, b, src);
        }
        let mid = a + split(n);
        let left = self.range_hash(a, mid, src)?;
        let right = self.range_hash(mid, b, src)?;
        Some(src.node(&left, &right))
    }

    /// MTH(D[a..b]) for a range inside one tile, from its leaves.
    fn hash_in_tile(&self, a: u64, b: u64, src: &mut Source) -> Option<Hash> {
        let t = a >> self.tile_level;
        let start = t << self.tile_level;
        let range = (a - start) as usize..(b - start) as usize;
        if t == self.complete_tiles() {
            let leaves = self.tail.get(range)?;
            return Some(match src {
                Source::Collect(_) => [0; 32],
                Source::Fetch(_) => mth(leaves),
            });
        }
        match src {
            Source::Collect(set) => {
                set.insert(t);
                Some([0; 32])
            }
            Source::Fetch(tiles) => {
                let leaves = tiles.get(&t)?;
                if leaves.len() != self.tile_len() {
                    return None;
                }
                leaves.get(range).map(mth)
            }
        }
    }
}

/// The serialized form: tile hashes and the tail; upper levels are rebuilt on load, which also
/// keeps them consistent with the tiles.
#[derive(Serialize, Deserialize)]
struct Snapshot {
    tile_level: u32,
    #[serde(with = "hex_hashes")]
    tiles: Vec<Hash>,
    #[serde(with = "hex_hashes")]
    tail: Vec<Hash>,
}

impl From<Pyramid> for Snapshot {
    fn from(p: Pyramid) -> Self {
        Snapshot {
            tile_level: p.tile_level,
            tiles: p.levels.into_iter().next().unwrap_or_default(),
            tail: p.tail,
        }
    }
}

impl TryFrom<Snapshot> for Pyramid {
    type Error = &'static str;

    fn try_from(s: Snapshot) -> Result<Self, Self::Error> {
        if s.tile_level > MAX_TILE_LEVEL {
            return Err("tile level too large");
        }
        let mut p = Pyramid::new(s.tile_level);
        if s.tail.len() >= p.tile_len() {
            return Err("the incomplete tile holds a whole tile or more");
        }
        for t in s.tiles {
            p.push_tile(t);
        }
        p.tail = s.tail;
        Ok(p)
    }
}

mod hex_hashes {
    //! Serde helpers: a list of hashes as lowercase hex strings, like [`crate::entry::hex_hash`].
    use crate::merkle::{parse_hash, Hash};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &[Hash], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(hex::encode))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Hash>, D::Error> {
        Vec::<String>::deserialize(d)?
            .iter()
            .map(|s| {
                parse_hash(s).ok_or_else(|| serde::de::Error::custom("expected 64 hex digits"))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;
