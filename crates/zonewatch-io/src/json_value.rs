//! Typed, lenient pieces of JSON for the report readers: a scalar that never fails on
//! type (the caller says what it wanted, naming the field), and a position whose numbers
//! are parsed with correct rounding.
//!
//! All borrow from the input where they can: no allocation for unescaped strings.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

/// A JSON value as found, for fields whose type is checked by hand (so the message can
/// name the field). Arrays and objects are skipped, only their kind kept.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) enum Scalar<'a> {
    #[default]
    Null,
    Bool(bool),
    /// A negative integer, kept exact.
    Int(i64),
    /// A non-negative integer, kept exact. (Not one `i128` variant: its 16-byte alignment
    /// would double the size of every scalar, and features are moved around.)
    UInt(u64),
    Float(f64),
    Str(Cow<'a, str>),
    Array,
    Object,
}

impl Scalar<'_> {
    /// The JSON type, with its article, for messages.
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            Scalar::Null => "null",
            Scalar::Bool(_) => "a boolean",
            Scalar::Int(_) | Scalar::UInt(_) | Scalar::Float(_) => "a number",
            Scalar::Str(_) => "a string",
            Scalar::Array => "an array",
            Scalar::Object => "an object",
        }
    }

    /// The value as a number, if it is one.
    pub(crate) fn as_f64(&self) -> Option<f64> {
        match *self {
            Scalar::Int(i) => Some(i as f64),
            Scalar::UInt(u) => Some(u as f64),
            Scalar::Float(f) => Some(f),
            _ => None,
        }
    }

    /// A string as is, a number as written in decimal; `None` for anything else.
    pub(crate) fn to_text(&self) -> Option<String> {
        match self {
            Scalar::Str(s) => Some(s.to_string()),
            Scalar::Int(i) => Some(i.to_string()),
            Scalar::UInt(u) => Some(u.to_string()),
            Scalar::Float(f) => Some(f.to_string()),
            _ => None,
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Scalar<'a> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Scalar<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_unit<E>(self) -> Result<Scalar<'a>, E> {
                Ok(Scalar::Null)
            }
            fn visit_none<E>(self) -> Result<Scalar<'a>, E> {
                Ok(Scalar::Null)
            }
            fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Scalar<'a>, D::Error> {
                Scalar::deserialize(d)
            }
            fn visit_bool<E>(self, v: bool) -> Result<Scalar<'a>, E> {
                Ok(Scalar::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Scalar<'a>, E> {
                Ok(Scalar::Int(v))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Scalar<'a>, E> {
                Ok(Scalar::UInt(v))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Scalar<'a>, E> {
                Ok(Scalar::Float(v))
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Scalar<'a>, E> {
                Ok(Scalar::Str(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Scalar<'a>, E> {
                Ok(Scalar::Str(Cow::Owned(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> Result<Scalar<'a>, E> {
                Ok(Scalar::Str(Cow::Owned(v)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar<'a>, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Scalar::Array)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar<'a>, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Scalar::Object)
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

/// The `coordinates` of a geometry, as far as a point reader cares.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) enum Coordinates {
    /// Absent or null.
    #[default]
    Missing,
    /// `[lon, lat]` or `[lon, lat, altitude]`.
    Position(f64, f64),
    /// Nested arrays: not a single position (a line, a polygon).
    Nested,
    /// Anything else (too short, strings, an object).
    Invalid,
}

impl<'de> Deserialize<'de> for Coordinates {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Coordinates;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("GeoJSON coordinates")
            }
            fn visit_unit<E>(self) -> Result<Coordinates, E> {
                Ok(Coordinates::Missing)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Coordinates, A::Error> {
                let mut numbers = [0.0f64; 2];
                let mut count = 0;
                let mut out = None;
                // Raw text, so numbers are parsed with correct rounding (fast-float2), the
                // same digits giving the same f64 as in CSV.
                while let Some(raw) = seq.next_element::<&'de RawValue>()? {
                    if out.is_some() {
                        continue; // drain
                    }
                    match json_number(raw) {
                        Some(v) if count < 2 => {
                            numbers[count] = v;
                            count += 1;
                        }
                        Some(_) => {} // altitude and beyond
                        None if raw.get().starts_with('[') => out = Some(Coordinates::Nested),
                        None => out = Some(Coordinates::Invalid),
                    }
                }
                Ok(out.unwrap_or(if count == 2 {
                    Coordinates::Position(numbers[0], numbers[1])
                } else {
                    Coordinates::Invalid
                }))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Coordinates, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Coordinates::Invalid)
            }
            fn visit_bool<E>(self, _: bool) -> Result<Coordinates, E> {
                Ok(Coordinates::Invalid)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Coordinates, E> {
                Ok(Coordinates::Invalid)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Coordinates, E> {
                Ok(Coordinates::Invalid)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Coordinates, E> {
                Ok(Coordinates::Invalid)
            }
            fn visit_str<E>(self, _: &str) -> Result<Coordinates, E> {
                Ok(Coordinates::Invalid)
            }
        }
        d.deserialize_any(V)
    }
}

/// A JSON number's value, correctly rounded; `None` if `raw` is not a number.
pub(crate) fn json_number(raw: &RawValue) -> Option<f64> {
    let text = raw.get();
    match text.as_bytes().first() {
        Some(b'-' | b'0'..=b'9') => fast_float2::parse(text).ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Props<'a> {
        #[serde(borrow, default)]
        a: Scalar<'a>,
        #[serde(default)]
        b: Scalar<'a>,
    }

    #[test]
    fn scalars_keep_what_they_found_and_borrow_plain_strings() {
        let p: Props = serde_json::from_str(r#"{"a": "plain", "b": "esc\"aped"}"#).unwrap();
        assert!(matches!(p.a, Scalar::Str(Cow::Borrowed("plain"))));
        assert_eq!(p.b, Scalar::Str(Cow::Owned("esc\"aped".into())));
        let p: Props = serde_json::from_str(r#"{"a": [1, {"x": 2}], "b": null, "c": 3}"#).unwrap();
        assert_eq!((p.a, p.b), (Scalar::Array, Scalar::Null));
        let p: Props = serde_json::from_str(r#"{"a": 18446744073709551615, "b": -2.5}"#).unwrap();
        assert_eq!(p.a.to_text().as_deref(), Some("18446744073709551615"));
        assert_eq!(p.b.as_f64(), Some(-2.5));
        assert_eq!(std::mem::size_of::<Scalar>(), 24);
    }

    #[test]
    fn coordinates_tell_a_position_from_the_rest() {
        let c = |s: &str| serde_json::from_str::<Coordinates>(s).unwrap();
        assert_eq!(c("[16.5, 31.25]"), Coordinates::Position(16.5, 31.25));
        assert_eq!(c("[16, 31, 120.5]"), Coordinates::Position(16.0, 31.0));
        assert_eq!(c("[[16, 31], [17, 32]]"), Coordinates::Nested);
        assert_eq!(c("[16]"), Coordinates::Invalid);
        assert_eq!(c(r#"[16, "31"]"#), Coordinates::Invalid);
        assert_eq!(c("null"), Coordinates::Missing);
        assert_eq!(c(r#"{"x": 1}"#), Coordinates::Invalid);
        // Correctly rounded: the f64 nearest to the decimal, as Rust's own parser gives.
        let hard = "2.2250738585072011e-308";
        assert_eq!(
            c(&format!("[{hard}, 0]")),
            Coordinates::Position(hard.parse().unwrap(), 0.0)
        );
    }
}
