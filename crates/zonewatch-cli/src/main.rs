//! The `zonewatch` binary: thin glue that turns flags into settings and dispatches.
//!
//! Exit codes: 0 success; 1 violations found with `--fail-on-violation`; 2 bad input or
//! usage (clap's own usage errors exit 2 as well).

mod args;
mod check;
mod r#gen; // `gen` is a reserved word in Rust 2024
mod inputs;
mod join;
mod output;
mod pipeline;
mod progress;
mod rejected;
mod report;
mod scenario;
mod summary;
mod swap;
mod tracks;
mod validate;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command};

/// What a command concluded, beyond plain success.
pub enum Outcome {
    /// Finished; nothing to signal.
    Done,
    /// Finished, found violations, and `--fail-on-violation` was given.
    ViolationsFound,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    output::remove_on_signal();
    let result = match cli.command {
        Command::Check(args) => check::run(args),
        Command::Join(args) => join::run(args),
        Command::Validate(args) => validate::run(args),
        Command::Gen(args) => r#gen::run(args),
    };
    match result {
        Ok(Outcome::Done) => ExitCode::SUCCESS,
        Ok(Outcome::ViolationsFound) => ExitCode::from(1),
        // The reader of our stdout went away (`| head`): stop quietly, as grep does.
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("zonewatch: error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Sets the size of rayon's global pool (all cores when `None`).
fn set_threads(threads: Option<usize>) -> anyhow::Result<()> {
    if let Some(n) = threads {
        anyhow::ensure!(n >= 1, "--threads must be at least 1");
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .map_err(|e| anyhow::anyhow!("cannot start {n} threads: {e}"))?;
    }
    Ok(())
}
