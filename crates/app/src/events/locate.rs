//! Resolving a report's point to grid → village → township from the grid polygons.

use tiaokuai_core::events::Location;
use tiaokuai_core::CountyState;

/// Fills grid, village and township from the point (a given grid wins over the point).
/// Returns whether the point or grid was found.
pub fn resolve(state: &CountyState, loc: &mut Location) -> bool {
    let org = &state.org;
    let grid = match loc.grid.as_deref().and_then(|g| org.grids.get(g)) {
        Some(g) => Some(g),
        None => org.locate(loc.lon, loc.lat),
    };
    match grid {
        Some(g) => {
            loc.grid = Some(g.code.clone());
            loc.village = Some(g.village.clone());
            loc.township = org.township_of(&g.village).map(|t| t.code.clone());
            true
        }
        None => {
            loc.grid = None;
            false
        }
    }
}
