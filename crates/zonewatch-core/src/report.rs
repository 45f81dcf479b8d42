//! Position reports: where a unit was seen, when, and how precisely.

use crate::{Coord, Timestamp, UnitAttributes};

/// One position report.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// The report's id (generated from its input position by the reader when absent).
    pub id: String,
    /// The unit reported.
    pub unit_id: String,
    /// When the position was observed.
    pub time: Timestamp,
    /// Where: x = longitude, y = latitude, degrees WGS84.
    pub position: Coord,
    /// Radius of the position's uncertainty in metres (0 when unknown).
    pub accuracy_m: f64,
    /// The evidence source (`uav`, `gps`, `humint`), carried through to the output.
    pub source: Option<String>,
    /// Unit attributes carried by the report itself; they win over the units table.
    pub attributes: UnitAttributes,
}
