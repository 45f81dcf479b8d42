//! The bounded pipeline of a run: blocks of input are read (and cut into pieces) on a
//! thread of their own, at most [`AHEAD`] ahead of the block being checked, and handed
//! to the caller strictly in input order. Memory stays a few blocks, whatever the input.

use std::sync::mpsc::{SyncSender, sync_channel};

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

/// Runs `work` with a channel whose items `write` takes, in order, on a thread of its
/// own: the cores go on with the next block while the last one's output is written.
/// Gives back `writer`, and the first error: the writer's (why the run stopped, if it
/// did: `work` then finds the channel closed) before `work`'s.
pub fn writing<W: Send, T: Send>(
    writer: W,
    mut write: impl FnMut(&mut W, T) -> std::io::Result<()> + Send,
    work: impl FnOnce(&SyncSender<T>) -> Result<()>,
) -> (Result<()>, W) {
    std::thread::scope(|scope| {
        // One item in the channel, one being written: a block's output or two of memory.
        let (tx, rx) = sync_channel::<T>(1);
        let writing = scope.spawn(move || {
            let mut writer = writer;
            let done = rx.iter().try_for_each(|item| write(&mut writer, item));
            (writer, done)
        });
        let worked = work(&tx);
        drop(tx);
        let (writer, done) = writing.join().expect("the writing thread does not panic");
        (done.map_err(anyhow::Error::from).and(worked), writer)
    })
}

/// Hands `item` to the writing thread of [`writing`]; an error when that thread stopped
/// (at a write error, which [`writing`] then reports).
pub fn send<T>(to: &SyncSender<T>, item: T) -> Result<()> {
    to.send(item)
        .map_err(|_| anyhow::anyhow!("the output stopped"))
}
