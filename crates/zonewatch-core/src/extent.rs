//! The lon/lat bounding box of some positions.

use crate::Coord;

/// The smallest box `(lower-left, upper-right)` holding every position, NaN coordinates
/// ignored; for no positions the inverted box (+∞, +∞)–(−∞, −∞), which holds nothing.
/// Exact: only `min` and `max`, so the order of the positions does not matter.
pub(crate) fn bounding_box(positions: impl IntoIterator<Item = Coord>) -> (Coord, Coord) {
    let mut lo = Coord {
        x: f64::INFINITY,
        y: f64::INFINITY,
    };
    let mut hi = Coord {
        x: f64::NEG_INFINITY,
        y: f64::NEG_INFINITY,
    };
    for c in positions {
        lo = Coord {
            x: lo.x.min(c.x),
            y: lo.y.min(c.y),
        };
        hi = Coord {
            x: hi.x.max(c.x),
            y: hi.y.max(c.y),
        };
    }
    (lo, hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(x: f64, y: f64) -> Coord {
        Coord { x, y }
    }

    #[test]
    fn holds_every_position_and_ignores_nan() {
        let (lo, hi) = bounding_box([
            c(3.0, -1.0),
            c(f64::NAN, 7.0),
            c(-2.0, f64::NAN),
            c(1.0, 2.0),
        ]);
        assert_eq!((lo, hi), (c(-2.0, -1.0), c(3.0, 7.0)));
    }

    #[test]
    fn no_positions_give_the_inverted_box() {
        let (lo, hi) = bounding_box([]);
        assert!(lo.x > hi.x && lo.y > hi.y);
        assert_eq!(lo, c(f64::INFINITY, f64::INFINITY));
    }
}
