//! The first rejected rows, shown on stderr when no `--rejects` file takes them all: the
//! summary's `… + 4 rejected` then comes with the reasons, not only the count.

use std::fmt::Write as _;

use zonewatch_io::Reject;

/// How many rejected rows are shown on stderr.
const SHOWN: usize = 5;

/// The first [`SHOWN`] rejected rows of a run, in input order.
#[derive(Default)]
pub struct Shown {
    rows: Vec<String>,
}

impl Shown {
    /// Whether another reject would still be shown (so the caller puts its block's
    /// rejects in line order first).
    pub fn wants_more(&self) -> bool {
        self.rows.len() < SHOWN
    }

    /// Takes the next rejects, in input order (those past the first [`SHOWN`] are only
    /// counted, by the caller).
    pub fn offer<'a>(&mut self, rejects: impl IntoIterator<Item = &'a Reject>) {
        let room = SHOWN - self.rows.len().min(SHOWN);
        self.rows
            .extend(rejects.into_iter().take(room).map(Reject::to_string));
    }

    /// The lines for stderr given the run's `rejected` count, empty when nothing was
    /// rejected: `rejected: reports.csv:3: time: … has no UTC offset`, one a row, then how
    /// many more and where to find them all.
    pub fn render(&self, rejected: u64) -> String {
        let mut s = String::new();
        for row in &self.rows {
            let _ = writeln!(s, "rejected: {row}");
        }
        let more = rejected.saturating_sub(self.rows.len() as u64);
        if more > 0 {
            let _ = writeln!(
                s,
                "rejected: … and {more} more (--rejects FILE lists every rejected row with its reason)"
            );
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reject(line: u64) -> Reject {
        Reject {
            source: "r.csv".into(),
            line,
            field: Some("lat".into()),
            reason: format!("row {line} is bad"),
        }
    }

    #[test]
    fn the_first_five_are_shown_in_order_and_the_rest_counted() {
        let mut shown = Shown::default();
        assert_eq!(shown.render(0), "");
        shown.offer(&[reject(2), reject(3)]);
        assert!(shown.wants_more());
        assert_eq!(shown.render(2).lines().count(), 2);
        shown.offer(&[reject(7), reject(9), reject(10), reject(11)]);
        assert!(!shown.wants_more());
        shown.offer(&[reject(12)]);
        let lines: Vec<String> = shown.render(7).lines().map(str::to_string).collect();
        assert_eq!(lines.len(), 6, "{lines:?}");
        assert_eq!(lines[0], "rejected: r.csv:2: lat: row 2 is bad");
        assert_eq!(lines[4], "rejected: r.csv:10: lat: row 10 is bad");
        assert!(lines[5].starts_with("rejected: … and 2 more (--rejects FILE"));
    }
}
