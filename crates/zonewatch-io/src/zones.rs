//! Zones from a GeoJSON FeatureCollection (RFC 7946).
//!
//! Each feature is read on its own, so every problem in the file is reported, each with
//! the feature's index and id, the field, and — for JSON-level problems — the line and
//! column in the whole file.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;
use serde::Deserialize;
use serde_json::value::RawValue;
use zonewatch_core::{GeometryPath, Shape, ValidZone, Zone, ZoneProblem};

use crate::error::{ErrorKind, InputError, InputErrors, Location, all_or_errors};
use crate::text_position::{json_error_message, json_error_position, strip_bom};
use crate::zone_geometry::{
    GeometryType, RawGeometry, to_multi_line_string, to_multi_polygon, unclosed_rings,
};
use split::split_collection;

/// Reads zones from a GeoJSON FeatureCollection.
///
/// Each feature needs an id (the Feature's `id`, a string or a number, else
/// `properties.id`), may have `properties.name`, and one of these geometries:
/// `Polygon` / `MultiPolygon` (optionally grown by `properties.buffer_m`), `Point` with
/// `properties.radius_m` (a circle), `LineString` / `MultiLineString` with
/// `properties.buffer_m` (a band). Positions may carry an altitude, which is ignored.
///
/// # Errors
/// Every problem in the file, each located by feature index and id and by field: JSON
/// syntax (with line and column), missing or duplicate ids, unsupported or null
/// geometries, missing distances, unclosed rings, and every problem
/// [`Zone::problems`] finds.
///
/// # Example
/// ```
/// let text = r#"{"type": "FeatureCollection", "features": [
///   {"type": "Feature", "id": "camp", "properties": {"radius_m": 3000},
///    "geometry": {"type": "Point", "coordinates": [16.6117, 31.0606]}}]}"#;
/// let zones = zonewatch_io::read_zones(text, "zones.geojson").unwrap();
/// assert_eq!(zones[0].id, "camp");
/// ```
pub fn read_zones(text: &str, source: &str) -> Result<Vec<Zone>, InputErrors> {
    let parsed = parse_zones(text, source);
    all_or_errors(
        parsed
            .zones
            .into_iter()
            .map(|z| z.zone.into_zone())
            .collect(),
        parsed.errors,
    )
}

/// A zone (validated as it was read) and the feature it came from.
pub(crate) struct LocatedZone {
    pub(crate) zone: ValidZone,
    pub(crate) index: usize,
}

/// What reading a zones file gave: the good zones, the ids of zones that exist but are
/// broken (so references to them are not also reported as unknown), and the problems.
pub(crate) struct ParsedZones {
    pub(crate) zones: Vec<LocatedZone>,
    pub(crate) broken_ids: HashSet<String>,
    pub(crate) errors: Vec<InputError>,
}

#[derive(Deserialize)]
struct CollectionIn<'a> {
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(borrow, default)]
    features: Option<Vec<&'a RawValue>>,
}

/// A collection's `type` and features, however they were found.
struct Collection<'a> {
    kind: Option<String>,
    features: Option<Vec<FeatureText<'a>>>,
}

/// A feature of the collection: well-formed JSON, or already read as a Feature object.
enum FeatureText<'a> {
    Raw(&'a RawValue),
    Object(FeatureIn<'a>),
}

impl<'a> CollectionIn<'a> {
    fn into_features(self) -> Collection<'a> {
        Collection {
            kind: self.kind,
            features: self
                .features
                .map(|f| f.into_iter().map(FeatureText::Raw).collect()),
        }
    }
}

#[derive(Deserialize)]
struct FeatureIn<'a> {
    #[serde(rename = "type", borrow, default)]
    kind: Option<&'a RawValue>,
    #[serde(borrow, default)]
    id: Option<&'a RawValue>,
    #[serde(borrow, default)]
    properties: Option<&'a RawValue>,
    #[serde(borrow, default)]
    geometry: Option<&'a RawValue>,
}

#[derive(Deserialize, Default)]
struct PropertiesIn<'a> {
    #[serde(borrow, default)]
    id: Option<&'a RawValue>,
    #[serde(borrow, default)]
    name: Option<&'a RawValue>,
    #[serde(borrow, default)]
    radius_m: Option<&'a RawValue>,
    #[serde(borrow, default)]
    buffer_m: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct GeometryIn<'a> {
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(borrow, default)]
    coordinates: Option<&'a RawValue>,
}

pub(crate) fn parse_zones(text: &str, source: &str) -> ParsedZones {
    parse_zones_with(text, source, true)
}

/// [`parse_zones`], splitting the features by a byte scan first when `split` (tests read
/// files both ways).
fn parse_zones_with(text: &str, source: &str, split: bool) -> ParsedZones {
    let text = strip_bom(text);
    let mut out = ParsedZones {
        zones: Vec::new(),
        broken_ids: HashSet::new(),
        errors: Vec::new(),
    };
    // A well-formed collection is split into its features by a byte scan and each
    // feature checked by serde on every core (`split`); failing that, one serde pass over
    // it. Anything else is read again the careful way, for its exact error (a syntax
    // error's line, a value that is no object); that way ends in this same parse of the
    // same text, so what parses here is what it would give. Only `{` is tried: serde
    // reads a struct from an array too, which the careful way refuses.
    let direct = split.then(|| split_features(text)).flatten();
    let direct = direct.or_else(|| match text.trim_start().as_bytes().first() {
        Some(b'{') => serde_json::from_str::<CollectionIn>(text)
            .ok()
            .map(CollectionIn::into_features),
        _ => None,
    });
    let collection = if let Some(c) = direct {
        c
    } else {
        match serde_json::from_str::<&RawValue>(text) {
            Ok(raw) if json_type(raw) != "an object" => {
                let found = json_type(raw);
                let message = format!("expected a GeoJSON FeatureCollection object, found {found}");
                out.errors
                    .push(InputError::invalid(source, Location::None, None, message));
                return out;
            }
            Ok(raw) => match serde_json::from_str::<CollectionIn>(raw.get()) {
                Ok(c) => c.into_features(),
                Err(e) => {
                    let message = format!(
                        "not a GeoJSON FeatureCollection: {}",
                        json_error_message(&e)
                    );
                    out.errors.push(InputError::invalid(
                        source,
                        Location::None,
                        Some("features"),
                        message,
                    ));
                    return out;
                }
            },
            Err(e) => {
                let message = json_error_message(&e);
                let kind = match e.classify() {
                    serde_json::error::Category::Eof => {
                        ErrorKind::Syntax(format!("{message} (is the file truncated?)"))
                    }
                    _ => ErrorKind::Syntax(message),
                };
                let location = Location::LineColumn(e.line() as u64, (e.column() as u64).max(1));
                out.errors
                    .push(InputError::new(source, location, None, kind));
                return out;
            }
        }
    };
    if collection.kind.as_deref() != Some("FeatureCollection") {
        let found = collection
            .kind
            .map_or("no type".to_string(), |k| format!("type {k:?}"));
        out.errors.push(InputError::invalid(
            source,
            Location::None,
            Some("type"),
            format!("expected a GeoJSON FeatureCollection, found {found}"),
        ));
        return out;
    }
    let Some(features) = collection.features else {
        out.errors.push(InputError::new(
            source,
            Location::None,
            Some("features"),
            ErrorKind::Missing,
        ));
        return out;
    };
    // Features are read (parsed and validated) independently, in parallel — the big
    // zones' coordinates and validation are most of the load — then merged in feature
    // order, so that zones and errors come out exactly as from one serial pass.
    let read: Vec<(Option<ValidZone>, Option<String>, Vec<InputError>)> = features
        .into_par_iter()
        .enumerate()
        .map(|(index, f)| {
            let mut errors = Vec::new();
            let mut feature = FeatureReader {
                text,
                source,
                index,
                id: None,
                errors: &mut errors,
            };
            let zone = match f {
                FeatureText::Raw(raw) => feature.read(raw),
                FeatureText::Object(f) => feature.read_feature(f),
            };
            let id = feature.id;
            (zone, id, errors)
        })
        .collect();
    let mut first_by_id: HashMap<String, usize> = HashMap::new();
    for (index, (zone, id, errors)) in read.into_iter().enumerate() {
        out.errors.extend(errors);
        let Some(id) = id else { continue };
        if let Some(&first) = first_by_id.get(&id) {
            let e = ErrorKind::DuplicateId {
                id: id.clone(),
                first: format!("feature {first}"),
            };
            out.errors.push(InputError::new(
                source,
                feature_at(index, Some(&id)),
                Some("id"),
                e,
            ));
            continue;
        }
        first_by_id.insert(id.clone(), index);
        match zone {
            Some(zone) => out.zones.push(LocatedZone { zone, index }),
            None => {
                out.broken_ids.insert(id);
            }
        }
    }
    out
}

/// The collection as serde's one pass would read it, from [`split_collection`] and serde's
/// check of each member and feature (in parallel); `None` when either is unsure or fails.
/// A feature that serde reads as a Feature object is kept so: a successful typed read
/// checks every byte of it (members as raw values, others ignored, both checked), so it
/// is well-formed JSON; any other is checked as a raw value.
fn split_features(text: &str) -> Option<Collection<'_>> {
    let split = split_collection(text)?;
    let kind = split.check()?;
    let features = match split.features {
        None => None,
        Some(features) => Some(
            features
                .par_iter()
                .map(|&f| match serde_json::from_str::<FeatureIn>(f) {
                    Ok(feature) if f.starts_with('{') => Some(FeatureText::Object(feature)),
                    _ => serde_json::from_str::<&RawValue>(f)
                        .ok()
                        .map(FeatureText::Raw),
                })
                .collect::<Option<Vec<_>>>()?,
        ),
    };
    Some(Collection { kind, features })
}

fn feature_at(index: usize, id: Option<&str>) -> Location {
    Location::Feature {
        index,
        id: id.map(str::to_string),
    }
}

/// Reads one feature, recording its problems.
struct FeatureReader<'t, 'e> {
    text: &'t str,
    source: &'t str,
    index: usize,
    id: Option<String>,
    errors: &'e mut Vec<InputError>,
}

impl FeatureReader<'_, '_> {
    fn error(&mut self, field: &str, kind: ErrorKind) {
        let at = feature_at(self.index, self.id.as_deref());
        self.errors
            .push(InputError::new(self.source, at, Some(field), kind));
    }

    fn invalid(&mut self, field: &str, message: impl Into<String>) {
        self.error(field, ErrorKind::Invalid(message.into()));
    }

    /// A JSON error while parsing `raw` (a slice of the whole text), placed in the file.
    fn json_error(&mut self, field: &str, raw: &str, e: &serde_json::Error) {
        let (line, column) = json_error_position(self.text, raw, e);
        self.invalid(
            field,
            format!("{} (line {line}, column {column})", json_error_message(e)),
        );
    }

    /// The zone, or `None` when the feature has problems (all recorded).
    fn read(&mut self, raw: &RawValue) -> Option<ValidZone> {
        // (serde would also take an array for a struct: check for objects first.)
        let feature: FeatureIn = match object(raw).map(|raw| serde_json::from_str(raw.get())) {
            Some(Ok(f)) => f,
            Some(Err(e)) => {
                self.invalid("feature", json_error_message(&e));
                return None;
            }
            None => {
                self.invalid(
                    "feature",
                    format!(
                        "expected a GeoJSON Feature object, found {}",
                        json_type(raw)
                    ),
                );
                return None;
            }
        };
        self.read_feature(feature)
    }

    /// [`read`](Self::read) of a feature read as a Feature object.
    fn read_feature(&mut self, feature: FeatureIn) -> Option<ValidZone> {
        let properties = match feature.properties {
            None => PropertiesIn::default(),
            Some(p) => match object(p).map(|p| serde_json::from_str::<PropertiesIn>(p.get())) {
                Some(Ok(p)) => p,
                Some(Err(e)) => {
                    self.id = feature.id.and_then(|id| id_text(id).ok());
                    self.invalid("properties", json_error_message(&e));
                    return None;
                }
                None => {
                    self.id = feature.id.and_then(|id| id_text(id).ok());
                    self.invalid(
                        "properties",
                        format!("expected an object, found {}", json_type(p)),
                    );
                    return None;
                }
            },
        };
        let ok_before = self.errors.len();
        // The id first, so every later message names it.
        let id = match (feature.id, properties.id) {
            (Some(raw), _) => self.id_from(raw, "id"),
            (None, Some(raw)) => self.id_from(raw, "properties.id"),
            (None, None) => {
                self.invalid(
                    "id",
                    "missing: give the Feature an \"id\" or set properties.id",
                );
                None
            }
        };
        self.id = id.clone();
        if let Some(kind) = feature.kind {
            if serde_json::from_str::<&str>(kind.get()).ok() != Some("Feature") {
                self.invalid(
                    "type",
                    format!("expected \"Feature\", found {}", kind.get()),
                );
            }
        }
        let name = match properties.name {
            None => None,
            Some(raw) => match serde_json::from_str::<String>(raw.get()) {
                Ok(n) => Some(n),
                Err(_) => {
                    self.invalid(
                        "properties.name",
                        format!("expected a string, found {}", json_type(raw)),
                    );
                    None
                }
            },
        };
        let given = |raw: Option<&RawValue>| raw.is_some_and(|r| json_type(r) != "null");
        let distances = Distances {
            radius_given: given(properties.radius_m),
            buffer_given: given(properties.buffer_m),
            radius_m: properties
                .radius_m
                .and_then(|r| self.number(r, "properties.radius_m")),
            buffer_m: properties
                .buffer_m
                .and_then(|b| self.number(b, "properties.buffer_m")),
        };
        let (shape, unclosed) = self.shape(feature.geometry, distances)?;
        // Geometry problems are worth reporting even when the id is missing.
        let zone = Zone {
            id: id.unwrap_or_default(),
            name,
            shape,
        };
        for path in &unclosed {
            self.error(
                "geometry",
                ErrorKind::Zone(ZoneProblem::UnclosedRing { at: *path }),
            );
        }
        let (zone, problems) = match zone.validated() {
            Ok(valid) => (Some(valid), Vec::new()),
            Err((_, problems)) => (None, problems),
        };
        for problem in problems {
            let field = if matches!(problem, ZoneProblem::BadDistance { .. }) {
                "properties"
            } else {
                "geometry"
            };
            let problem = match problem {
                // geo_types added the closing position: count the ring as written.
                ZoneProblem::RingTooShort { at, count } if unclosed.contains(&at) => {
                    ZoneProblem::RingTooShort {
                        at,
                        count: count - 1,
                    }
                }
                p => p,
            };
            self.error(field, ErrorKind::Zone(problem));
        }
        zone.filter(|_| self.errors.len() == ok_before)
    }

    fn id_from(&mut self, raw: &RawValue, field: &str) -> Option<String> {
        match id_text(raw) {
            Ok(id) if id.is_empty() => {
                self.invalid(field, "is empty");
                None
            }
            Ok(id) => Some(id),
            Err(found) => {
                self.invalid(
                    field,
                    format!("expected a string or a number, found {found}"),
                );
                None
            }
        }
    }

    fn number(&mut self, raw: &RawValue, field: &str) -> Option<f64> {
        if json_type(raw) == "null" {
            return None;
        }
        match serde_json::from_str::<f64>(raw.get()) {
            Ok(v) if json_type(raw) == "a number" => Some(v),
            _ => {
                self.invalid(
                    field,
                    format!("expected a number of metres, found {}", describe(raw)),
                );
                None
            }
        }
    }

    /// The shape and its unclosed rings, or `None` after recording why not.
    fn shape(
        &mut self,
        geometry: Option<&RawValue>,
        d: Distances,
    ) -> Option<(Shape, Vec<GeometryPath>)> {
        let Some(raw) = geometry else {
            self.invalid("geometry", "is null or missing");
            return None;
        };
        let g: GeometryIn = match object(raw).map(|raw| serde_json::from_str(raw.get())) {
            Some(Ok(g)) => g,
            Some(Err(e)) => {
                self.invalid("geometry", json_error_message(&e));
                return None;
            }
            None => {
                self.invalid(
                    "geometry",
                    format!(
                        "expected a GeoJSON geometry object, found {}",
                        json_type(raw)
                    ),
                );
                return None;
            }
        };
        let Some(kind_name) = g.kind else {
            self.error("geometry.type", ErrorKind::Missing);
            return None;
        };
        let Some(kind) = GeometryType::from_name(&kind_name) else {
            self.error("geometry", ErrorKind::UnsupportedGeometry(kind_name));
            return None;
        };
        let Some(coordinates) = g.coordinates else {
            self.error("geometry.coordinates", ErrorKind::Missing);
            return None;
        };
        let raw_geometry = match RawGeometry::parse(kind, coordinates.get()) {
            Ok(r) => Some(r),
            Err(e) => {
                self.json_error("geometry.coordinates", coordinates.get(), &e);
                None
            }
        };
        match kind {
            GeometryType::Point if !d.radius_given => {
                self.invalid(
                    "properties",
                    "Point needs properties.radius_m (a circle's radius in metres)",
                );
            }
            GeometryType::Point if d.buffer_given => {
                self.invalid(
                    "properties.buffer_m",
                    "does not apply to a Point (its radius is radius_m)",
                );
            }
            GeometryType::LineString | GeometryType::MultiLineString if !d.buffer_given => {
                let message = format!(
                    "{} needs properties.buffer_m (the band's half-width in metres)",
                    kind.name()
                );
                self.invalid("properties", message);
            }
            GeometryType::Point => {}
            _ if d.radius_given => {
                let message = format!(
                    "radius_m applies only to a Point; a {} is grown by buffer_m",
                    kind.name()
                );
                self.invalid("properties.radius_m", message);
            }
            _ => {}
        }
        Some(match raw_geometry? {
            RawGeometry::Point(centre) => (
                Shape::Circle {
                    centre,
                    radius_m: d.radius_m?,
                },
                Vec::new(),
            ),
            RawGeometry::Lines(lines) => (
                Shape::Band {
                    lines: to_multi_line_string(lines),
                    buffer_m: d.buffer_m?,
                },
                Vec::new(),
            ),
            RawGeometry::Polygons(polygons) => {
                let unclosed = unclosed_rings(&polygons);
                let shape = Shape::Area {
                    polygons: to_multi_polygon(polygons),
                    buffer_m: d.buffer_m.unwrap_or(0.0),
                };
                (shape, unclosed)
            }
        })
    }
}

/// The distances a feature's properties give.
#[derive(Clone, Copy)]
struct Distances {
    /// `radius_m` is present and not null (even if it is not a number).
    radius_given: bool,
    /// `buffer_m` is present and not null.
    buffer_given: bool,
    radius_m: Option<f64>,
    buffer_m: Option<f64>,
}

/// An id as text: a string as is, a number as written.
fn id_text(raw: &RawValue) -> Result<String, &'static str> {
    match json_type(raw) {
        "a string" => serde_json::from_str(raw.get()).map_err(|_| "a string"),
        "a number" => Ok(raw.get().to_string()),
        other => Err(other),
    }
}

/// `raw` if it is a JSON object.
fn object(raw: &RawValue) -> Option<&RawValue> {
    (json_type(raw) == "an object").then_some(raw)
}

/// The JSON type of a (well-formed) raw value, with its article.
fn json_type(raw: &RawValue) -> &'static str {
    match raw.get().as_bytes().first() {
        Some(b'"') => "a string",
        Some(b'{') => "an object",
        Some(b'[') => "an array",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    }
}

/// The type of a raw value, and the value itself when it is short.
fn describe(raw: &RawValue) -> String {
    let text = raw.get();
    if text.len() <= 40 {
        format!("{} ({text})", json_type(raw))
    } else {
        json_type(raw).to_string()
    }
}

mod split;
#[cfg(test)]
mod tests;
