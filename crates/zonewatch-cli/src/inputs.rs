//! Resolving the agreement and the input files named on the command line.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::Path;

use anyhow::{Context, Result, bail};
use zonewatch_core::Agreement;
use zonewatch_io::{ReportFormat, load_agreement};

use crate::args::{AgreementArgs, InputFormat};
use crate::scenario;

/// Whether the agreement came from the embedded scenario.
pub struct LoadedAgreement {
    pub agreement: Agreement,
    pub embedded: bool,
}

/// Reads a whole (small) text file: zones, rules, units. Bytes that are not UTF-8 are an
/// error naming the line and column (in bytes) of the first bad byte.
fn read_text(path: &Path) -> Result<String> {
    let bytes = fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let at = e.utf8_error().valid_up_to();
        let before = &bytes[..at];
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        let column = at
            - before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1)
            + 1;
        anyhow::anyhow!(
            "{}:{line}:{column}: not valid UTF-8 (byte 0x{:02x}); save the file as UTF-8",
            path.display(),
            bytes[at]
        )
    })
}

/// Loads zones, rules and units from the flags, or the embedded scenario when neither
/// `--zones` nor `--rules` is given. Every problem in every file is reported together.
pub fn agreement(args: &AgreementArgs) -> Result<LoadedAgreement> {
    let embedded = match (&args.zones, &args.rules) {
        (None, None) => true,
        (Some(_), Some(_)) => false,
        (Some(_), None) => {
            bail!("--zones needs --rules too (or give neither to use the embedded Sirte scenario)")
        }
        (None, Some(_)) => {
            bail!("--rules needs --zones too (or give neither to use the embedded Sirte scenario)")
        }
    };
    let (zones, zones_name, rules, rules_name) = if embedded {
        (
            scenario::ZONES.to_string(),
            scenario::ZONES_NAME.to_string(),
            scenario::RULES.to_string(),
            scenario::RULES_NAME.to_string(),
        )
    } else {
        let (z, r) = (args.zones.as_ref().unwrap(), args.rules.as_ref().unwrap());
        (
            read_text(z)?,
            z.display().to_string(),
            read_text(r)?,
            r.display().to_string(),
        )
    };
    let units = match (&args.units, embedded) {
        (Some(u), _) => Some((read_text(u)?, u.display().to_string())),
        (None, true) => Some((
            scenario::UNITS.to_string(),
            scenario::UNITS_NAME.to_string(),
        )),
        (None, false) => None,
    };
    let agreement = load_agreement(
        (&zones, &zones_name),
        (&rules, &rules_name),
        units.as_ref().map(|(t, n)| (t.as_str(), n.as_str())),
    )
    .map_err(|errors| {
        anyhow::anyhow!("{} problem(s) in the agreement:\n{errors}", errors.0.len())
    })?;
    Ok(LoadedAgreement {
        agreement,
        embedded,
    })
}

/// One input stream: its display name, format and reader.
pub struct Input {
    pub name: String,
    pub format: ReportFormat,
    pub reader: Box<dyn BufRead + Send>,
}

/// Opens an input file (`-` is stdin), choosing its format from the flag, else from the
/// extension (stdin defaults to CSV).
pub fn open(path: &Path, flag: Option<InputFormat>) -> Result<Input> {
    let format = match flag {
        Some(InputFormat::Csv) => ReportFormat::Csv,
        Some(InputFormat::Geojson) => ReportFormat::GeoJson,
        Some(InputFormat::Ndjson) => ReportFormat::NdJson,
        None if path == Path::new("-") => ReportFormat::Csv,
        None => ReportFormat::from_path(path).with_context(|| {
            format!(
                "{}: cannot tell the format from the extension; use --input-format csv|geojson|ndjson",
                path.display()
            )
        })?,
    };
    if path == Path::new("-") {
        let stdin = std::io::stdin();
        return Ok(Input {
            name: "stdin".into(),
            format,
            reader: Box::new(BufReader::with_capacity(1 << 20, stdin)),
        });
    }
    let file = fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    Ok(Input {
        name: path.display().to_string(),
        format,
        reader: Box::new(BufReader::with_capacity(1 << 20, file)),
    })
}

/// The embedded Sirte reports as an input.
pub fn embedded_reports() -> Input {
    Input {
        name: scenario::REPORTS_NAME.into(),
        format: ReportFormat::Csv,
        reader: Box::new(std::io::Cursor::new(scenario::REPORTS.as_bytes())),
    }
}
