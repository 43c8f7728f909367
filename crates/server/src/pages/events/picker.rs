//! The grid map a point is picked on (the report form and the event page).

use crate::error::html_escape;
use std::fmt::Write;
use tiaokuai_core::org::{validate_polygon, Grid};

/// The grid map to pick a point on: paths without links, the bounding box in data attributes
/// (report.js turns a tap into longitude and latitude with them), and the chosen point.
pub fn picker_map(grids: &[&Grid], mine: &str, point: Option<(f64, f64)>, id: &str) -> String {
    let shapes: Vec<(&Grid, Vec<(f64, f64)>)> = grids
        .iter()
        .filter_map(|g| validate_polygon(&g.geometry).ok().map(|(r, _)| (*g, r)))
        .collect();
    if shapes.is_empty() {
        return String::new();
    }
    let (mut minx, mut miny, mut maxx, mut maxy) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for (_, ring) in &shapes {
        for &(x, y) in ring {
            minx = minx.min(x);
            maxx = maxx.max(x);
            miny = miny.min(y);
            maxy = maxy.max(y);
        }
    }
    let width = 1000.0;
    let kx = ((miny + maxy) / 2.0).to_radians().cos();
    let scale = width / ((maxx - minx) * kx).max(1e-9);
    let height = ((maxy - miny) * scale).max(1.0);
    let px = |x: f64| (x - minx) * kx * scale;
    let py = |y: f64| (maxy - y) * scale;
    let mut villages: Vec<&str> = shapes.iter().map(|(g, _)| g.village.as_str()).collect();
    villages.sort();
    villages.dedup();
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg id="{id}" class="pick-map" viewBox="0 0 {width:.0} {height:.0}" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="map" data-min-lon="{minx}" data-max-lon="{maxx}" data-min-lat="{miny}" data-max-lat="{maxy}" data-width="{width:.0}" data-height="{height:.0}">"#
    );
    for (g, ring) in &shapes {
        let mut d = String::new();
        for (i, &(x, y)) in ring.iter().enumerate() {
            let _ = write!(
                d,
                "{}{:.1},{:.1}",
                if i == 0 { "M" } else { "L" },
                px(x),
                py(y)
            );
        }
        d.push('Z');
        let idx = villages.iter().position(|v| *v == g.village).unwrap_or(0);
        let class = if g.village == mine {
            "grid mine"
        } else {
            ["grid v0", "grid v1", "grid v2", "grid v3"][idx % 4]
        };
        let _ = write!(
            out,
            r#"<path class="{class}" d="{d}" data-code="{code}" data-name="{name}"><title>{name}</title></path>"#,
            code = html_escape(&g.code),
            name = html_escape(&g.name),
        );
    }
    let (cx, cy, vis) = match point {
        Some((lon, lat)) if lon >= minx && lon <= maxx && lat >= miny && lat <= maxy => {
            (px(lon), py(lat), "visible")
        }
        _ => (0.0, 0.0, "hidden"),
    };
    let r = (width / 90.0).max(4.0);
    let _ = write!(
        out,
        r#"<circle id="{id}-marker" class="marker" cx="{cx:.1}" cy="{cy:.1}" r="{r:.1}" visibility="{vis}"></circle></svg>"#
    );
    out
}
