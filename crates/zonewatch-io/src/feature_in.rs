//! A GeoJSON Feature as the report and point readers see it, deserialized in place.
//!
//! Hand-written visitors fill a `FeatureIn` on the caller's stack instead of returning
//! nested structs by value: with derived structs each layer (`Option`, `Result`, the
//! struct) moved some 300 bytes, and those copies took a sixth of the time per feature.

use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};

use crate::json_value::{Coordinates, Scalar};

/// The members of a Feature the readers use; everything else is skipped.
#[derive(Clone, Debug, Default)]
pub(crate) struct FeatureIn<'a> {
    pub(crate) kind: Scalar<'a>,
    pub(crate) id: Scalar<'a>,
    /// `None` when absent or null.
    pub(crate) geometry: Option<GeometryIn<'a>>,
    /// All null when absent or null.
    pub(crate) properties: PropertiesIn<'a>,
}

/// A geometry's type and, if it is a position, its coordinates.
#[derive(Clone, Debug, Default)]
pub(crate) struct GeometryIn<'a> {
    pub(crate) kind: Scalar<'a>,
    pub(crate) coordinates: Coordinates,
}

/// The properties reports and points read.
#[derive(Clone, Debug, Default)]
pub(crate) struct PropertiesIn<'a> {
    pub(crate) report_id: Scalar<'a>,
    pub(crate) id: Scalar<'a>,
    pub(crate) unit_id: Scalar<'a>,
    pub(crate) time: Scalar<'a>,
    pub(crate) accuracy_m: Scalar<'a>,
    pub(crate) source: Scalar<'a>,
    pub(crate) side: Scalar<'a>,
    pub(crate) class: Scalar<'a>,
    pub(crate) role: Scalar<'a>,
    pub(crate) foreign: Scalar<'a>,
}

impl<'a> PropertiesIn<'a> {
    /// The member names read, in the order of [`slot`](Self::slot)'s indices.
    pub(crate) const NAMES: &'static [&'static str; 10] = &[
        "report_id",
        "id",
        "unit_id",
        "time",
        "accuracy_m",
        "source",
        "side",
        "class",
        "role",
        "foreign",
    ];

    /// The field for member `NAMES[k]` (`k` ≥ 9: `foreign`).
    pub(crate) fn slot(&mut self, k: usize) -> &mut Scalar<'a> {
        match k {
            0 => &mut self.report_id,
            1 => &mut self.id,
            2 => &mut self.unit_id,
            3 => &mut self.time,
            4 => &mut self.accuracy_m,
            5 => &mut self.source,
            6 => &mut self.side,
            7 => &mut self.class,
            8 => &mut self.role,
            _ => &mut self.foreign,
        }
    }
}

/// Fills `out` from one JSON object (the whole text must be that object).
pub(crate) fn read_feature<'a>(
    text: &'a str,
    out: &mut FeatureIn<'a>,
) -> Result<(), serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    de::Deserializer::deserialize_map(&mut de, FeatureVisitor(out))?;
    de.end()
}

/// Reads member names into a small number (the index in `names`, or `names.len()` for
/// any other name) without allocating.
struct Key<const N: usize>(usize, &'static [&'static str; N]);

impl<'de, const N: usize> DeserializeSeed<'de> for Key<N> {
    type Value = usize;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl<'de, const N: usize> Visitor<'de> for Key<N> {
    type Value = usize;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a member name")
    }
    fn visit_str<E>(self, v: &str) -> Result<usize, E> {
        Ok(self.1.iter().position(|n| *n == v).unwrap_or(self.0))
    }
}

/// Calls `f` with each known member's index, skipping the others; a known member given
/// twice is an error (`"time"` twice would be ambiguous).
fn members<'de, A: MapAccess<'de>, const N: usize>(
    mut map: A,
    names: &'static [&'static str; N],
    mut f: impl FnMut(usize, &mut A) -> Result<(), A::Error>,
) -> Result<(), A::Error> {
    let mut seen = 0u32;
    while let Some(k) = map.next_key_seed(Key(N, names))? {
        if k == N {
            map.next_value::<IgnoredAny>()?;
            continue;
        }
        if seen & (1 << k) != 0 {
            return Err(de::Error::duplicate_field(names[k]));
        }
        seen |= 1 << k;
        f(k, &mut map)?;
    }
    Ok(())
}

struct FeatureVisitor<'f, 'a>(&'f mut FeatureIn<'a>);

impl<'de: 'a, 'a> Visitor<'de> for FeatureVisitor<'_, 'a> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a GeoJSON Feature object")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        const NAMES: &[&str; 4] = &["type", "id", "geometry", "properties"];
        let out = self.0;
        members(map, NAMES, |k, map| {
            match k {
                0 => out.kind = map.next_value()?,
                1 => out.id = map.next_value()?,
                2 => map.next_value_seed(GeometryVisitor(&mut out.geometry))?,
                _ => map.next_value_seed(PropertiesVisitor(&mut out.properties))?,
            }
            Ok(())
        })
    }
}

struct GeometryVisitor<'g, 'a>(&'g mut Option<GeometryIn<'a>>);

impl<'de: 'a, 'a> DeserializeSeed<'de> for GeometryVisitor<'_, 'a> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de: 'a, 'a> Visitor<'de> for GeometryVisitor<'_, 'a> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a GeoJSON geometry object or null")
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        *self.0 = None;
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        const NAMES: &[&str; 2] = &["type", "coordinates"];
        let g = self.0.insert(GeometryIn::default());
        members(map, NAMES, |k, map| {
            match k {
                0 => g.kind = map.next_value()?,
                _ => g.coordinates = map.next_value()?,
            }
            Ok(())
        })
    }
}

struct PropertiesVisitor<'p, 'a>(&'p mut PropertiesIn<'a>);

impl<'de: 'a, 'a> DeserializeSeed<'de> for PropertiesVisitor<'_, 'a> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de: 'a, 'a> Visitor<'de> for PropertiesVisitor<'_, 'a> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a properties object or null")
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let p = self.0;
        members(map, PropertiesIn::NAMES, |k, map| {
            *p.slot(k) = map.next_value()?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    fn read(text: &str) -> Result<FeatureIn<'_>, String> {
        let mut f = FeatureIn::default();
        read_feature(text, &mut f).map_err(|e| e.to_string())?;
        Ok(f)
    }

    #[test]
    fn fills_known_members_and_skips_the_rest() {
        let f = read(
            r#"{"id": 3, "extra": {"a": [1]}, "type": "Feature",
                "properties": {"unit_id": "U", "time": "t", "other": null, "foreign": true},
                "geometry": {"coordinates": [1, 2, 3], "type": "Point", "bbox": [0, 0, 1, 1]}}"#,
        )
        .unwrap();
        assert_eq!(f.kind, Scalar::Str(Cow::Borrowed("Feature")));
        assert_eq!(f.id, Scalar::UInt(3));
        let g = f.geometry.unwrap();
        assert_eq!(
            (g.kind, g.coordinates),
            (Scalar::Str("Point".into()), Coordinates::Position(1.0, 2.0))
        );
        assert_eq!(f.properties.unit_id, Scalar::Str("U".into()));
        assert_eq!(f.properties.foreign, Scalar::Bool(true));
        assert_eq!(f.properties.report_id, Scalar::Null);
    }

    #[test]
    fn null_members_and_errors() {
        let f = read(r#"{"geometry": null, "properties": null}"#).unwrap();
        assert!(f.geometry.is_none());
        assert_eq!(f.properties.time, Scalar::Null);
        assert_eq!(
            read("[1, 2]").unwrap_err(),
            "invalid type: sequence, expected a GeoJSON Feature object at line 1 column 0"
        );
        assert_eq!(
            read(r#"{"properties": {"time": "a", "time": "b"}}"#).unwrap_err(),
            "duplicate field `time` at line 1 column 35"
        );
        assert_eq!(
            read(r#"{"geometry": "Point"}"#).unwrap_err(),
            "invalid type: string \"Point\", expected a GeoJSON geometry object or null at line 1 column 20"
        );
        assert_eq!(
            read(r#"{"a": 1} x"#).unwrap_err(),
            "trailing characters at line 1 column 10"
        );
    }
}
