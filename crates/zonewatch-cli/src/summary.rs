//! The run summary printed on stderr: what was read, checked, rejected and flagged.

use std::fmt::Write as _;

use zonewatch_core::{Checker, Confidence, Coord, Violation};

use crate::rejected::Shown;
use crate::swap::SwapCheck;

/// Counts kept during a run.
pub struct Tally {
    pub read: u64,
    pub checked: u64,
    pub rejected: u64,
    /// Exact duplicates dropped (only when tracking).
    pub duplicates: u64,
    /// Whether the accounting line shows duplicates (tracking drops them).
    pub show_duplicates: bool,
    /// Per rule (by index): [possible, confirmed].
    by_rule: Vec<[u64; 2]>,
    /// Checked positions against the zones' extent, for the lon/lat swap warning.
    pub swap: SwapCheck,
    /// The first rejected rows, for stderr when no `--rejects` file takes them.
    pub shown: Shown,
}

/// What a run of checked reports adds to a [`Tally`]: counted where the run is checked,
/// on its own core, and added to the tally after (sums: in any order).
pub struct Counted {
    checked: u64,
    by_rule: Vec<[u64; 2]>,
    swap: SwapCheck,
}

impl Counted {
    /// Counts one checked report: its position and its flags.
    pub fn count(&mut self, position: Coord, violations: &[Violation]) {
        self.checked += 1;
        self.swap.observe(position);
        for v in violations {
            let slot = match v.confidence {
                Confidence::Possible => 0,
                Confidence::Confirmed => 1,
            };
            self.by_rule[v.rule.0 as usize][slot] += 1;
        }
    }
}

impl Tally {
    pub fn new(rules: usize) -> Tally {
        Tally {
            read: 0,
            checked: 0,
            rejected: 0,
            duplicates: 0,
            show_duplicates: false,
            by_rule: vec![[0, 0]; rules],
            swap: SwapCheck::new(&[], 0.0),
            shown: Shown::default(),
        }
    }

    /// Counts for a run of reports checked on its own core, to [`add`](Self::add) later.
    pub fn counter(&self) -> Counted {
        Counted {
            checked: 0,
            by_rule: vec![[0, 0]; self.by_rule.len()],
            swap: self.swap.fresh(),
        }
    }

    /// Adds a run's counts.
    pub fn add(&mut self, run: &Counted) {
        self.checked += run.checked;
        for (all, one) in self.by_rule.iter_mut().zip(&run.by_rule) {
            all[0] += one[0];
            all[1] += one[1];
        }
        self.swap.merge(&run.swap);
    }

    pub fn violations(&self) -> u64 {
        self.by_rule.iter().map(|c| c[0] + c[1]).sum()
    }

    /// The accounting line: `read = checked + rejected (+ duplicates)` always holds.
    pub fn accounting(&self) -> String {
        let mut line = format!(
            "reports: {} read = {} checked + {} rejected",
            self.read, self.checked, self.rejected
        );
        if self.show_duplicates {
            line.push_str(&format!(" + {} duplicates", self.duplicates));
        }
        line
    }

    /// The whole summary, one block of text.
    pub fn render(&self, checker: &Checker) -> String {
        let mut s = self.accounting();
        s.push('\n');
        let (possible, confirmed) = self
            .by_rule
            .iter()
            .fold((0, 0), |(p, c), r| (p + r[0], c + r[1]));
        let _ = writeln!(
            s,
            "violations: {} ({confirmed} confirmed, {possible} possible)",
            possible + confirmed
        );
        let flagged: Vec<(usize, &str)> = checker
            .agreement()
            .rules()
            .iter()
            .enumerate()
            .filter(|(i, _)| self.by_rule[*i] != [0, 0])
            .map(|(i, r)| (i, r.id.as_str()))
            .collect();
        if !flagged.is_empty() {
            let width = flagged
                .iter()
                .map(|(_, id)| id.len())
                .max()
                .unwrap_or(4)
                .max(4);
            let _ = writeln!(
                s,
                "  {:<width$}  {:>9}  {:>9}",
                "rule", "confirmed", "possible"
            );
            for (i, id) in &flagged {
                let [p, c] = self.by_rule[*i];
                let _ = writeln!(s, "  {id:<width$}  {c:>9}  {p:>9}");
            }
        }
        let quiet = self.by_rule.len() - flagged.len();
        if quiet > 0 {
            let _ = writeln!(s, "  ({quiet} other rule(s) flagged nothing)");
        }
        s
    }
}
