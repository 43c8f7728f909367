use super::*;
use crate::merkle::{self, leaf_hash, Frontier};
use proptest::prelude::*;
use std::fmt::Debug;

fn leaves(n: u64) -> Vec<Hash> {
    (0..n).map(|i| leaf_hash(&i.to_be_bytes())).collect()
}

fn pyramid(tile_level: u32, leaves: &[Hash]) -> Pyramid {
    let mut p = Pyramid::new(tile_level);
    for h in leaves {
        p.push(*h);
    }
    p
}

/// Reads the named tiles out of `leaves`, as the server reads them from storage.
fn fetch(p: &Pyramid, wanted: &[u64], leaves: &[Hash]) -> Tiles {
    wanted
        .iter()
        .map(|&t| {
            let (a, b) = p.leaf_range(t);
            (t, leaves[a as usize..b as usize].to_vec())
        })
        .collect()
}

/// The named tiles give the expected result; without any one of them, or with it truncated,
/// the computation gives `None` (so each is needed, and nothing panics).
fn check_two_phase<T: PartialEq + Debug>(
    p: &Pyramid,
    wanted: Option<Vec<u64>>,
    leaves: &[Hash],
    expected: Option<T>,
    compute: impl Fn(&Tiles) -> Option<T>,
) {
    let Some(wanted) = wanted else {
        assert_eq!(expected, None, "tiles_for_* refused valid arguments");
        assert_eq!(compute(&Tiles::new()), None);
        return;
    };
    assert!(wanted.len() <= 3, "too many tiles: {wanted:?}");
    assert!(wanted.windows(2).all(|w| w[0] < w[1]), "{wanted:?}");
    assert!(wanted.iter().all(|&t| t < p.complete_tiles()), "{wanted:?}");
    let tiles = fetch(p, &wanted, leaves);
    assert_eq!(compute(&tiles), expected);
    for t in &wanted {
        let mut missing = tiles.clone();
        missing.remove(t);
        assert_eq!(compute(&missing), None, "tile {t} missing");
        let mut short = tiles.clone();
        short.entry(*t).and_modify(|v| {
            v.pop();
        });
        assert_eq!(compute(&short), None, "tile {t} truncated");
    }
}

fn check_inclusion(
    p: &Pyramid,
    leaves: &[Hash],
    index: u64,
    size: u64,
    expected: Option<Vec<Hash>>,
) {
    let wanted = p.tiles_for_inclusion(index, size);
    check_two_phase(p, wanted, leaves, expected, |t| {
        p.inclusion_proof(index, size, t)
    });
}

fn check_consistency(
    p: &Pyramid,
    leaves: &[Hash],
    old: u64,
    new: u64,
    expected: Option<Vec<Hash>>,
) {
    let wanted = p.tiles_for_consistency(old, new);
    check_two_phase(p, wanted, leaves, expected, |t| {
        p.consistency_proof(old, new, t)
    });
}

fn check_root(p: &Pyramid, leaves: &[Hash], size: u64, expected: Option<Hash>) {
    let wanted = p.tiles_for_root(size);
    check_two_phase(p, wanted, leaves, expected, |t| p.root_at(size, t));
}

/// Answers of the `merkle` functions over a prefix of `leaves`, computed directly.
struct Direct<'a> {
    leaves: &'a [Hash],
    built: u64,
}

impl Direct<'_> {
    fn prefix(&self, size: u64) -> Option<&[Hash]> {
        (size <= self.built).then(|| &self.leaves[..size as usize])
    }
    fn inclusion(&self, index: u64, size: u64) -> Option<Vec<Hash>> {
        merkle::inclusion_proof(index as usize, self.prefix(size)?)
    }
    fn consistency(&self, old: u64, new: u64) -> Option<Vec<Hash>> {
        merkle::consistency_proof(old as usize, self.prefix(new)?)
    }
    fn root(&self, size: u64) -> Option<Hash> {
        self.prefix(size).map(merkle::mth)
    }
}

/// The `merkle` answers for every tree size up to `max`, index and old size: the exhaustive
/// tests ask for each many times (once per pyramid size and tile level).
struct Table {
    leaves: Vec<Hash>,
    roots: Vec<Hash>,
    inclusion: Vec<Vec<Vec<Hash>>>,
    consistency: Vec<Vec<Vec<Hash>>>,
}

const MAX: u64 = 70;

fn table() -> &'static Table {
    static TABLE: std::sync::OnceLock<Table> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let leaves = leaves(MAX);
        let d = Direct {
            leaves: &leaves,
            built: MAX,
        };
        let roots = (0..=MAX).map(|n| d.root(n).unwrap()).collect();
        let inclusion = (0..=MAX)
            .map(|n| (0..n).map(|i| d.inclusion(i, n).unwrap()).collect())
            .collect();
        let consistency = (0..=MAX)
            .map(|n| {
                (0..=n)
                    .map(|m| d.consistency(m, n).unwrap_or_default())
                    .collect()
            })
            .collect();
        Table {
            leaves,
            roots,
            inclusion,
            consistency,
        }
    })
}

/// Every pyramid size up to `MAX`, every tree size within it, every index and old size.
fn exhaustive(tile_level: u32) {
    let t = table();
    let all = &t.leaves[..];
    let mut p = Pyramid::new(tile_level);
    let mut f = Frontier::new();
    for next in std::iter::once(None).chain(all.iter().map(Some)) {
        if let Some(h) = next {
            p.push(*h);
            f.push(*h);
        }
        let size = p.size();
        assert_eq!(p.root(), t.roots[size as usize]);
        assert_eq!(p.root(), f.root());
        for n in 0..=size {
            let nu = n as usize;
            check_root(&p, all, n, Some(t.roots[nu]));
            for i in 0..n {
                check_inclusion(&p, all, i, n, Some(t.inclusion[nu][i as usize].clone()));
            }
            for old in 1..=n {
                check_consistency(
                    &p,
                    all,
                    old,
                    n,
                    Some(t.consistency[nu][old as usize].clone()),
                );
            }
        }
        // Invalid: beyond the pyramid, index past the size, old past new, old zero.
        check_root(&p, all, size + 1, None);
        check_inclusion(&p, all, size, size, None);
        check_inclusion(&p, all, 0, size + 1, None);
        check_consistency(&p, all, size + 1, size, None);
        check_consistency(&p, all, 0, size, None);
        check_consistency(&p, all, 1, size + 1, None);
    }
}

#[test]
fn exhaustive_tile_level_0() {
    exhaustive(0);
}

#[test]
fn exhaustive_tile_level_1() {
    exhaustive(1);
}

#[test]
fn exhaustive_tile_level_2() {
    exhaustive(2);
}

#[test]
fn exhaustive_tile_level_3() {
    exhaustive(3);
}

#[test]
fn serde_round_trip_rebuilds_the_same_pyramid() {
    for tile_level in [0, 2, DEFAULT_TILE_LEVEL] {
        for n in [0, 1, 3, 4, 255, 256, 257, 1000, 1024] {
            let p = pyramid(tile_level, &leaves(n));
            let text = serde_json::to_string(&p).unwrap();
            let back: Pyramid = serde_json::from_str(&text).unwrap();
            assert_eq!(back, p);
            assert_eq!(back.root(), p.root());
        }
    }
}

#[test]
fn serde_rejects_inconsistent_snapshots() {
    let h = hex::encode([7u8; 32]);
    let bad = [
        // The incomplete tile may not hold a whole tile.
        format!(r#"{{"tile_level":1,"tiles":[],"tail":["{h}","{h}"]}}"#),
        r#"{"tile_level":99,"tiles":[],"tail":[]}"#.to_string(),
        r#"{"tile_level":1,"tiles":["00"],"tail":[]}"#.to_string(),
    ];
    for text in bad {
        assert!(serde_json::from_str::<Pyramid>(&text).is_err(), "{text}");
    }
}

#[test]
fn memory_is_about_two_hashes_per_tile() {
    let mut p = Pyramid::default();
    let mut f = Frontier::new();
    for i in 0..100_000u64 {
        let h = leaf_hash(&i.to_be_bytes());
        p.push(h);
        f.push(h);
    }
    assert_eq!(p.size(), 100_000);
    assert_eq!(p.root(), f.root());
    assert!(
        p.stored_hashes() < 100_000 / 256 * 2 + 256,
        "{}",
        p.stored_hashes()
    );
    // Proofs deep inside a large tree still name only a few tiles.
    assert!(p.tiles_for_inclusion(12_345, 99_999).unwrap().len() <= 2);
    assert!(p.tiles_for_consistency(54_321, 99_999).unwrap().len() <= 2);
    assert!(p.tiles_for_root(77_777).unwrap().len() <= 1);
}

#[test]
fn leaf_range_covers_one_tile() {
    let p = Pyramid::new(8);
    assert_eq!(p.leaf_range(0), (0, 256));
    assert_eq!(p.leaf_range(3), (768, 1024));
    assert_eq!(p.tile_level(), 8);
    assert_eq!(Pyramid::default().tile_level(), DEFAULT_TILE_LEVEL);
}

proptest! {
    #[test]
    fn default_tiles_match_merkle(
        built in 0u64..5000,
        n in 0u64..5000,
        i in 0u64..5000,
        old in 0u64..5000,
    ) {
        let all = leaves(built);
        let p = pyramid(DEFAULT_TILE_LEVEL, &all);
        let d = Direct { leaves: &all, built };
        let n = if built == 0 { 0 } else { n % (built + 1) };
        check_root(&p, &all, n, d.root(n));
        if n > 0 {
            let (i, old) = (i % n, 1 + old % n);
            check_inclusion(&p, &all, i, n, d.inclusion(i, n));
            check_consistency(&p, &all, old, n, d.consistency(old, n));
        }
        check_inclusion(&p, &all, built, built, None);
        check_consistency(&p, &all, 1, built + 1, None);
    }
}
