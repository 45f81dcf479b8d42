//! `zonewatch validate`: load everything, report every problem, exit 0 or 2.

use anyhow::{Context, Result, bail};
use zonewatch_io::read_zones;

use crate::Outcome;
use crate::args::AgreementArgs;
use crate::inputs;

pub fn run(args: AgreementArgs) -> Result<Outcome> {
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
        println!(
            "ok: {} zones (no rules given: the zones were checked alone)",
            zones.len()
        );
        return Ok(Outcome::Done);
    }
    let loaded = inputs::agreement(&args)?;
    let a = &loaded.agreement;
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
