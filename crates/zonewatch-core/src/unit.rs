//! Units: who is reported, with the attributes rules select on.

/// A unit of one of the parties (a brigade, a battery, a monitor team).
///
/// Every attribute is optional: a rule filter on an attribute the unit lacks does not match.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Unit {
    /// Unique id, as reports name it (`LAAF-ARTY-2`).
    pub id: String,
    /// The unit's attributes; a report may override any of them.
    pub attributes: UnitAttributes,
    /// Id of the unit's home zone (its camp), if it has one.
    pub home: Option<String>,
}

/// The attributes rule filters select on. A report's own value wins over the unit's.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UnitAttributes {
    /// Party to the agreement (`GNA`, `LAAF`).
    pub side: Option<String>,
    /// Equipment class (`artillery`, `mlrs`, `tank`, `infantry`).
    pub class: Option<String>,
    /// Role (`military`, `police`, `monitor`, `pfg`).
    pub role: Option<String>,
    /// Whether the unit is a foreign force.
    pub foreign: Option<bool>,
}

impl UnitAttributes {
    /// A borrowed view of these attributes.
    pub fn view(&self) -> AttributeView<'_> {
        AttributeView {
            side: self.side.as_deref(),
            class: self.class.as_deref(),
            role: self.role.as_deref(),
            foreign: self.foreign,
        }
    }
}

/// Borrowed unit attributes, as rule filters read them.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct AttributeView<'a> {
    /// Side.
    pub side: Option<&'a str>,
    /// Equipment class.
    pub class: Option<&'a str>,
    /// Role.
    pub role: Option<&'a str>,
    /// Foreign flag.
    pub foreign: Option<bool>,
}

impl<'a> AttributeView<'a> {
    /// These attributes, with every value present in `over` taking precedence (a report's
    /// own attributes over its unit's).
    pub fn overridden_by(self, over: AttributeView<'a>) -> AttributeView<'a> {
        AttributeView {
            side: over.side.or(self.side),
            class: over.class.or(self.class),
            role: over.role.or(self.role),
            foreign: over.foreign.or(self.foreign),
        }
    }
}
