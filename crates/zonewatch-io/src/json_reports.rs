//! Reports from GeoJSON Point features (in a FeatureCollection or one per line).

use zonewatch_core::{Report, UnitAttributes};

use crate::feature_in::FeatureIn;
use crate::json_features::FeatureSlot;
use crate::json_value::Scalar;
use crate::report_fields::{RowProblem, check_accuracy, parse_foreign, parse_time};

/// The report a feature describes: position from its Point geometry, fields from its
/// properties, the id from `properties.report_id`, else the Feature's `id`, else generated.
pub(crate) fn feature_to_report(
    f: &FeatureIn<'_>,
    slot: FeatureSlot,
    source: &str,
) -> Result<Report, RowProblem> {
    let position = f.point()?;
    let p = &f.properties;
    let unit_id = id_text(&p.unit_id, "unit_id")?.ok_or_else(|| RowProblem::missing("unit_id"))?;
    let time = match &p.time {
        Scalar::Str(s) => parse_time(s.trim().as_bytes())?,
        Scalar::Null => return Err(RowProblem::missing("time")),
        other => {
            let reason = format!(
                "expected an RFC 3339 time string, found {}",
                other.type_name()
            );
            return Err(RowProblem::new("time", reason));
        }
    };
    let accuracy_m = match &p.accuracy_m {
        Scalar::Null => 0.0,
        s => match s.as_f64() {
            Some(v) => check_accuracy(v)?,
            None => {
                let reason = format!("expected a number of metres, found {}", s.type_name());
                return Err(RowProblem::new("accuracy_m", reason));
            }
        },
    };
    let id = match id_text(&p.report_id, "report_id")? {
        Some(id) => id,
        None => match id_text(&f.id, "id")? {
            Some(id) => id,
            None => slot.generated_id(source),
        },
    };
    let attributes = UnitAttributes {
        side: string(&p.side, "side")?,
        class: string(&p.class, "class")?,
        role: string(&p.role, "role")?,
        foreign: match &p.foreign {
            Scalar::Null => None,
            Scalar::Bool(b) => Some(*b),
            Scalar::UInt(0) => Some(false),
            Scalar::UInt(1) => Some(true),
            Scalar::Str(s) => parse_foreign(s.trim().as_bytes())?,
            other => {
                let reason = format!("expected true or false, found {}", other.type_name());
                return Err(RowProblem::new("foreign", reason));
            }
        },
    };
    Ok(Report {
        id,
        unit_id,
        time,
        position,
        accuracy_m,
        source: string(&p.source, "source")?,
        attributes,
    })
}

/// An id: a string (not empty), or a number as written in decimal; `None` when absent.
pub(crate) fn id_text(s: &Scalar<'_>, field: &'static str) -> Result<Option<String>, RowProblem> {
    match s {
        Scalar::Null => Ok(None),
        Scalar::Str(t) if t.trim().is_empty() => Ok(None),
        Scalar::Str(t) => Ok(Some(t.trim().to_string())),
        Scalar::Int(_) | Scalar::UInt(_) | Scalar::Float(_) => Ok(s.to_text()),
        other => Err(RowProblem::new(
            field,
            format!("expected a string or a number, found {}", other.type_name()),
        )),
    }
}

/// An optional string property; empty is absent.
fn string(s: &Scalar<'_>, field: &'static str) -> Result<Option<String>, RowProblem> {
    match s {
        Scalar::Null => Ok(None),
        Scalar::Str(t) if t.trim().is_empty() => Ok(None),
        Scalar::Str(t) => Ok(Some(t.trim().to_string())),
        other => Err(RowProblem::new(
            field,
            format!("expected a string, found {}", other.type_name()),
        )),
    }
}
