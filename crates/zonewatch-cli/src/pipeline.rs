//! The bounded pipeline of a run: blocks of input are read (and cut into pieces) on a
//! thread of their own, at most [`AHEAD`] ahead of the block being checked, and handed
//! to the caller strictly in input order. Memory stays a few blocks, whatever the input.

use anyhow::Result;
use zonewatch_io::InputError;

/// Blocks read ahead of the one being processed: one suffices (a 4 MiB block is read in
/// a few milliseconds and processed in tens to hundreds), and each more costs a block's
/// memory (the 10 M stress check peaked at 200 MB with two, 194 MB with one).
const AHEAD: usize = 1;

/// Calls `process` with every block `next` reads from `source`, in order. `next` runs on
/// another thread; the first error (its or `process`'s) ends the run.
pub fn run<S: Send, B: Send>(
    mut source: S,
    next: fn(&mut S) -> Result<Option<B>, InputError>,
    mut process: impl FnMut(B) -> Result<()>,
) -> Result<()> {
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::sync_channel(AHEAD);
        scope.spawn(move || {
            loop {
                let item = next(&mut source);
                let last = !matches!(item, Ok(Some(_)));
                // A closed channel: the run has stopped; so does the reading.
                if tx.send(item).is_err() || last {
                    return;
                }
            }
        });
        for item in rx.iter() {
            match item? {
                Some(block) => process(block)?,
                None => break,
            }
        }
        Ok(())
    })
}
