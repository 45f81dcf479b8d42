//! Output files that are never left half-written: rows go to a temporary file beside the
//! target, renamed into place only when the run completes.
//!
//! A target that exists and is not a regular file (`/dev/stdout`, `/dev/full`, a named
//! pipe) is written directly: renaming a file over it would replace the device or pipe
//! itself. A symbolic link to a regular file is followed, so the link stays a link.
//!
//! Every live temporary file is also listed in [`LIVE`], so that an interrupt (Ctrl-C,
//! SIGTERM, SIGHUP: see [`remove_on_signal`]) removes them before the process exits.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context, Result};

/// Where output goes: stdout, or a file written atomically.
pub enum Sink {
    Stdout(BufWriter<io::Stdout>),
    /// A device or pipe, written in place; a write error is still an error.
    Special {
        file: BufWriter<File>,
        target: PathBuf,
    },
    File {
        file: BufWriter<SyncingFile>,
        temp: TempPath,
        target: PathBuf,
    },
}

/// The temporary files of this process that are not renamed into place yet.
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn live() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    // A panic while the list was held leaves it as valid as before: keep using it.
    LIVE.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// On SIGINT, SIGTERM or SIGHUP: remove every live temporary file, then exit with 130
/// (the shell's code for an interrupt). A target is never left half-written anyway (it
/// is only ever renamed into place whole); this removes the hidden temporary files too.
pub fn remove_on_signal() {
    // Fails only if a handler is already set, which this binary does not do twice.
    let _ = ctrlc::set_handler(|| {
        let mut live = live();
        for p in live.drain(..) {
            let _ = fs::remove_file(p);
        }
        eprintln!("zonewatch: interrupted; no output was written");
        std::process::exit(130);
    });
}

/// A temporary file's path, removed when dropped unless it was renamed into place: a run
/// that ends by an error anywhere (even one that loses the writer) leaves nothing behind.
pub struct TempPath(Option<PathBuf>);

impl TempPath {
    /// A new temporary file at `path`, listed as live.
    fn create(path: PathBuf) -> io::Result<(File, TempPath)> {
        let mut live = live();
        let file = File::create(&path)?;
        live.push(path.clone());
        Ok((file, TempPath(Some(path))))
    }

    fn path(&self) -> &Path {
        self.0.as_deref().expect("a live temporary path")
    }

    /// Renames the file to `target`; from then on it is not ours to remove. Holds the live
    /// list meanwhile, so that an interrupt sees the file either before or after.
    fn rename_to(mut self, target: &Path) -> io::Result<()> {
        let mut live = live();
        fs::rename(self.path(), target)?;
        let path = self.0.take().expect("a live temporary path");
        live.retain(|p| *p != path);
        Ok(())
    }
}

impl Drop for TempPath {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            let mut live = live();
            let _ = fs::remove_file(&p);
            live.retain(|q| *q != p);
        }
    }
}

impl Sink {
    /// Fails when `a` and `b` name the same file (the second would overwrite the first).
    pub fn distinct(a: Option<&Path>, b: Option<&Path>) -> Result<()> {
        if let (Some(a), Some(b)) = (a, b) {
            let real = |p: &Path| fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
            let special =
                |p: &Path| p == Path::new("-") || fs::metadata(p).is_ok_and(|m| !m.is_file());
            if !special(a) && real(a) == real(b) {
                anyhow::bail!(
                    "the output and the rejects are both {}: name two files",
                    a.display()
                );
            }
        }
        Ok(())
    }

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
                if let Ok(meta) = fs::metadata(target)
                    && !meta.is_file()
                {
                    if meta.is_dir() {
                        anyhow::bail!("cannot write {}: is a directory", target.display());
                    }
                    let file = fs::OpenOptions::new()
                        .write(true)
                        .open(target)
                        .with_context(|| format!("cannot open {}", target.display()))?;
                    return Ok(Sink::Special {
                        file: BufWriter::with_capacity(1 << 20, file),
                        target: target.to_path_buf(),
                    });
                }
                // Follow a symbolic link so that the temporary file goes beside the real
                // file and the link is kept.
                let target = match fs::symlink_metadata(target) {
                    Ok(m) if m.file_type().is_symlink() => fs::canonicalize(target)
                        .with_context(|| format!("cannot resolve {}", target.display()))?,
                    _ => target.to_path_buf(),
                };
                let name = target
                    .file_name()
                    .with_context(|| format!("{}: not a file name", target.display()))?;
                // Unique per sink, so that two outputs of one run never share a file.
                static SINKS: AtomicUsize = AtomicUsize::new(0);
                let temp = target.with_file_name(format!(
                    ".{}.zonewatch-{}-{}.tmp",
                    name.to_string_lossy(),
                    std::process::id(),
                    SINKS.fetch_add(1, Ordering::Relaxed)
                ));
                let (file, temp) = TempPath::create(temp.clone())
                    .with_context(|| format!("cannot create {}", temp.display()))?;
                Ok(Sink::File {
                    file: BufWriter::with_capacity(1 << 20, SyncingFile::new(file)),
                    temp,
                    target,
                })
            }
        }
    }

    /// Flushes and, for a file, syncs and renames it into place.
    pub fn commit(self) -> Result<()> {
        match self {
            Sink::Stdout(mut out) => out.flush().context("cannot write to stdout"),
            Sink::Special { mut file, target } => file
                .flush()
                .with_context(|| format!("cannot write {}", target.display())),
            Sink::File { file, temp, target } => {
                let result = (|| -> io::Result<()> {
                    file.into_inner().map_err(|e| e.into_error())?.sync_all()?;
                    temp.rename_to(&target)
                })();
                // On error the temporary file is removed when `temp` is dropped.
                result.with_context(|| format!("cannot write {}", target.display()))
            }
        }
    }

    /// Removes the temporary file of a run that failed.
    pub fn abandon(self) {
        drop(self);
    }
}

/// Ends a run's outputs, each given as `(what, finished sink)` (`None` when not asked for):
/// when the run succeeded, commits every one in order; when it failed, abandons them all
/// (no file is left under a target's name) and returns the run's error.
pub fn settle(run: Result<()>, outputs: Vec<(&str, Option<io::Result<Sink>>)>) -> Result<()> {
    if let Err(e) = run {
        outputs
            .into_iter()
            .filter_map(|(_, sink)| sink?.ok())
            .for_each(Sink::abandon);
        return Err(e);
    }
    for (what, sink) in outputs {
        if let Some(sink) = sink {
            sink.with_context(|| format!("cannot write {what}"))?
                .commit()?;
        }
    }
    Ok(())
}

impl Sink {
    /// The writer and the name to put in its errors.
    fn parts(&mut self) -> (&mut dyn Write, &Path) {
        match self {
            Sink::Stdout(w) => (w, Path::new("stdout")),
            Sink::Special { file, target } => (file, target),
            Sink::File { file, target, .. } => (file, target),
        }
    }
}

/// A file whose data goes to disk while it is written: after every [`SYNC_EVERY`] bytes
/// a thread of its own asks the disk for what is written so far (`fdatasync`), so the
/// final sync before the rename ([`Sink::commit`]) waits only for the tail. On the 10 M
/// stress join (~100 MB out) that final sync had taken 30–50 ms of the run's end.
pub struct SyncingFile {
    file: File,
    /// Bytes written since the last background sync began.
    unsynced: u64,
    syncing: Option<std::thread::JoinHandle<io::Result<()>>>,
}

/// Bytes written between two background syncs.
const SYNC_EVERY: u64 = 16 << 20;

impl SyncingFile {
    fn new(file: File) -> SyncingFile {
        SyncingFile {
            file,
            unsynced: 0,
            syncing: None,
        }
    }

    /// The background sync's error, if it has ended (or, `wait`ing, once it has).
    fn reap(&mut self, wait: bool) -> io::Result<()> {
        match self.syncing.take() {
            Some(sync) if wait || sync.is_finished() => sync
                .join()
                .unwrap_or_else(|_| Err(io::Error::other("the background sync panicked"))),
            running => {
                self.syncing = running;
                Ok(())
            }
        }
    }

    /// Waits for the background sync, then syncs the whole file (data and metadata).
    fn sync_all(mut self) -> io::Result<()> {
        self.reap(true)?;
        self.file.sync_all()
    }
}

impl Write for SyncingFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.file.write(buf)?;
        self.unsynced += n as u64;
        if self.unsynced >= SYNC_EVERY {
            self.reap(false)?;
            // One sync at a time: while one runs, the bytes wait for the next.
            if self.syncing.is_none() {
                let file = self.file.try_clone()?;
                self.syncing = Some(
                    std::thread::Builder::new()
                        .name("sync".into())
                        .spawn(move || file.sync_data())?,
                );
                self.unsynced = 0;
            }
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

/// An I/O error that names the file, keeping its kind (a broken pipe stays one).
fn named(e: io::Error, name: &Path) -> io::Error {
    io::Error::new(e.kind(), format!("{}: {e}", name.display()))
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let (w, name) = self.parts();
        w.write(buf).map_err(|e| named(e, name))
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        let (w, name) = self.parts();
        w.write_all(buf).map_err(|e| named(e, name))
    }

    fn flush(&mut self) -> io::Result<()> {
        let (w, name) = self.parts();
        w.flush().map_err(|e| named(e, name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An output several background syncs long arrives whole and in order, under the
    /// target's name only once committed; no temporary file is left.
    #[test]
    fn a_file_synced_while_written_arrives_whole() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.csv");
        let mut sink = Sink::create(Some(&target)).unwrap();
        // 2.5 background syncs' worth, in writes of uneven sizes, each byte telling its
        // own offset.
        let total = (SYNC_EVERY * 5 / 2) as usize;
        let mut written = 0;
        for size in [1usize, 4095, 1 << 20, 3 << 20, 7].iter().cycle() {
            let n = (*size).min(total - written);
            let chunk: Vec<u8> = (written..written + n).map(|i| (i % 251) as u8).collect();
            sink.write_all(&chunk).unwrap();
            written += n;
            if written == total {
                break;
            }
            assert!(!target.exists(), "renamed into place before the commit");
        }
        sink.commit().unwrap();
        let back = fs::read(&target).unwrap();
        assert_eq!(back.len(), total);
        assert!(back.iter().enumerate().all(|(i, &b)| b == (i % 251) as u8));
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "a temporary file was left: {names:?}");
    }
}
