//! A patrol's GPS track: checking the points a phone sends and cleaning a batch. Out-of-order
//! points are sorted, exact repeats dropped, points far outside the county's grids or outside
//! the patrol's time dropped with a count; a malformed point refuses the whole batch, naming
//! it (`points[3].lat`).

use crate::error::{FieldError, PatrolReason as P};
use crate::org::BBox;
use serde::{Deserialize, Serialize};

/// At most this many points in one batch.
pub const MAX_BATCH_POINTS: usize = 2000;

/// Points farther than this (degrees, about 50 km) outside the county's grids are dropped.
pub const FAR_MARGIN_DEG: f64 = 0.5;

/// Earliest plausible point time (2000-01-01).
const MIN_T_MS: i64 = 946_684_800_000;

/// One GPS fix: time (ms since the epoch), WGS84 longitude and latitude, accuracy (m).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub t: i64,
    pub lon: f64,
    pub lat: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acc: Option<f64>,
}

/// Points a batch lost in cleaning, by cause.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dropped {
    #[serde(default)]
    pub duplicates: u32,
    #[serde(default)]
    pub far: u32,
    #[serde(default)]
    pub out_of_time: u32,
}

impl Dropped {
    pub fn total(&self) -> u32 {
        self.duplicates + self.far + self.out_of_time
    }

    pub fn add(&mut self, o: &Dropped) {
        self.duplicates += o.duplicates;
        self.far += o.far;
        self.out_of_time += o.out_of_time;
    }
}

/// Problems with single points: each names the point's index and field.
pub fn malformed(points: &[Point]) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if points.is_empty() {
        errs.push(FieldError::new("", "points", P::NoPoints));
    }
    if points.len() > MAX_BATCH_POINTS {
        errs.push(FieldError::new(
            "",
            "points",
            P::TooManyPoints {
                max: MAX_BATCH_POINTS,
            },
        ));
        return errs;
    }
    for (i, p) in points.iter().enumerate() {
        if p.t < MIN_T_MS {
            errs.push(FieldError::new("", format!("points[{i}].t"), P::PointTime));
        }
        if !p.lat.is_finite() || !(-90.0..=90.0).contains(&p.lat) {
            errs.push(FieldError::new("", format!("points[{i}].lat"), P::Latitude));
        }
        if !p.lon.is_finite() || !(-180.0..=180.0).contains(&p.lon) {
            errs.push(FieldError::new(
                "",
                format!("points[{i}].lon"),
                P::Longitude,
            ));
        }
    }
    errs
}

fn far(p: &Point, area: Option<&BBox>) -> bool {
    area.is_some_and(|b| {
        p.lon < b.min_lon - FAR_MARGIN_DEG
            || p.lon > b.max_lon + FAR_MARGIN_DEG
            || p.lat < b.min_lat - FAR_MARGIN_DEG
            || p.lat > b.max_lat + FAR_MARGIN_DEG
    })
}

/// Cleans a batch that passed [`malformed`]: drops points outside `[from, until]` and far
/// outside `area`, sorts by time and keeps the first point of each millisecond.
pub fn clean(
    points: &[Point],
    from: i64,
    until: i64,
    area: Option<&BBox>,
) -> (Vec<Point>, Dropped) {
    let mut d = Dropped::default();
    let mut kept: Vec<Point> = Vec::with_capacity(points.len());
    for p in points {
        if p.t < from || p.t > until {
            d.out_of_time += 1;
        } else if far(p, area) {
            d.far += 1;
        } else {
            kept.push(*p);
        }
    }
    // Stable: of two points with the same time, the one sent first stays.
    kept.sort_by_key(|p| p.t);
    let before = kept.len();
    kept.dedup_by_key(|p| p.t);
    d.duplicates = (before - kept.len()) as u32;
    (kept, d)
}

/// Whether a cleaned batch is strictly in time order (what the log accepts).
pub fn is_clean(points: &[Point]) -> bool {
    points.windows(2).all(|w| w[0].t < w[1].t)
}

/// Great-circle distance in metres.
pub fn metres(a: &Point, b: &Point) -> f64 {
    let r = 6_371_000.0;
    let (la1, la2) = (a.lat.to_radians(), b.lat.to_radians());
    let dla = la2 - la1;
    let dlo = (b.lon - a.lon).to_radians();
    let h = (dla / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlo / 2.0).sin().powi(2);
    2.0 * r * h.sqrt().min(1.0).asin()
}

/// Length of a time-ordered track in metres.
pub fn length(points: &[Point]) -> f64 {
    points.windows(2).map(|w| metres(&w[0], &w[1])).sum()
}

/// The bounding box `[min_lon, min_lat, max_lon, max_lat]` of some points, grown from `prev`.
pub fn bbox(points: &[Point], prev: Option<[f64; 4]>) -> Option<[f64; 4]> {
    points.iter().fold(prev, |b, p| {
        Some(match b {
            Some([a, b, c, d]) => [a.min(p.lon), b.min(p.lat), c.max(p.lon), d.max(p.lat)],
            None => [p.lon, p.lat, p.lon, p.lat],
        })
    })
}
