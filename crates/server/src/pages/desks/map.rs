//! The command centre's live map: grid outlines (the same grids and projection as the county
//! map in `svgmap`) with one point per open event, coloured by its worst flag and linking to
//! the event. Server-rendered SVG, so it needs no script and prints.

use crate::error::html_escape;
use std::collections::BTreeMap;
use std::fmt::Write;
use tiaokuai_core::org::{validate_polygon, Grid};
use tiaokuai_core::state::OrgState;

const WIDTH: f64 = 1000.0;

pub struct Point {
    pub event: u64,
    pub no: String,
    pub title: String,
    pub lon: f64,
    pub lat: f64,
    /// `flag-red`, `flag-yellow`, `flag-green` or `flag-wait`.
    pub class: &'static str,
    pub word: &'static str,
}

/// Renders the outlines and the points; points outside the grids' extent are left out (they
/// are still on the desk's lists). Returns the SVG and how many points were drawn.
pub fn render(grids: &[Grid], org: &OrgState, points: &[Point], label: &str) -> (String, usize) {
    let shapes: Vec<(&Grid, Vec<(f64, f64)>)> = grids
        .iter()
        .filter_map(|g| {
            validate_polygon(&g.geometry)
                .ok()
                .map(|(ring, _)| (g, ring))
        })
        .collect();
    if shapes.is_empty() {
        return (String::new(), 0);
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
    // Equirectangular projection, corrected for latitude (as the county map does).
    let kx = ((miny + maxy) / 2.0).to_radians().cos();
    let scale = WIDTH / ((maxx - minx) * kx).max(1e-9);
    let height = ((maxy - miny) * scale).max(1.0);
    let px = |x: f64| (x - minx) * kx * scale;
    let py = |y: f64| (maxy - y) * scale;
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg class="county-map event-map" viewBox="-10 -10 {:.0} {:.0}" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{}">"#,
        WIDTH + 20.0,
        height + 20.0,
        html_escape(label)
    );
    out.push_str(r#"<g class="outlines">"#);
    let mut labels: BTreeMap<String, (f64, f64, usize)> = BTreeMap::new();
    for (g, ring) in &shapes {
        if let Some(t) = org.township_of(&g.village) {
            let n = ring.len().max(1) as f64;
            let (cx, cy) = ring
                .iter()
                .fold((0.0, 0.0), |(a, b), &(x, y)| (a + px(x) / n, b + py(y) / n));
            let e = labels.entry(t.short_name.clone()).or_insert((0.0, 0.0, 0));
            *e = (e.0 + cx, e.1 + cy, e.2 + 1);
        }
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
        let _ = write!(out, r#"<path class="grid-outline" d="{d}"/>"#);
    }
    out.push_str("</g>");
    for (name, (sx, sy, n)) in labels {
        let n = n.max(1) as f64;
        let _ = write!(
            out,
            r#"<text class="township-label" x="{:.0}" y="{:.0}">{}</text>"#,
            sx / n,
            sy / n,
            html_escape(&name)
        );
    }
    // Points at the same spot are fanned out on a small spiral so each stays clickable.
    let mut seen: BTreeMap<(i64, i64), u32> = BTreeMap::new();
    let mut drawn = 0;
    for p in points {
        let inside = p.lon.is_finite()
            && p.lat.is_finite()
            && (minx..=maxx).contains(&p.lon)
            && (miny..=maxy).contains(&p.lat);
        if !inside {
            continue;
        }
        let (x, y) = (px(p.lon), py(p.lat));
        let k = seen.entry((x as i64 / 4, y as i64 / 4)).or_insert(0);
        let (dx, dy) = if *k == 0 {
            (0.0, 0.0)
        } else {
            let a = *k as f64 * 2.4;
            let r = 11.0 * (*k as f64).sqrt();
            (r * a.cos(), r * a.sin())
        };
        *k += 1;
        drawn += 1;
        let _ = write!(
            out,
            r#"<a href="/events/{id}" class="event-point {class}" data-event="{id}"><circle cx="{cx:.1}" cy="{cy:.1}" r="7"/><title>{no} {title}（{word}）</title></a>"#,
            id = p.event,
            class = p.class,
            cx = x + dx,
            cy = y + dy,
            no = html_escape(&p.no),
            title = html_escape(&p.title),
            word = html_escape(p.word),
        );
    }
    out.push_str("</svg>");
    (out, drawn)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(code: &str, ring: &str) -> Grid {
        Grid {
            code: code.into(),
            name: code.into(),
            kind: tiaokuai_core::org::GridKind::Comprehensive,
            village: String::new(),
            leader: None,
            workers: vec![],
            geometry: format!(r#"{{"type":"Polygon","coordinates":[[{ring}]]}}"#),
        }
    }

    #[test]
    fn points_inside_are_drawn_and_linked_outside_left_out() {
        let grids = vec![grid(
            "G1",
            "[116.0,36.0],[117.0,36.0],[117.0,37.0],[116.0,37.0],[116.0,36.0]",
        )];
        let p = |event: u64, lon: f64, class: &'static str| Point {
            event,
            no: format!("2026-{event:06}"),
            title: "<扬尘>".into(),
            lon,
            lat: 36.5,
            class,
            word: "超期",
        };
        let points = vec![
            p(1, 116.5, "flag-red"),
            p(2, 116.5, "flag-green"),
            p(3, 120.0, "flag-red"),
        ];
        let (svg, drawn) = render(&grids, &OrgState::default(), &points, "地图");
        assert_eq!(drawn, 2);
        assert!(svg.contains(r#"<a href="/events/1" class="event-point flag-red""#));
        assert!(svg.contains(r#"<a href="/events/2" class="event-point flag-green""#));
        assert!(!svg.contains("/events/3"));
        assert!(svg.contains("&lt;扬尘&gt;"));
        assert!(svg.contains("grid-outline"));
        // The second point at the same spot is moved aside.
        let cx: Vec<&str> = svg
            .match_indices("cx=\"")
            .map(|(i, _)| &svg[i..i + 12])
            .collect();
        assert_eq!(cx.len(), 2);
        assert_ne!(cx[0], cx[1]);
    }
}
