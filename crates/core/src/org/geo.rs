//! Grid geometry checks. Grids arrive as GeoJSON from imports; bad polygons must be named, not
//! stored.

use geojson::{Geometry, GeometryValue};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BBox {
    pub min_lon: f64,
    pub min_lat: f64,
    pub max_lon: f64,
    pub max_lat: f64,
}

impl BBox {
    pub fn union(self, o: BBox) -> BBox {
        BBox {
            min_lon: self.min_lon.min(o.min_lon),
            min_lat: self.min_lat.min(o.min_lat),
            max_lon: self.max_lon.max(o.max_lon),
            max_lat: self.max_lat.max(o.max_lat),
        }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GeoError {
    #[error("not valid GeoJSON: {0}")]
    Parse(String),
    #[error("geometry must be a Polygon, found {0}")]
    NotPolygon(String),
    #[error("polygon ring {0} has fewer than 4 positions")]
    TooFewPoints(usize),
    #[error("polygon ring {0} is not closed (first and last positions differ)")]
    NotClosed(usize),
    #[error("position {0:?} is outside longitude/latitude range")]
    OutOfRange(Vec<f64>),
}

/// Parses a GeoJSON Polygon (a bare geometry or a Feature), checks rings, returns the outer
/// ring as (lon, lat) pairs and its bounding box.
pub fn validate_polygon(text: &str) -> Result<(Vec<(f64, f64)>, BBox), GeoError> {
    let gj: geojson::GeoJson = text
        .parse()
        .map_err(|e: geojson::Error| GeoError::Parse(e.to_string()))?;
    let geom: Geometry = match gj {
        geojson::GeoJson::Geometry(g) => g,
        geojson::GeoJson::Feature(f) => f
            .geometry
            .ok_or_else(|| GeoError::NotPolygon("a Feature without geometry".into()))?,
        geojson::GeoJson::FeatureCollection(_) => {
            return Err(GeoError::NotPolygon("FeatureCollection".into()))
        }
    };
    let rings = match geom.value {
        GeometryValue::Polygon { coordinates } => coordinates,
        other => return Err(GeoError::NotPolygon(other.type_name().to_string())),
    };
    if rings.is_empty() {
        return Err(GeoError::TooFewPoints(0));
    }
    let mut bbox = BBox {
        min_lon: f64::MAX,
        min_lat: f64::MAX,
        max_lon: f64::MIN,
        max_lat: f64::MIN,
    };
    for (i, ring) in rings.iter().enumerate() {
        if ring.len() < 4 {
            return Err(GeoError::TooFewPoints(i));
        }
        if ring.first() != ring.last() {
            return Err(GeoError::NotClosed(i));
        }
        for p in ring {
            let p = p.as_slice();
            let (Some(&lon), Some(&lat)) = (p.first(), p.get(1)) else {
                return Err(GeoError::OutOfRange(p.to_vec()));
            };
            if !(-180.0..=180.0).contains(&lon)
                || !(-90.0..=90.0).contains(&lat)
                || !lon.is_finite()
                || !lat.is_finite()
            {
                return Err(GeoError::OutOfRange(p.to_vec()));
            }
            bbox = bbox.union(BBox {
                min_lon: lon,
                min_lat: lat,
                max_lon: lon,
                max_lat: lat,
            });
        }
    }
    let outer = rings
        .first()
        .map(|r| {
            r.iter()
                .filter_map(|p| Some((*p.as_slice().first()?, *p.as_slice().get(1)?)))
                .collect()
        })
        .unwrap_or_default();
    Ok((outer, bbox))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_a_closed_polygon_and_rejects_bad_ones() {
        let ok =
            r#"{"type":"Polygon","coordinates":[[[117,36],[117.1,36],[117.1,36.1],[117,36]]]}"#;
        let (ring, bbox) = validate_polygon(ok).unwrap();
        assert_eq!(ring.len(), 4);
        assert_eq!(bbox.max_lon, 117.1);
        let open =
            r#"{"type":"Polygon","coordinates":[[[117,36],[117.1,36],[117.1,36.1],[117,36.2]]]}"#;
        assert_eq!(validate_polygon(open), Err(GeoError::NotClosed(0)));
        assert!(matches!(
            validate_polygon("{not json"),
            Err(GeoError::Parse(_))
        ));
        assert!(matches!(
            validate_polygon(r#"{"type":"Point","coordinates":[1,2]}"#),
            Err(GeoError::NotPolygon(_))
        ));
        let far =
            r#"{"type":"Polygon","coordinates":[[[217,36],[117.1,36],[117.1,36.1],[217,36]]]}"#;
        assert!(matches!(
            validate_polygon(far),
            Err(GeoError::OutOfRange(_))
        ));
    }
}
