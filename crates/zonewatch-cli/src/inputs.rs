//! Resolving the agreement and the input files named on the command line.

use std::collections::HashMap;
use std::fs;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};
use zonewatch_core::Agreement;
use zonewatch_io::{ReportFormat, load_agreement, zone_categories};

use crate::args::{AgreementArgs, InputFormat};
use crate::scenario;

/// The agreement, whether it came from the embedded scenario, and what the HTML report
/// prints about its files.
pub struct LoadedAgreement {
    pub agreement: Agreement,
    pub embedded: bool,
    /// Only when asked for (see [`agreement`]).
    pub provenance: Option<Provenance>,
}

/// What the HTML report says of the agreement's files.
#[derive(Clone, Debug)]
pub struct Provenance {
    /// The zones, rules and units files (or embedded texts) with their checksums.
    pub files: Vec<InputFile>,
    /// The `category` property of each zone that has one (for drawing roles).
    pub categories: HashMap<String, String>,
}

impl Provenance {
    fn of(texts: &[(&'static str, &str, &str)], zones: &str) -> Provenance {
        Provenance {
            files: texts
                .iter()
                .map(|&(role, name, text)| InputFile::of_text(role, name, text))
                .collect(),
            categories: zone_categories(zones),
        }
    }
}

/// An input of the run as the HTML report lists it, so that a printed report can be traced
/// to its data: what it was, its name, size and SHA-256.
#[derive(Clone, Debug)]
pub struct InputFile {
    /// `zones`, `rules`, `units` or `reports`.
    pub role: &'static str,
    pub name: String,
    pub bytes: u64,
    /// Lower-case hex.
    pub sha256: String,
    /// False when a stream (stdin) was not read to its end: the digest covers `bytes`.
    pub complete: bool,
}

impl InputFile {
    fn of_text(role: &'static str, name: &str, text: &str) -> InputFile {
        InputFile {
            role,
            name: name.to_string(),
            bytes: text.len() as u64,
            sha256: hex(&Sha256::digest(text.as_bytes())),
            complete: true,
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The SHA-256 of a report input, computed as the run streams it (no second pass): a
/// handle kept by the run while the reader itself moves into the checking loop.
#[derive(Clone)]
pub struct InputDigest(Arc<Mutex<DigestState>>);

struct DigestState {
    /// Whether the run asked for the digest (hashing costs a fifth of a fast run's CPU,
    /// on the thread that reads).
    hashed: bool,
    hasher: Sha256,
    bytes: u64,
    /// Whether the reader reached the end of the input.
    eof: bool,
    /// Where the input's unread tail can be found: a reader that stops before the end (a
    /// GeoJSON parser done at the closing bracket) leaves a tail that `finish` hashes.
    tail: Tail,
}

enum Tail {
    File(PathBuf),
    Embedded(&'static [u8]),
    /// stdin or a pipe: what was read is all there is.
    Stream,
}

impl InputDigest {
    fn new(tail: Tail, hashed: bool) -> InputDigest {
        InputDigest(Arc::new(Mutex::new(DigestState {
            hashed,
            hasher: Sha256::new(),
            bytes: 0,
            eof: false,
            tail,
        })))
    }

    fn update(&self, bytes: &[u8], eof: bool) {
        let mut state = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        state.hasher.update(bytes);
        state.bytes += bytes.len() as u64;
        state.eof |= eof;
    }

    /// The digest of everything read, plus the unread tail of a file.
    pub fn finish(&self, name: &str) -> Result<InputFile> {
        let state = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        anyhow::ensure!(
            state.hashed,
            "internal error: {name} was opened without its digest"
        );
        let mut hasher = state.hasher.clone();
        let mut bytes = state.bytes;
        let mut complete = true;
        match &state.tail {
            Tail::File(path) => {
                let mut file = fs::File::open(path)
                    .with_context(|| format!("cannot reopen {}", path.display()))?;
                if file.metadata()?.len() > bytes {
                    file.seek(SeekFrom::Start(bytes))?;
                    bytes += io::copy(&mut file, &mut hasher)?;
                }
            }
            Tail::Embedded(all) => {
                let rest = all.get(bytes as usize..).unwrap_or_default();
                hasher.update(rest);
                bytes += rest.len() as u64;
            }
            Tail::Stream => complete = state.eof,
        }
        Ok(InputFile {
            role: "reports",
            name: name.to_string(),
            bytes,
            sha256: hex(&hasher.finalize()),
            complete,
        })
    }
}

/// A reader that feeds every byte it passes on to an [`InputDigest`].
struct HashingReader<R> {
    inner: R,
    digest: InputDigest,
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.digest.update(&buf[..n], n == 0 && !buf.is_empty());
        Ok(n)
    }
}

/// `reader` wrapped so that what it yields is hashed (when `hash`); the handle to the
/// digest.
fn hashing<R: Read + Send + 'static>(
    reader: R,
    tail: Tail,
    hash: bool,
) -> (Box<dyn BufRead + Send>, InputDigest) {
    let digest = InputDigest::new(tail, hash);
    if !hash {
        return (Box::new(BufReader::with_capacity(1 << 20, reader)), digest);
    }
    let reader = HashingReader {
        inner: reader,
        digest: digest.clone(),
    };
    (Box::new(BufReader::with_capacity(1 << 20, reader)), digest)
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
/// With `provenance`, also the files' digests and the zones' categories (a SHA-256 of
/// the zones file and a second parse of it: ~0.2 s of one core on a 8 MB file, so only
/// for the HTML report, which prints them).
pub fn agreement(args: &AgreementArgs, provenance: bool) -> Result<LoadedAgreement> {
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
    let mut texts = vec![
        ("zones", zones_name.as_str(), zones.as_str()),
        ("rules", rules_name.as_str(), rules.as_str()),
    ];
    if let Some((text, name)) = &units {
        texts.push(("units", name.as_str(), text.as_str()));
    }
    // The provenance on the side, while the agreement is prepared.
    let (agreement, provenance) = rayon::join(
        || {
            load_agreement(
                (&zones, &zones_name),
                (&rules, &rules_name),
                units.as_ref().map(|(t, n)| (t.as_str(), n.as_str())),
            )
        },
        || provenance.then(|| Provenance::of(&texts, &zones)),
    );
    let agreement = agreement.map_err(|errors| {
        anyhow::anyhow!("{} problem(s) in the agreement:\n{errors}", errors.0.len())
    })?;
    Ok(LoadedAgreement {
        agreement,
        embedded,
        provenance,
    })
}

/// One input stream: its display name, format and reader, and the digest of what the
/// reader has read.
pub struct Input {
    pub name: String,
    pub format: ReportFormat,
    pub reader: Box<dyn BufRead + Send>,
    pub digest: InputDigest,
}

/// Opens an input file (`-` is stdin), choosing its format from the flag, else from the
/// extension (stdin defaults to CSV); its SHA-256 is computed as it is read when `hash`
/// (a run that writes an HTML report), else [`InputDigest::finish`] is an error.
pub fn open(path: &Path, flag: Option<InputFormat>, hash: bool) -> Result<Input> {
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
        let (reader, digest) = hashing(std::io::stdin(), Tail::Stream, hash);
        return Ok(Input {
            name: "stdin".into(),
            format,
            reader,
            digest,
        });
    }
    let file = fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    // Only a regular file can be reopened for its tail; a named pipe is a stream.
    let regular = file.metadata().is_ok_and(|m| m.is_file());
    let tail = match regular {
        true => Tail::File(path.to_path_buf()),
        false => Tail::Stream,
    };
    let (reader, digest) = hashing(file, tail, hash);
    Ok(Input {
        name: path.display().to_string(),
        format,
        reader,
        digest,
    })
}

/// The embedded Sirte reports as an input (hashed as [`open`] says).
pub fn embedded_reports(hash: bool) -> Input {
    let (reader, digest) = hashing(
        std::io::Cursor::new(scenario::REPORTS.as_bytes()),
        Tail::Embedded(scenario::REPORTS.as_bytes()),
        hash,
    );
    Input {
        name: scenario::REPORTS_NAME.into(),
        format: ReportFormat::Csv,
        reader,
        digest,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_covers_what_was_read_and_the_unread_tail() {
        // SHA-256("abc"), FIPS 180-2 appendix B.1.
        let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        let (mut reader, digest) = hashing(io::Cursor::new(b"abc"), Tail::Embedded(b"abc"), true);
        let mut first = [0u8; 1];
        reader.read_exact(&mut first).unwrap();
        drop(reader);
        let whole = digest.finish("abc").unwrap();
        assert_eq!(
            (whole.sha256.as_str(), whole.bytes, whole.complete),
            (abc, 3, true)
        );

        let (mut reader, digest) = hashing(io::Cursor::new(b"abc"), Tail::Stream, true);
        let mut all = Vec::new();
        reader.read_to_end(&mut all).unwrap();
        let streamed = digest.finish("stdin").unwrap();
        assert_eq!((streamed.sha256.as_str(), streamed.complete), (abc, true));

        let (mut reader, digest) = hashing(io::Cursor::new(b"abc"), Tail::Stream, true);
        reader.read_exact(&mut first).unwrap();
        assert!(
            !digest.finish("stdin").unwrap().complete,
            "a stream read in part"
        );

        // Not asked for: the bytes pass unhashed, and no digest is made up.
        let (mut reader, digest) = hashing(io::Cursor::new(b"abc"), Tail::Stream, false);
        all.clear();
        reader.read_to_end(&mut all).unwrap();
        assert_eq!(all, b"abc");
        assert!(digest.finish("stdin").is_err());
    }
}
