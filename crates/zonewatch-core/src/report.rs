//! Position reports: where a unit was seen, when, and how precisely.

use crate::{AttributeView, Coord, Timestamp, UnitAttributes};

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

/// A position report borrowed from wherever its texts are (a [`Report`], or the input
/// bytes a reader parsed it from): what [`Checker`](crate::Checker) reads of a report,
/// and its id. Copying one copies no text.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ReportRef<'a> {
    /// The report's id.
    pub id: &'a str,
    /// The unit reported.
    pub unit_id: &'a str,
    /// When the position was observed.
    pub time: Timestamp,
    /// Where: x = longitude, y = latitude, degrees WGS84.
    pub position: Coord,
    /// Radius of the position's uncertainty in metres (0 when unknown).
    pub accuracy_m: f64,
    /// Unit attributes carried by the report itself; they win over the units table.
    pub attributes: AttributeView<'a>,
}

impl Report {
    /// The report, borrowed (its `source`, which no check reads, left out).
    pub fn view(&self) -> ReportRef<'_> {
        ReportRef {
            id: &self.id,
            unit_id: &self.unit_id,
            time: self.time,
            position: self.position,
            accuracy_m: self.accuracy_m,
            attributes: self.attributes.view(),
        }
    }
}

impl<'a> From<&'a Report> for ReportRef<'a> {
    fn from(report: &'a Report) -> Self {
        report.view()
    }
}
