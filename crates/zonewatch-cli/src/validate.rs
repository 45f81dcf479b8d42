//! `zonewatch validate`: load everything, report every problem, exit 0 or 2.

use anyhow::{Context, Result, bail};
use zonewatch_core::Agreement;
use zonewatch_io::{read_zones, write_styled_zones, zone_categories, zone_roles};

use crate::Outcome;
use crate::args::ValidateArgs;
use crate::output::Sink;
use crate::{inputs, scenario};

pub fn run(validate: ValidateArgs) -> Result<Outcome> {
    let args = &validate.agreement;
    // Zones alone (`--zones` without `--rules`): check the geometry an analyst just drew,
    // before any rule refers to it.
    if let (Some(path), None) = (&args.zones, &args.rules) {
        if args.units.is_some() {
            bail!("--units needs --rules (units are checked against the rules' zones)");
        }
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let zones = read_zones(&text, &path.display().to_string())
            .map_err(|e| anyhow::anyhow!("{} problem(s) in the zones:\n{e}", e.0.len()))?;
        if let Some(out) = &validate.styled_zones {
            let agreement = Agreement::new(zones.clone(), vec![], vec![])
                .map_err(|e| anyhow::anyhow!("{}", e[0]))?;
            write_styled(&agreement, &text, out)?;
        }
        println!(
            "ok: {} zones (no rules given: the zones were checked alone)",
            zones.len()
        );
        return Ok(Outcome::Done);
    }
    let loaded = inputs::agreement(args, false)?;
    let a = &loaded.agreement;
    if let Some(out) = &validate.styled_zones {
        let text = match &args.zones {
            Some(path) => std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?,
            None => scenario::ZONES.to_string(),
        };
        write_styled(a, &text, out)?;
    }
    let from = if loaded.embedded {
        " (embedded Sirte scenario)"
    } else {
        ""
    };
    println!(
        "ok{from}: {} zones, {} rules, {} units",
        a.zones().len(),
        a.rules().len(),
        a.units().len()
    );
    Ok(Outcome::Done)
}

/// Writes the zones styled by role, roles from the rules and the zones' `category`.
fn write_styled(agreement: &Agreement, zones_text: &str, path: &std::path::Path) -> Result<()> {
    let roles = zone_roles(agreement, &zone_categories(zones_text));
    write_styled_zones(Sink::create(Some(path))?, agreement, &roles)
        .with_context(|| format!("cannot write {}", path.display()))?
        .commit()
}
