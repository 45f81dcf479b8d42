//! A mapping tool's view of zonewatch: load an agreement from files once, then check a
//! stream of reports chunk by chunk and do something with each violation.
//!
//! ```sh
//! cargo run --release --example check_reports -- \
//!     data/sirte/zones.geojson data/sirte/rules.toml data/sirte/units.csv examples/mine.csv
//! ```

use std::error::Error;
use std::fs;
use std::io::BufReader;

use zonewatch::core::{Checker, Report};
use zonewatch::io::{ReportFormat, ReportReader, load_agreement};

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [zones, rules, units, reports] = args.as_slice() else {
        return Err("usage: check_reports ZONES.geojson RULES.toml UNITS.csv REPORTS".into());
    };

    // 1. Load and validate the agreement: every problem in every file at once.
    let agreement = load_agreement(
        (&fs::read_to_string(zones)?, zones),
        (&fs::read_to_string(rules)?, rules),
        Some((&fs::read_to_string(units)?, units)),
    )?;

    // 2. Prepare it once. From here on, checks are cheap and thread-safe (`&Checker`).
    let checker = Checker::new(agreement);

    // 3. Stream the reports in bounded chunks; each chunk is checked across all cores.
    let format = ReportFormat::from_path(reports.as_ref()).ok_or("unknown report format")?;
    let file = BufReader::new(fs::File::open(reports)?);
    let mut reader = ReportReader::new(Box::new(file), format, reports)?;
    let (mut batch, mut rejects) = (Vec::<Report>::new(), Vec::new());
    loop {
        batch.clear();
        rejects.clear();
        let more = reader.read_chunk(10_000, &mut batch, &mut rejects)?;
        for reject in &rejects {
            eprintln!("rejected {reject}");
        }
        for (report, result) in batch.iter().zip(checker.check_batch(&batch)) {
            match result {
                Ok(violations) => {
                    for v in violations {
                        println!(
                            "{} {} at {}: {} {} ({}, {:.0} m)",
                            report.unit_id,
                            report.time,
                            report.id,
                            checker.rule_id(v.rule),
                            checker.zone_id(v.zone),
                            v.confidence,
                            v.depth_m
                        );
                    }
                }
                Err(e) => eprintln!("cannot check {}: {e}", report.id),
            }
        }
        if !more {
            return Ok(());
        }
    }
}
