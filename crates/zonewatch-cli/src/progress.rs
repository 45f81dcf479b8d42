//! Progress of a long run on stderr: a bar with rate and time left when the input sizes
//! are known, a spinner with a count when reading stdin. Only on a terminal, and never
//! with `--quiet`: pipes, files and CI logs get nothing.

use std::io::{self, BufRead, IsTerminal, Read};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

/// The progress display of one run.
pub struct Progress {
    bar: ProgressBar,
    /// Bytes read so far, by whichever thread reads.
    bytes: Arc<AtomicU64>,
    /// What a row is: `reports`, `points`.
    rows: &'static str,
}

impl Progress {
    /// A display for reading `inputs` (`-` is stdin; a bar when every size is known),
    /// shown only when stderr is a terminal and `quiet` is off.
    pub fn new(inputs: &[&Path], quiet: bool, what: &str, rows: &'static str) -> Progress {
        let bytes = Arc::new(AtomicU64::new(0));
        if quiet || inputs.is_empty() || !io::stderr().is_terminal() {
            return Progress {
                bar: ProgressBar::hidden(),
                bytes,
                rows,
            };
        }
        let sizes: Option<u64> = inputs
            .iter()
            .map(|p| {
                (*p != Path::new("-"))
                    .then(|| std::fs::metadata(p).ok().filter(|m| m.is_file()))
                    .flatten()
                    .map(|m| m.len())
            })
            .sum();
        let bar = match sizes {
            Some(total) => {
                let style = ProgressStyle::with_template(&format!(
                    "{{spinner}} {what} [{{bar:30}}] {{bytes}}/{{total_bytes}} {{bytes_per_sec}} {{msg}}, ETA {{eta}}"
                ))
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> ")
                .tick_chars("-\\|/ ");
                ProgressBar::new(total).with_style(style)
            }
            None => {
                let style = ProgressStyle::with_template(&format!(
                    "{{spinner}} {what}: {{msg}} ({{bytes}} read, {{bytes_per_sec}})"
                ))
                .unwrap_or_else(|_| ProgressStyle::default_spinner())
                .tick_chars("-\\|/ ");
                ProgressBar::new_spinner().with_style(style)
            }
        };
        bar.enable_steady_tick(Duration::from_millis(200));
        bar.tick();
        Progress { bar, bytes, rows }
    }

    /// `input`, counting the bytes read from it.
    pub fn count(&self, input: Box<dyn BufRead + Send>) -> Box<dyn BufRead + Send> {
        if self.bar.is_hidden() {
            return input;
        }
        Box::new(Counted {
            inner: input,
            bytes: self.bytes.clone(),
        })
    }

    /// Shows the bytes read so far and `done` rows read.
    pub fn update(&self, done: u64) {
        if self.bar.is_hidden() {
            return;
        }
        self.bar.set_position(self.bytes.load(Ordering::Relaxed));
        self.bar.set_message(format!("{done} {}", self.rows));
    }

    /// Removes the display (before the summary is printed).
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// A reader that adds the bytes it gives to a shared count.
struct Counted<R> {
    inner: R,
    bytes: Arc<AtomicU64>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bytes.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counted<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }
    fn consume(&mut self, amount: usize) {
        self.bytes.fetch_add(amount as u64, Ordering::Relaxed);
        self.inner.consume(amount);
    }
}
