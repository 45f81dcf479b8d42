//! Output files that are never left half-written: rows go to a temporary file beside the
//! target, renamed into place only when the run completes.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// Where output goes: stdout, or a file written atomically.
pub enum Sink {
    Stdout(BufWriter<io::Stdout>),
    File {
        file: BufWriter<File>,
        temp: PathBuf,
        target: PathBuf,
    },
}

impl Sink {
    /// Stdout when `path` is `None` or `-`, else a temporary file beside `path`.
    pub fn create(path: Option<&Path>) -> Result<Sink> {
        match path {
            None => Ok(Sink::Stdout(BufWriter::with_capacity(
                1 << 20,
                io::stdout(),
            ))),
            Some(p) if p == Path::new("-") => Ok(Sink::Stdout(BufWriter::with_capacity(
                1 << 20,
                io::stdout(),
            ))),
            Some(target) => {
                let name = target
                    .file_name()
                    .with_context(|| format!("{}: not a file name", target.display()))?;
                let temp = target.with_file_name(format!(
                    ".{}.zonewatch-{}.tmp",
                    name.to_string_lossy(),
                    std::process::id()
                ));
                let file = File::create(&temp)
                    .with_context(|| format!("cannot create {}", temp.display()))?;
                Ok(Sink::File {
                    file: BufWriter::with_capacity(1 << 20, file),
                    temp,
                    target: target.to_path_buf(),
                })
            }
        }
    }

    /// Flushes and, for a file, syncs and renames it into place.
    pub fn commit(self) -> Result<()> {
        match self {
            Sink::Stdout(mut out) => out.flush().context("cannot write to stdout"),
            Sink::File { file, temp, target } => {
                let result = (|| -> io::Result<()> {
                    let file = file.into_inner().map_err(|e| e.into_error())?;
                    file.sync_all()?;
                    fs::rename(&temp, &target)
                })();
                if let Err(e) = result {
                    let _ = fs::remove_file(&temp);
                    return Err(e).with_context(|| format!("cannot write {}", target.display()));
                }
                Ok(())
            }
        }
    }

    /// Removes the temporary file of a run that failed.
    pub fn abandon(self) {
        if let Sink::File { file, temp, .. } = self {
            drop(file);
            let _ = fs::remove_file(temp);
        }
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Sink::Stdout(w) => w.write(buf),
            Sink::File { file, .. } => file.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Sink::Stdout(w) => w.write_all(buf),
            Sink::File { file, .. } => file.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::Stdout(w) => w.flush(),
            Sink::File { file, .. } => file.flush(),
        }
    }
}
