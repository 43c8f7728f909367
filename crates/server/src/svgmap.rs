//! The county map: grids drawn as SVG paths, coloured by township. Server-rendered, so it
//! works without JavaScript and prints.

use crate::error::html_escape;
use std::collections::BTreeMap;
use std::fmt::Write;
use tiaokuai_core::org::{validate_polygon, Grid};
use tiaokuai_core::state::OrgState;

const WIDTH: f64 = 1000.0;

/// Renders the grids; `highlight` grids get a thick outline.
pub fn render(grids: &[Grid], org: &OrgState, highlight: &[&str]) -> String {
    render_with(grids, org, highlight, None)
}

/// Township values for a shaded map: township code → (value, text), and each township's link.
pub struct Shade<'a> {
    pub values: &'a BTreeMap<String, (f64, String)>,
    pub href: &'a dyn Fn(&str) -> String,
}

/// The map shaded by township (darker = larger value); each grid links to its township's
/// `href` and says the township's value in its tooltip.
pub fn render_shaded(grids: &[Grid], org: &OrgState, shade: Shade) -> String {
    render_with(grids, org, &[], Some(shade))
}

fn render_with(grids: &[Grid], org: &OrgState, highlight: &[&str], shade: Option<Shade>) -> String {
    let max = shade
        .as_ref()
        .map(|s| s.values.values().map(|v| v.0).fold(0.0, f64::max))
        .unwrap_or(0.0);
    let shapes: Vec<(&Grid, Vec<(f64, f64)>)> = grids
        .iter()
        .filter_map(|g| {
            validate_polygon(&g.geometry)
                .ok()
                .map(|(ring, _)| (g, ring))
        })
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
    // Equirectangular projection, corrected for latitude so shapes are not stretched.
    let kx = ((miny + maxy) / 2.0).to_radians().cos();
    let span_x = ((maxx - minx) * kx).max(1e-9);
    let scale = WIDTH / span_x;
    let height = ((maxy - miny) * scale).max(1.0);
    let px = |x: f64| (x - minx) * kx * scale;
    let py = |y: f64| (maxy - y) * scale;
    let townships: Vec<String> = {
        let mut v: Vec<String> = shapes
            .iter()
            .filter_map(|(g, _)| org.township_of(&g.village).map(|t| t.code.clone()))
            .collect();
        v.sort();
        v.dedup();
        v
    };
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg class="county-map" viewBox="-5 -5 {:.0} {:.0}" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="grid map">"#,
        WIDTH + 10.0,
        height + 10.0
    );
    let mut label_pos: BTreeMap<String, (f64, f64, usize)> = BTreeMap::new();
    for (g, ring) in &shapes {
        let t = org.township_of(&g.village);
        let idx = t
            .and_then(|t| townships.iter().position(|c| c == &t.code))
            .unwrap_or(0);
        let hue = (idx * 360 / townships.len().max(1) + 15) % 360;
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
        let special = g.kind == tiaokuai_core::org::GridKind::Special;
        let class = if highlight.contains(&g.code.as_str()) {
            "grid hl"
        } else if special {
            "grid special"
        } else {
            "grid"
        };
        if let Some(sh) = &shade {
            let code = t.map(|t| t.code.clone()).unwrap_or_default();
            let (v, text) = sh.values.get(&code).cloned().unwrap_or((0.0, "0".into()));
            let frac = if max > 0.0 { v / max } else { 0.0 };
            let _ = write!(
                out,
                r#"<a href="{href}"><path class="grid shaded" d="{d}" fill="hsl(205,65%,{light:.0}%)" data-township="{tc}"><title>{tn}：{text}</title></path></a>"#,
                href = html_escape(&(sh.href)(&code)),
                light = 94.0 - 58.0 * frac,
                tc = html_escape(&code),
                tn = html_escape(&t.map(|t| t.short_name.clone()).unwrap_or_default()),
                text = html_escape(&text),
            );
        } else {
            let _ = write!(
                out,
                r#"<a href="/org/grids/{code}"><path class="{class}" d="{d}" fill="hsl({hue},55%,{light}%)" data-code="{code}"><title>{name}</title></path></a>"#,
                code = html_escape(&g.code),
                name = html_escape(&g.name),
                light = if special { 62 } else { 80 },
            );
        }
        if let Some(t) = t {
            let n = ring.len().max(1) as f64;
            let (cx, cy) = ring
                .iter()
                .fold((0.0, 0.0), |(a, b), &(x, y)| (a + px(x) / n, b + py(y) / n));
            let e = label_pos
                .entry(t.short_name.clone())
                .or_insert((0.0, 0.0, 0));
            *e = (e.0 + cx, e.1 + cy, e.2 + 1);
        }
    }
    for (name, (sx, sy, n)) in label_pos {
        let n = n.max(1) as f64;
        let _ = write!(
            out,
            r#"<text class="township-label" x="{:.0}" y="{:.0}">{}</text>"#,
            sx / n,
            sy / n,
            html_escape(&name)
        );
    }
    out.push_str("</svg>");
    out
}
