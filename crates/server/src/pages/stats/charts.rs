//! Server-rendered SVG charts: horizontal bars and a line, with axis labels, the numbers as
//! `<title>` tooltips, and every bar or point a link to the events behind it.

use crate::error::html_escape as esc;
use std::fmt::Write;

/// One bar: its label, value (for the length), the text shown, where it links, and a colour
/// class (`g1` best … `g4` worst, or `plain`).
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub text: String,
    pub href: String,
    pub class: &'static str,
}

/// One point of a line: the x label, the value (None: no data), the text and its link.
pub struct Point {
    pub label: String,
    pub value: Option<f64>,
    pub text: String,
    pub href: String,
}

/// The graded colour class of a rate (0..1): ≥95% g1, ≥85% g2, ≥70% g3, else g4.
pub fn grade(rate: f64) -> &'static str {
    if rate >= 0.95 {
        "g1"
    } else if rate >= 0.85 {
        "g2"
    } else if rate >= 0.70 {
        "g3"
    } else {
        "g4"
    }
}

/// Round axis maximum: 1, 2 or 5 times a power of ten, at least `max`.
fn nice(max: f64) -> f64 {
    if max <= 0.0 || !max.is_finite() {
        return 1.0;
    }
    let p = 10f64.powf(max.log10().floor());
    for k in [1.0, 2.0, 5.0, 10.0] {
        if k * p >= max - 1e-9 {
            return k * p;
        }
    }
    10.0 * p
}

fn tick(v: f64, percent: bool) -> String {
    if percent {
        format!("{:.0}%", v * 100.0)
    } else if v.fract().abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// Horizontal bars, one per row, longest first as given; `percent` for rates (axis 0–100%).
pub fn bar_chart(id: &str, bars: &[Bar], percent: bool) -> String {
    const LABEL: f64 = 150.0;
    const PLOT: f64 = 420.0;
    const ROW: f64 = 24.0;
    let max = if percent {
        1.0
    } else {
        nice(bars.iter().map(|b| b.value).fold(0.0, f64::max))
    };
    let h = ROW * bars.len() as f64 + 30.0;
    let w = LABEL + PLOT + 70.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart bar-chart" id="{id}" viewBox="0 0 {w:.0} {h:.0}" xmlns="http://www.w3.org/2000/svg" role="img">"#
    );
    for i in 0..=4 {
        let v = max * f64::from(i) / 4.0;
        let x = LABEL + PLOT * f64::from(i) / 4.0;
        let _ = write!(
            s,
            r#"<line class="axis" x1="{x:.1}" y1="4" x2="{x:.1}" y2="{:.1}"/><text class="tick" x="{x:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            h - 22.0,
            h - 8.0,
            tick(v, percent)
        );
    }
    for (i, b) in bars.iter().enumerate() {
        let y = 6.0 + ROW * i as f64;
        let len = (b.value / max).clamp(0.0, 1.0) * PLOT;
        let _ = write!(
            s,
            r#"<a class="bar-link" href="{href}"><text class="label" x="{lx:.1}" y="{ty:.1}" text-anchor="end">{label}</text><rect class="bar {class}" x="{LABEL:.1}" y="{y:.1}" width="{len:.1}" height="{bh:.1}"><title>{label}：{text}</title></rect><text class="value" x="{vx:.1}" y="{ty:.1}">{text}</text></a>"#,
            href = esc(&b.href),
            lx = LABEL - 6.0,
            ty = y + ROW * 0.55,
            label = esc(&b.label),
            class = b.class,
            bh = ROW - 6.0,
            text = esc(&b.text),
            vx = LABEL + len + 4.0,
        );
    }
    s.push_str("</svg>");
    s
}

/// A line over the points (gaps where there is no data), y axis from 0.
pub fn line_chart(id: &str, points: &[Point], percent: bool) -> String {
    const LEFT: f64 = 50.0;
    const PLOT_W: f64 = 640.0;
    const TOP: f64 = 10.0;
    const PLOT_H: f64 = 180.0;
    let max = if percent {
        1.0
    } else {
        nice(points.iter().filter_map(|p| p.value).fold(0.0, f64::max))
    };
    let n = points.len().max(1);
    let step = PLOT_W / n as f64;
    let x = |i: usize| LEFT + step * (i as f64 + 0.5);
    let y = |v: f64| TOP + PLOT_H - (v / max).clamp(0.0, 1.0) * PLOT_H;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart line-chart" id="{id}" viewBox="0 0 {:.0} {:.0}" xmlns="http://www.w3.org/2000/svg" role="img">"#,
        LEFT + PLOT_W + 10.0,
        TOP + PLOT_H + 40.0
    );
    for i in 0..=4 {
        let v = max * f64::from(i) / 4.0;
        let _ = write!(
            s,
            r#"<line class="axis" x1="{LEFT}" y1="{yy:.1}" x2="{:.1}" y2="{yy:.1}"/><text class="tick" x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            LEFT + PLOT_W,
            LEFT - 6.0,
            y(v) + 4.0,
            tick(v, percent),
            yy = y(v),
        );
    }
    let mut path = String::new();
    let mut pen = false;
    for (i, p) in points.iter().enumerate() {
        match p.value {
            Some(v) => {
                let _ = write!(
                    path,
                    "{}{:.1},{:.1}",
                    if pen { "L" } else { "M" },
                    x(i),
                    y(v)
                );
                pen = true;
            }
            None => pen = false,
        }
    }
    let _ = write!(s, r#"<path class="line" d="{path}"/>"#);
    for (i, p) in points.iter().enumerate() {
        let _ = write!(
            s,
            r#"<text class="tick" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            x(i),
            TOP + PLOT_H + 18.0,
            esc(&p.label)
        );
        if let Some(v) = p.value {
            let _ = write!(
                s,
                r#"<a class="point-link" href="{}"><circle class="point" cx="{:.1}" cy="{:.1}" r="5"><title>{}：{}</title></circle></a>"#,
                esc(&p.href),
                x(i),
                y(v),
                esc(&p.label),
                esc(&p.text)
            );
        }
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_and_lines_carry_links_and_numbers() {
        let bars = vec![Bar {
            label: "青山镇<".into(),
            value: 3.0,
            text: "3".into(),
            href: "/stats/events?a=1&b=2".into(),
            class: "plain",
        }];
        let svg = bar_chart("b", &bars, false);
        assert!(svg.contains("青山镇&lt;"));
        assert!(svg.contains("href=\"/stats/events?a=1&amp;b=2\""));
        assert!(svg.contains("<title>青山镇&lt;：3</title>"));
        let pts = vec![
            Point {
                label: "2026-10".into(),
                value: None,
                text: "—".into(),
                href: "/x".into(),
            },
            Point {
                label: "2026-11".into(),
                value: Some(0.5),
                text: "50.00%".into(),
                href: "/y".into(),
            },
        ];
        let svg = line_chart("l", &pts, true);
        assert_eq!(svg.matches("<circle").count(), 1);
        assert!(svg.contains("100%"));
        assert_eq!(nice(7.0), 10.0);
        assert_eq!(nice(12.0), 20.0);
    }
}
