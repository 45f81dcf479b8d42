//! Zones: the areas an agreement names, as the parties drew them.

use geo_types::{Coord, LineString, MultiLineString, MultiPolygon, Polygon};

/// A named zone of the agreement.
#[derive(Clone, Debug, PartialEq)]
pub struct Zone {
    /// Unique id, as rules and units refer to it.
    pub id: String,
    /// Human-readable name, if given.
    pub name: Option<String>,
    /// The zone's region.
    pub shape: Shape,
}

/// The region of a zone. Edges are straight in lon/lat (RFC 7946); distances are
/// geodesic on the WGS84 ellipsoid.
#[derive(Clone, Debug, PartialEq)]
pub enum Shape {
    /// Polygons (holes allowed), grown by `buffer_m`: every place inside a polygon or
    /// within `buffer_m` of its boundary. A point on the boundary (a hole's too) is inside.
    Area {
        /// The polygons; ring orientation does not matter.
        polygons: MultiPolygon<f64>,
        /// Growth in metres, 0 for the plain polygons.
        buffer_m: f64,
    },
    /// A circle: every place within `radius_m` of `centre`.
    Circle {
        /// The centre, lon/lat degrees.
        centre: Coord<f64>,
        /// Radius in metres.
        radius_m: f64,
    },
    /// A band: every place within `buffer_m` of the lines.
    Band {
        /// The lines, lon/lat degrees.
        lines: MultiLineString<f64>,
        /// Half-width in metres.
        buffer_m: f64,
    },
}

impl Shape {
    /// The distance, in metres, by which the shape's skeleton (polygon boundary, centre,
    /// lines) is grown.
    pub fn distance_m(&self) -> f64 {
        match self {
            Shape::Area { buffer_m, .. } | Shape::Band { buffer_m, .. } => *buffer_m,
            Shape::Circle { radius_m, .. } => *radius_m,
        }
    }
}

/// Where in a zone's geometry a problem lies. Displayed as `part 0, hole 1, position 3: `
/// (with its trailing separator), or as nothing when it names no place.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct GeometryPath {
    /// Polygon (or line) index within a multi-geometry.
    pub part: Option<usize>,
    /// Ring index within a polygon: 0 the exterior, 1.. the holes.
    pub ring: Option<usize>,
    /// Position index within the ring or line.
    pub vertex: Option<usize>,
}

impl std::fmt::Display for GeometryPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut sep = "";
        if let Some(p) = self.part {
            write!(f, "part {p}")?;
            sep = ", ";
        }
        if let Some(r) = self.ring {
            let what = if r == 0 {
                "exterior ring".to_string()
            } else {
                format!("hole {r}")
            };
            write!(f, "{sep}{what}")?;
            sep = ", ";
        }
        if let Some(v) = self.vertex {
            write!(f, "{sep}position {v}")?;
            sep = ", ";
        }
        // The path ends with its own separator, so an empty path leaves no stray ": ".
        if sep.is_empty() {
            Ok(())
        } else {
            f.write_str(": ")
        }
    }
}

/// A problem with a zone's geometry or distances.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ZoneProblem {
    /// A coordinate is NaN or infinite.
    #[error("{at}coordinate is not a finite number ({value})")]
    NonFiniteCoordinate {
        /// Where.
        at: GeometryPath,
        /// The offending value.
        value: f64,
    },
    /// Longitude outside [-180, 180] or latitude outside [-90, 90].
    #[error(
        "{at}coordinate out of range (lon {lon}, lat {lat}); longitude must be in [-180, 180] and latitude in [-90, 90] (is the order lon, lat?)"
    )]
    CoordinateOutOfRange {
        /// Where.
        at: GeometryPath,
        /// Longitude.
        lon: f64,
        /// Latitude.
        lat: f64,
    },
    /// A polygon ring whose last position differs from its first.
    #[error("{at}ring is not closed (last position differs from the first)")]
    UnclosedRing {
        /// Where (ring).
        at: GeometryPath,
    },
    /// A ring of fewer than 4 positions.
    #[error("{at}ring has {count} positions; a closed ring needs at least 4")]
    RingTooShort {
        /// Where (ring).
        at: GeometryPath,
        /// How many it has.
        count: usize,
    },
    /// A ring with no area (all positions on one line).
    #[error("{at}ring has no area (its positions are collinear or repeated)")]
    DegenerateRing {
        /// Where (ring).
        at: GeometryPath,
    },
    /// Two edges of a ring cross or overlap, or two rings of a polygon cross.
    #[error("{at}ring intersects itself or another ring of the polygon near lon {lon}, lat {lat}")]
    SelfIntersection {
        /// Where (ring, and the position starting one of the edges).
        at: GeometryPath,
        /// Longitude near the intersection.
        lon: f64,
        /// Latitude near the intersection.
        lat: f64,
    },
    /// A hole that lies outside its polygon's exterior ring.
    #[error("{at}hole lies outside the polygon's exterior ring")]
    HoleOutsideShell {
        /// Where (ring).
        at: GeometryPath,
    },
    /// A line of fewer than 2 positions.
    #[error("{at}line has {count} positions; it needs at least 2")]
    LineTooShort {
        /// Where (line).
        at: GeometryPath,
        /// How many it has.
        count: usize,
    },
    /// A geometry with no parts at all.
    #[error("geometry is empty")]
    Empty,
    /// A negative (or non-finite) radius, buffer or margin.
    #[error("{field} must be a finite number ≥ 0, not {value}")]
    BadDistance {
        /// Which field (`radius_m`, `buffer_m`).
        field: &'static str,
        /// The value given.
        value: f64,
    },
}

/// A zone that [`Zone::validated`] found valid: an
/// [`Agreement::from_valid_zones`](crate::Agreement::from_valid_zones) is made of such
/// zones without checking their geometry again (on a large zones file, checking twice
/// cost ~0.1 s).
#[derive(Clone, Debug, PartialEq)]
pub struct ValidZone(Zone);

impl ValidZone {
    /// The zone.
    pub fn zone(&self) -> &Zone {
        &self.0
    }

    /// The zone, owned.
    pub fn into_zone(self) -> Zone {
        self.0
    }
}

impl Zone {
    /// Checks the zone's geometry and distances, returning every problem found.
    ///
    /// Checked: finite coordinates in range; rings closed, of at least 4 positions, with
    /// area, not crossing themselves or each other; holes inside their exterior ring; lines
    /// of at least 2 positions; distances finite and ≥ 0. Rings that only touch at a point
    /// are allowed.
    pub fn problems(&self) -> Vec<ZoneProblem> {
        crate::zone_validation::problems(&self.shape)
    }

    /// The zone as a [`ValidZone`] when [`problems`](Self::problems) finds none; else the
    /// zone back, with its problems.
    pub fn validated(self) -> Result<ValidZone, (Zone, Vec<ZoneProblem>)> {
        let problems = self.problems();
        if problems.is_empty() {
            Ok(ValidZone(self))
        } else {
            Err((self, problems))
        }
    }

    /// The zone's bounding box in lon/lat, before growing by its distance.
    pub fn skeleton_bounds(&self) -> Option<(Coord<f64>, Coord<f64>)> {
        let mut it: Box<dyn Iterator<Item = Coord<f64>>> = match &self.shape {
            Shape::Area { polygons, .. } => Box::new(polygons.iter().flat_map(polygon_coords)),
            Shape::Circle { centre, .. } => Box::new(std::iter::once(*centre)),
            Shape::Band { lines, .. } => Box::new(lines.iter().flat_map(|l| l.0.iter().copied())),
        };
        let first = it.next()?;
        Some(it.fold((first, first), |(lo, hi), c| {
            (
                Coord {
                    x: lo.x.min(c.x),
                    y: lo.y.min(c.y),
                },
                Coord {
                    x: hi.x.max(c.x),
                    y: hi.y.max(c.y),
                },
            )
        }))
    }
}

fn polygon_coords(p: &Polygon<f64>) -> impl Iterator<Item = Coord<f64>> + '_ {
    std::iter::once(p.exterior())
        .chain(p.interiors())
        .flat_map(|r: &LineString<f64>| r.0.iter().copied())
}
