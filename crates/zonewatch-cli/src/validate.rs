//! `zonewatch validate`: load everything, report every problem, exit 0 or 2.

use anyhow::Result;

use crate::Outcome;
use crate::args::AgreementArgs;
use crate::inputs;

pub fn run(args: AgreementArgs) -> Result<Outcome> {
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
