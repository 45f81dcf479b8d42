//! How zonewatch draws things: one palette shared by the GeoJSON outputs (as
//! [simplestyle-spec](https://github.com/mapbox/simplestyle-spec) properties, which
//! geojson.io, QGIS and GitHub's map view understand) and by the HTML report, so a zone,
//! a violation or an incident looks the same wherever an analyst opens it.
//!
//! The palette is ColorBrewer-derived (red for forbidden, green for allowed, purple for
//! corridors, grey for reference lines; darker and more saturated for confirmed than for
//! possible) and stays readable in print and for the common red–green colour deficiency,
//! since role is also carried by the line style in the report and by the `role` property.

use std::collections::HashMap;

use zonewatch_core::{Agreement, Confidence, IncidentStatus, RuleKind};

/// What a zone is for, as the agreement uses it. Decides its colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ZoneRole {
    /// Some rule keeps units out of it (a DMZ, an oil site, a band around a line).
    Forbidden,
    /// Some unit must stay in it (a camp, a holding area, a home zone).
    Allowed,
    /// A road or route corridor (its `category` property says `corridor`).
    Corridor,
    /// Named by no rule as a place to be or not to be: a reference line, or unused.
    Reference,
}

impl ZoneRole {
    /// Every role, in drawing order (big forbidden areas first, so smaller zones stay on top).
    pub const ALL: [ZoneRole; 4] = [
        ZoneRole::Forbidden,
        ZoneRole::Corridor,
        ZoneRole::Allowed,
        ZoneRole::Reference,
    ];

    /// `forbidden`, `allowed`, `corridor` or `reference`.
    pub fn name(self) -> &'static str {
        match self {
            ZoneRole::Forbidden => "forbidden",
            ZoneRole::Allowed => "allowed",
            ZoneRole::Corridor => "corridor",
            ZoneRole::Reference => "reference",
        }
    }

    /// The zone's style: outline, then fill.
    pub fn style(self) -> AreaStyle {
        match self {
            ZoneRole::Forbidden => AreaStyle::new("#d7301f", "#fc8d59", 0.25),
            ZoneRole::Allowed => AreaStyle::new("#1a9850", "#91cf60", 0.3),
            ZoneRole::Corridor => AreaStyle::new("#7b3294", "#c2a5cf", 0.3),
            ZoneRole::Reference => AreaStyle::new("#525252", "#bdbdbd", 0.15),
        }
    }
}

/// An outline and a fill, as simplestyle-spec properties.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AreaStyle {
    /// `stroke`: the outline colour, `#rrggbb`.
    pub stroke: &'static str,
    /// `stroke-width`, pixels.
    pub stroke_width: f64,
    /// `stroke-opacity`, 0–1.
    pub stroke_opacity: f64,
    /// `fill`: the inside colour, `#rrggbb`.
    pub fill: &'static str,
    /// `fill-opacity`, 0–1.
    pub fill_opacity: f64,
}

impl AreaStyle {
    const fn new(stroke: &'static str, fill: &'static str, fill_opacity: f64) -> AreaStyle {
        AreaStyle {
            stroke,
            stroke_width: 2.0,
            stroke_opacity: 1.0,
            fill,
            fill_opacity,
        }
    }

    /// The simplestyle-spec properties as a JSON object body (no braces), starting with a
    /// comma, to append to a feature's other properties.
    pub fn json_properties(&self) -> String {
        format!(
            ",\"stroke\":\"{}\",\"stroke-width\":{},\"stroke-opacity\":{},\"fill\":\"{}\",\"fill-opacity\":{}",
            self.stroke, self.stroke_width, self.stroke_opacity, self.fill, self.fill_opacity
        )
    }
}

/// The marker colour of a violating report: dark red when confirmed, orange when possible.
pub fn confidence_color(c: Confidence) -> &'static str {
    match c {
        Confidence::Confirmed => "#b2182b",
        Confidence::Possible => "#f4a582",
    }
}

/// The simplestyle-spec properties of a violating report's Point (`marker-color`,
/// `marker-size`, `marker-symbol`), starting with a comma: confirmed reports are bigger
/// and marked with a cross, so the two stay apart in greyscale too.
pub fn violation_json_properties(c: Confidence) -> &'static str {
    match c {
        Confidence::Confirmed => {
            ",\"marker-color\":\"#b2182b\",\"marker-size\":\"medium\",\"marker-symbol\":\"cross\""
        }
        Confidence::Possible => {
            ",\"marker-color\":\"#f4a582\",\"marker-size\":\"small\",\"marker-symbol\":\"circle\""
        }
    }
}

/// The line style of an incident's track: its confidence's colour; thick and solid when
/// sustained, thin and faint when transient.
pub fn incident_style(status: IncidentStatus, confidence: Confidence) -> LineStyle {
    let (width, opacity) = match status {
        IncidentStatus::Sustained => (4.0, 0.9),
        IncidentStatus::Transient => (2.0, 0.6),
    };
    LineStyle {
        stroke: confidence_color(confidence),
        stroke_width: width,
        stroke_opacity: opacity,
    }
}

/// A line's simplestyle-spec properties.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LineStyle {
    /// `stroke`, `#rrggbb`.
    pub stroke: &'static str,
    /// `stroke-width`, pixels.
    pub stroke_width: f64,
    /// `stroke-opacity`, 0–1.
    pub stroke_opacity: f64,
}

/// Each zone's role, in the agreement's zone order.
///
/// A zone whose category (the `category` property of its feature, see
/// [`zone_categories`]) is `corridor` is a corridor; else a zone some `keep_out` rule
/// names is forbidden; else a zone some `stay_in` rule names, or that is some unit's home
/// while a `stay_in` rule allows `home`, is allowed; anything else is a reference.
/// Forbidden wins over allowed because being inside it is what gets flagged.
pub fn zone_roles(agreement: &Agreement, categories: &HashMap<String, String>) -> Vec<ZoneRole> {
    let position = agreement.zone_positions();
    let mut roles = vec![ZoneRole::Reference; agreement.zones().len()];
    let mut mark = |id: &str, role: ZoneRole| {
        if let Some(&i) = position.get(id) {
            roles[i] = roles[i].min(role);
        }
    };
    let mut home_allowed = false;
    for rule in agreement.rules() {
        match &rule.kind {
            RuleKind::KeepOut { zones, .. } => {
                zones.iter().for_each(|z| mark(z, ZoneRole::Forbidden))
            }
            RuleKind::StayIn { zones, home } => {
                zones.iter().for_each(|z| mark(z, ZoneRole::Allowed));
                home_allowed |= *home;
            }
        }
    }
    if home_allowed {
        for unit in agreement.units() {
            if let Some(home) = &unit.home {
                mark(home, ZoneRole::Allowed);
            }
        }
    }
    for (zone, role) in agreement.zones().iter().zip(&mut roles) {
        if categories.get(&zone.id).map(String::as_str) == Some("corridor") {
            *role = ZoneRole::Corridor;
        }
    }
    roles
}

/// The `category` property of every zone feature that has one (a string), by zone id.
///
/// Meant for a zones file that [`read_zones`](crate::read_zones) accepted: features
/// without a string `id` or `category` are skipped, and text that is not a
/// FeatureCollection gives an empty map.
pub fn zone_categories(text: &str) -> HashMap<String, String> {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(text.trim_start_matches('\u{feff}'))
    else {
        return HashMap::new();
    };
    let features = value.get("features").and_then(|f| f.as_array());
    features
        .into_iter()
        .flatten()
        .filter_map(|f| {
            let id = f.get("id")?.as_str()?;
            let category = f.get("properties")?.get("category")?.as_str()?;
            Some((id.to_string(), category.to_string()))
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The Sirte agreement from data/sirte and its zones' categories.
    pub(crate) fn sirte() -> (Agreement, HashMap<String, String>) {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/sirte/");
        let read = |f: &str| std::fs::read_to_string(format!("{dir}{f}")).unwrap();
        let zones = read("zones.geojson");
        let agreement = crate::load_agreement(
            (&zones, "zones.geojson"),
            (&read("rules.toml"), "rules.toml"),
            Some((&read("units.csv"), "units.csv")),
        )
        .unwrap();
        (agreement, zone_categories(&zones))
    }

    #[test]
    fn sirte_zones_get_the_roles_the_rules_give_them() {
        let (agreement, categories) = sirte();
        let roles = zone_roles(&agreement, &categories);
        let role = |id: &str| roles[agreement.zone_positions()[id]];
        // Worked out from data/sirte/rules.toml and units.csv by hand.
        assert_eq!(role("dmz_road"), ZoneRole::Forbidden);
        assert_eq!(role("oil_brega"), ZoneRole::Forbidden);
        assert_eq!(role("libya"), ZoneRole::Forbidden);
        assert_eq!(role("gna_line"), ZoneRole::Forbidden);
        assert_eq!(
            role("camp_misrata"),
            ZoneRole::Allowed,
            "a unit's home under stay_in home"
        );
        assert_eq!(
            role("holding_brega"),
            ZoneRole::Allowed,
            "named by a stay_in rule"
        );
        assert_eq!(
            role("coastal_road"),
            ZoneRole::Corridor,
            "category corridor wins"
        );
        assert_eq!(categories["coastal_road"], "corridor");
        assert_eq!(categories.len(), 20);
    }

    #[test]
    fn forbidden_wins_over_allowed_and_unnamed_zones_are_references() {
        assert!(ZoneRole::Forbidden < ZoneRole::Allowed);
        assert!(ZoneRole::Allowed < ZoneRole::Reference);
        assert!(zone_categories("not json").is_empty());
        assert!(
            zone_categories("{\"features\":[{\"id\":1,\"properties\":{\"category\":\"x\"}}]}")
                .is_empty()
        );
    }

    #[test]
    fn styles_are_simplestyle_properties() {
        let p = ZoneRole::Allowed.style().json_properties();
        let v: serde_json::Value = serde_json::from_str(&format!("{{\"a\":1{p}}}")).unwrap();
        assert_eq!(v["stroke"], "#1a9850");
        assert_eq!(v["fill-opacity"], 0.3);
        assert_eq!(v["stroke-width"], 2.0);
        for c in [Confidence::Confirmed, Confidence::Possible] {
            let p = violation_json_properties(c);
            let v: serde_json::Value = serde_json::from_str(&format!("{{\"a\":1{p}}}")).unwrap();
            assert_eq!(v["marker-color"], confidence_color(c));
        }
        let p = violation_json_properties(Confidence::Confirmed);
        assert!(p.contains("\"marker-size\":\"medium\""));
        let s = incident_style(IncidentStatus::Transient, Confidence::Possible);
        assert_eq!((s.stroke, s.stroke_width), ("#f4a582", 2.0));
    }
}
