//! The bounded log of RMS requests a shop received, for `GET /__admin/shops/{id}/journal`.

use super::time::JstDateTime;
use std::collections::VecDeque;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JournalEntry {
    /// 1-based, counting every request ever recorded, so a reader can tell what was dropped.
    pub seq: u64,
    /// The shop's virtual time when the request arrived.
    pub at: JstDateTime,
    pub method: String,
    pub path: String,
    pub status: u16,
    /// `messageCode`s of the order API, `errors[].code` of item/inventory, `Results.errorCode`.
    pub codes: Vec<String>,
}

#[derive(Clone, Debug, Default)]
pub struct Journal {
    entries: VecDeque<JournalEntry>,
    recorded: u64,
}

impl Journal {
    pub fn record(&mut self, limit: usize, mut entry: JournalEntry) {
        self.recorded += 1;
        entry.seq = self.recorded;
        self.entries.push_back(entry);
        while self.entries.len() > limit.max(1) {
            self.entries.pop_front();
        }
    }

    pub fn entries(&self) -> impl Iterator<Item = &JournalEntry> {
        self.entries.iter()
    }

    pub fn recorded(&self) -> u64 {
        self.recorded
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn journal_keeps_the_newest_entries_within_its_limit() {
        let mut j = Journal::default();
        for i in 0..5 {
            j.record(
                3,
                JournalEntry {
                    seq: 0,
                    at: JstDateTime::from_seconds(i),
                    method: "POST".into(),
                    path: "/p".into(),
                    status: 200,
                    codes: vec![],
                },
            );
        }
        let seqs: Vec<u64> = j.entries().map(|e| e.seq).collect();
        assert_eq!(seqs, vec![3, 4, 5]);
        assert_eq!(j.recorded(), 5);
    }
}
