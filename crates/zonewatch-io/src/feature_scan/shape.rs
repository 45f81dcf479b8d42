//! The shape fast path: most NDJSON files are written by one program, so every line has
//! the same literal bytes between its values — `{"type":"Feature","geometry":{"type":
//! "Point","coordinates":[` … `,` … `]},"properties":{"report_id":"` … and so on. A
//! [`FeatureShape`] is that layout, learned from a line the scanner accepted: the runs of
//! literal bytes and, between them, the slots of the known members' strings and numbers
//! and of the position's two numbers. A later line is read by comparing the literals and
//! parsing only the slots.
//!
//! Why it reads a line as the scanner (and so serde) does: a line that matches is the
//! learned line with each slot's token replaced by another token of the same kind — a
//! string with no escape and no control character, a number in JSON's grammar. Such a
//! swap keeps the JSON valid and its structure (members, nesting, duplicates) the same,
//! so the scanner would walk it exactly as it walked the learned line, and it would
//! compute each slot's value with the functions used here. Everything else — unknown
//! members, `null`s, booleans, objects given for a scalar, a third coordinate — is a
//! literal, compared byte for byte. Any difference (a literal byte, whitespace, an escape,
//! a number serde would round its own way, trailing bytes) is a miss, and the line goes
//! to the scanner, which itself leaves what it is unsure of to serde.

use std::borrow::Cow;
use std::ops::Range;

use super::{
    Cursor, exact_float, feature_member, geometry_member, number_scalar, plain_run,
    property_member, scan_feature,
};
use crate::feature_in::{FeatureIn, GeometryIn};
use crate::json_value::{Coordinates, Scalar};

/// Which scalar of a [`FeatureIn`] a slot fills.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    /// The Feature's `type` and `id`.
    Kind,
    Id,
    /// The geometry's `type`.
    GeometryKind,
    /// A property, by its index in [`property_member`]'s names.
    Property(usize),
}

/// What a slot holds and where its value goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slot {
    /// A string without escapes (the literal before it ends with its opening quote; the
    /// slot takes the closing one).
    Str(Field),
    /// A number, as the scanner reads a property number.
    Num(Field),
    /// Coordinate 0 (longitude) or 1 (latitude) of the position.
    Coordinate(usize),
}

/// A literal run (a range of the learned line) and the slot after it.
#[derive(Clone, Debug)]
struct Piece {
    literal: Range<usize>,
    slot: Slot,
}

/// The layout of one feature line: literal runs and value slots.
#[derive(Clone, Debug)]
pub(crate) struct FeatureShape {
    /// The line the shape was learned from (the literals are ranges of it).
    line: Box<[u8]>,
    pieces: Vec<Piece>,
    /// The literal after the last slot, up to the end of the line.
    tail: Range<usize>,
    /// The values that are not slots (fixed by the literals), slots left at their defaults.
    base: FeatureIn<'static>,
}

/// The scalar of `out` a field names; the geometry is created if the base had none (it
/// always has one when a geometry slot exists).
#[inline]
fn field_mut<'f, 'a>(out: &'f mut FeatureIn<'a>, field: Field) -> &'f mut Scalar<'a> {
    match field {
        Field::Kind => &mut out.kind,
        Field::Id => &mut out.id,
        Field::GeometryKind => &mut out.geometry.get_or_insert_with(GeometryIn::default).kind,
        Field::Property(k) => out.properties.slot(k),
    }
}

impl FeatureShape {
    /// The layout of `text`, a line [`scan_feature`] accepted; `None` when it is not one
    /// the fast path can repeat (a known member's string with an escape, or anything the
    /// scanner would not take).
    pub(crate) fn learn(text: &str) -> Option<FeatureShape> {
        let mut l = Learner {
            c: Cursor {
                s: text,
                b: text.as_bytes(),
                i: 0,
            },
            mark: 0,
            pieces: Vec::new(),
            base: FeatureIn::default(),
        };
        l.feature()?;
        Some(FeatureShape {
            line: text.as_bytes().into(),
            tail: l.mark..text.len(),
            pieces: l.pieces,
            base: l.base,
        })
    }

    /// Fills `out` from `text` when it has this layout, as [`scan_feature`] would; `false`
    /// on any difference (then `out` holds partial values: reset it before reading
    /// otherwise).
    pub(crate) fn read<'a>(&self, text: &'a str, out: &mut FeatureIn<'a>) -> bool {
        self.read_slots(text, out).is_some()
    }

    #[inline]
    fn read_slots<'a>(&self, text: &'a str, out: &mut FeatureIn<'a>) -> Option<()> {
        let b = text.as_bytes();
        let mut c = Cursor { s: text, b, i: 0 };
        out.clone_from(&self.base);
        let mut xy = [0.0f64; 2];
        for piece in &self.pieces {
            let literal = &self.line[piece.literal.clone()];
            let end = c.i + literal.len();
            if b.get(c.i..end)? != literal {
                return None;
            }
            c.i = end;
            match piece.slot {
                Slot::Str(field) => {
                    let run = plain_run(&b[end..])?;
                    // A `\` or a control character: the scanner decides.
                    if b[end + run] != b'"' {
                        return None;
                    }
                    c.i = end + run + 1;
                    // `end` and `end + run` are at ASCII bytes: char boundaries.
                    *field_mut(out, field) = Scalar::Str(Cow::Borrowed(&text[end..end + run]));
                }
                Slot::Num(field) => {
                    // The number must start here: no whitespace the learned line lacked.
                    if !matches!(b.get(end), Some(b'-' | b'0'..=b'9')) {
                        return None;
                    }
                    *field_mut(out, field) = number_scalar(c.number()?)?;
                }
                Slot::Coordinate(k) => {
                    if !matches!(b.get(end), Some(b'-' | b'0'..=b'9')) {
                        return None;
                    }
                    let n = c.number()?;
                    xy[k] = match exact_float(&n) {
                        Some(f) => f,
                        None => fast_float2::parse(n.text).ok()?,
                    };
                }
            }
        }
        if b.get(c.i..)? != &self.line[self.tail.clone()] {
            return None;
        }
        if let Some(g) = &mut out.geometry
            && let Coordinates::Position(..) = g.coordinates
        {
            g.coordinates = Coordinates::Position(xy[0], xy[1]);
        }
        Some(())
    }
}

/// Walks a line as the scanner does, cutting it into literals and slots.
struct Learner<'a> {
    c: Cursor<'a>,
    /// Where the current literal run started.
    mark: usize,
    pieces: Vec<Piece>,
    base: FeatureIn<'static>,
}

impl Learner<'_> {
    /// Ends the literal run at the cursor with `slot`, whose value starts there.
    fn slot(&mut self, slot: Slot) {
        self.pieces.push(Piece {
            literal: self.mark..self.c.i,
            slot,
        });
    }

    /// The members of an object, each by its index in `names` (or `None`); a known name
    /// given twice gives up, as in the scanner.
    fn object(
        &mut self,
        names: fn(&[u8]) -> Option<usize>,
        mut member: impl FnMut(&mut Self, Option<usize>) -> Option<()>,
    ) -> Option<()> {
        self.c.eat(b'{')?;
        if self.c.next_token()? == b'}' {
            self.c.i += 1;
            return Some(());
        }
        let mut seen = 0u32;
        loop {
            let k = names(self.c.key()?);
            if let Some(k) = k {
                if seen & (1 << k) != 0 {
                    return None;
                }
                seen |= 1 << k;
            }
            member(self, k)?;
            if !self.c.more_members()? {
                return Some(());
            }
        }
    }

    fn feature(&mut self) -> Option<()> {
        self.object(feature_member, |l, k| match k {
            Some(0) => l.scalar(Field::Kind),
            Some(1) => l.scalar(Field::Id),
            Some(2) => l.geometry(),
            Some(_) => l.properties(),
            None => l.c.skip_value(0),
        })?;
        // Only whitespace may follow (the tail literal keeps it).
        match self.c.next_token() {
            None => Some(()),
            Some(_) => None,
        }
    }

    fn geometry(&mut self) -> Option<()> {
        if self.c.next_token()? == b'n' {
            self.base.geometry = None;
            return self.c.literal(b"null");
        }
        self.base.geometry = Some(GeometryIn::default());
        self.object(geometry_member, |l, k| match k {
            Some(0) => l.scalar(Field::GeometryKind),
            Some(_) => l.coordinates(),
            None => l.c.skip_value(0),
        })
    }

    fn properties(&mut self) -> Option<()> {
        if self.c.next_token()? == b'n' {
            return self.c.literal(b"null");
        }
        self.object(property_member, |l, k| match k {
            Some(k) => l.scalar(Field::Property(k)),
            None => l.c.skip_value(0),
        })
    }

    /// `null` (a literal) or an array of at least two numbers: slots for the first two,
    /// the rest literal.
    fn coordinates(&mut self) -> Option<()> {
        let coordinates = match self.c.next_token()? {
            b'n' => {
                self.c.literal(b"null")?;
                Coordinates::Missing
            }
            b'[' => {
                self.c.i += 1;
                let mut count = 0;
                loop {
                    self.c.next_token()?;
                    if count < 2 {
                        self.slot(Slot::Coordinate(count));
                        let n = self.c.number()?;
                        if exact_float(&n).is_none() {
                            fast_float2::parse::<f64, _>(n.text).ok()?;
                        }
                        self.mark = self.c.i;
                    } else {
                        self.c.number()?;
                    }
                    count += 1;
                    match self.c.next_token()? {
                        b',' => self.c.i += 1,
                        b']' => {
                            self.c.i += 1;
                            break;
                        }
                        _ => return None,
                    }
                }
                if count < 2 {
                    return None;
                }
                Coordinates::Position(0.0, 0.0)
            }
            _ => return None,
        };
        self.base
            .geometry
            .get_or_insert_with(GeometryIn::default)
            .coordinates = coordinates;
        Some(())
    }

    /// A known member's value: a slot for a plain string or a number; `null`, booleans,
    /// arrays and objects are literals whose value is fixed in the base; a string with
    /// an escape gives up (its value would be fixed too, and owned: not worth it).
    fn scalar(&mut self, field: Field) -> Option<()> {
        let fixed = match self.c.next_token()? {
            b'"' => {
                self.c.i += 1;
                let start = self.c.i;
                let run = plain_run(&self.c.b[start..])?;
                if self.c.b[start + run] != b'"' {
                    return None;
                }
                self.slot(Slot::Str(field));
                self.c.i = start + run + 1;
                self.mark = self.c.i;
                return Some(());
            }
            b'n' => {
                self.c.literal(b"null")?;
                Scalar::Null
            }
            b't' => {
                self.c.literal(b"true")?;
                Scalar::Bool(true)
            }
            b'f' => {
                self.c.literal(b"false")?;
                Scalar::Bool(false)
            }
            b'[' => {
                self.c.skip_value(0)?;
                Scalar::Array
            }
            b'{' => {
                self.c.skip_value(0)?;
                Scalar::Object
            }
            _ => {
                self.slot(Slot::Num(field));
                number_scalar(self.c.number()?)?;
                self.mark = self.c.i;
                return Some(());
            }
        };
        *field_mut(&mut self.base, field) = fixed;
        Some(())
    }
}

/// The shape state of one run of lines (a piece of a block, read by one thread): the
/// layout last learned, and how many lines in a row missed it.
#[derive(Debug, Default)]
pub(crate) struct LineShapes {
    shape: Option<FeatureShape>,
    misses: u32,
}

impl LineShapes {
    /// Fills `out` from the line `text` as [`scan_feature`] does — by the learned layout
    /// when the line has it, else by the scanner — and `false` when the scanner is unsure
    /// (then `out` holds partial values).
    ///
    /// A miss the scanner reads teaches the layout anew when no layout is known, or when
    /// the misses in a row reach 2, 4, 8, …: a file whose layout changes is followed
    /// after two lines, while lines alternating between layouts, or lines no layout
    /// fits, do not pay for learning on every line.
    #[inline]
    pub(crate) fn scan_feature<'a>(&mut self, text: &'a str, out: &mut FeatureIn<'a>) -> bool {
        if let Some(shape) = &self.shape {
            if shape.read(text, out) {
                self.misses = 0;
                return true;
            }
            *out = FeatureIn::default();
        }
        if !scan_feature(text, out) {
            return false;
        }
        self.misses += 1;
        if self.misses.is_power_of_two() && (self.misses >= 2 || self.shape.is_none()) {
            let learned = FeatureShape::learn(text);
            if learned.is_some() {
                self.shape = learned;
                self.misses = 0;
            }
        }
        true
    }
}

#[cfg(test)]
pub(crate) mod tests;
