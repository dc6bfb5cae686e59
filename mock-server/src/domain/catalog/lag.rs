//! Read-after-write lag: live RMS serves items.get from a copy that catches up about 2 s
//! after a write (items.get answers 404 right after a successful upsert) and items.search from
//! an index that catches up within 24 h (item-api.md §0, §7). Per shop it is off by default;
//! with `item_get_lag_seconds` / `item_search_lag_seconds` set, the lagging reads see the
//! catalog as it was that many seconds ago on the shop's clock.
//!
//! Precisely (inferred beyond "a new item 404s for ~2 s"): an Item API write made at `t`
//! (upsert, patch, delete, inventory-related-settings update) is seen by a read lagging `L`
//! seconds from `t + L` on. Until then the read sees the item as it was before the write: not
//! there for a new item, the previous version for a changed one, still there for a deleted
//! one. Writes are remembered for the larger of the two lags in force when they are made, so
//! raising a lag affects later writes only. Items a shop document, the generator or the
//! control plane adds are seen at once.

use crate::domain::item::Item;
use crate::domain::time::JstDateTime;
use std::collections::{BTreeMap, VecDeque};

/// One write still inside a lag: when, for how long at most it may stay unseen, to which
/// item, and the item as it was before.
#[derive(Clone, Debug)]
struct PastWrite {
    at: JstDateTime,
    keep: i64,
    manage_number: String,
    before: Option<Item>,
}

/// Writes that some read may still miss, oldest first (the shop's clock only moves forward).
#[derive(Clone, Debug, Default)]
pub struct WriteLog {
    writes: VecDeque<PastWrite>,
}

impl WriteLog {
    /// The writes as a state document keeps them, oldest first.
    pub fn to_state(&self) -> Vec<LaggingWrite> {
        self.writes
            .iter()
            .map(|w| LaggingWrite {
                at: w.at,
                keep_seconds: w.keep,
                manage_number: w.manage_number.clone(),
                before: w.before.as_ref().map(Item::to_state),
            })
            .collect()
    }

    /// The writes of a state document.
    pub fn from_state(writes: Vec<LaggingWrite>) -> Self {
        let writes = writes
            .into_iter()
            .map(|w| PastWrite {
                at: w.at,
                keep: w.keep_seconds,
                manage_number: w.manage_number,
                before: w.before.map(Item::from_state),
            })
            .collect();
        WriteLog { writes }
    }

    /// Remembers a write of `manage_number` at `at`, `before` being the item as it was, for
    /// `keep_seconds` (the larger lag in force; nothing is kept when it is 0), and forgets
    /// the oldest writes whose time is up.
    pub fn record(&mut self, manage_number: &str, before: Option<Item>, at: JstDateTime, keep_seconds: u32) {
        while self.writes.front().is_some_and(|w| w.at.plus_seconds(w.keep) <= at) {
            self.writes.pop_front();
        }
        if keep_seconds > 0 {
            let keep = i64::from(keep_seconds);
            self.writes.push_back(PastWrite { at, keep, manage_number: manage_number.to_string(), before });
        }
    }

    /// Writes a read lagging `lag_seconds` behind `now` does not see yet: those less than
    /// the lag old, the lag capped by what was in force when each write was made.
    fn unseen(&self, now: JstDateTime, lag_seconds: u32) -> impl Iterator<Item = &PastWrite> {
        let lag = i64::from(lag_seconds);
        self.writes.iter().filter(move |w| w.at.plus_seconds(lag.min(w.keep)) > now)
    }

    /// What such a read sees of one item when it misses a write of it: the item before the
    /// earliest write it misses (`Some(None)`: not there yet). None when it misses nothing.
    pub fn seen(&self, manage_number: &str, now: JstDateTime, lag_seconds: u32) -> Option<Option<&Item>> {
        self.unseen(now, lag_seconds).find(|w| w.manage_number == manage_number).map(|w| w.before.as_ref())
    }

    /// The same for every item the read misses a write of, by manageNumber.
    pub fn seen_all(&self, now: JstDateTime, lag_seconds: u32) -> BTreeMap<&str, Option<&Item>> {
        let mut out = BTreeMap::new();
        for w in self.unseen(now, lag_seconds) {
            out.entry(w.manage_number.as_str()).or_insert(w.before.as_ref());
        }
        out
    }
}

/// An Item API write a lagging read may not see yet ([`crate::domain::catalog::lag`]).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LaggingWrite {
    /// When it was written.
    pub at: JstDateTime,
    /// Seconds it is kept.
    pub keep_seconds: i64,
    /// The item written.
    pub manage_number: String,
    /// The item before the write (None: it was new).
    pub before: Option<crate::domain::item::ItemState>,
}

#[cfg(test)]
mod tests {
    use crate::domain::catalog::Catalog;
    use crate::domain::item::model::{ArticleNumber, ItemType, OrderedMap, Variant};
    use crate::domain::item::{CheckedItem, GenreRules, ItemData};
    use crate::domain::time::JstDateTime;

    fn t(seconds: i64) -> JstDateTime {
        JstDateTime::from_seconds(1_000_000 + seconds)
    }

    fn item(title: &str) -> CheckedItem {
        let sku = Variant {
            standard_price: Some("100".into()),
            article_number: Some(ArticleNumber { value: None, exemption_reason: Some(5) }),
            ..Variant::default()
        };
        let data = ItemData {
            title: Some(title.into()),
            item_type: Some(ItemType::Normal),
            genre_id: Some("100000".into()),
            variants: Some(OrderedMap(vec![("s".into(), sku)])),
            ..ItemData::default()
        };
        data.check(None, GenreRules::Unchecked).expect("valid")
    }

    /// An API write: remembered for `keep` seconds, then applied.
    fn write(c: &mut Catalog, m: &str, title: Option<&str>, at: i64, keep: u32) {
        c.before_api_write(m, t(at), keep);
        match title {
            Some(title) => {
                c.put(m, item(title), t(at));
            }
            None => {
                c.remove(m);
            }
        }
    }

    fn title_seen(c: &Catalog, m: &str, at: i64, lag: u32) -> Option<String> {
        c.seen(m, t(at), lag).map(|i| i.title().to_string())
    }

    #[test]
    fn a_lagging_read_sees_the_item_as_it_was_lag_seconds_ago() {
        let mut c = Catalog::default();
        write(&mut c, "a", Some("v1"), 0, 2);
        write(&mut c, "a", Some("v2"), 1, 2);
        assert_eq!(title_seen(&c, "a", 0, 2), None, "new: not there yet");
        assert_eq!(title_seen(&c, "a", 1, 2), None);
        assert_eq!(title_seen(&c, "a", 2, 2), Some("v1".into()));
        assert_eq!(title_seen(&c, "a", 3, 2), Some("v2".into()));
        assert_eq!(title_seen(&c, "a", 1, 0), Some("v2".into()), "no lag: the stored item");
        write(&mut c, "a", None, 10, 2);
        assert_eq!(title_seen(&c, "a", 11, 2), Some("v2".into()), "deleted: still there");
        assert_eq!(title_seen(&c, "a", 12, 2), None);
    }

    #[test]
    fn items_loaded_without_an_api_write_are_seen_at_once() {
        let mut c = Catalog::default();
        c.put("doc", item("doc"), t(0));
        assert_eq!(title_seen(&c, "doc", 0, 3600), Some("doc".into()));
    }

    #[test]
    fn a_write_stays_unseen_no_longer_than_the_lag_in_force_when_it_was_made() {
        let mut c = Catalog::default();
        write(&mut c, "a", Some("v1"), 0, 2);
        assert_eq!(title_seen(&c, "a", 5, 3600), Some("v1".into()), "raising the lag later changes nothing");
        write(&mut c, "b", Some("v1"), 0, 0);
        assert_eq!(title_seen(&c, "b", 0, 3600), Some("v1".into()), "written while the lag was off");
        assert_eq!(title_seen(&c, "a", 1, 1), Some("v1".into()), "a lower lag at read time wins");
    }

    #[test]
    fn the_search_view_keeps_deleted_items_and_leaves_out_new_ones_until_caught_up() {
        let mut c = Catalog::default();
        c.put("old", item("old"), t(0));
        c.put("gone", item("gone"), t(0));
        write(&mut c, "new", Some("new"), 10, 60);
        write(&mut c, "gone", None, 10, 60);
        write(&mut c, "old", Some("old v2"), 10, 60);
        let seen = |at: i64| -> Vec<(String, String, bool)> {
            c.seen_all(t(at), 60)
                .iter()
                .map(|s| (s.item.manage_number.clone(), s.item.title().to_string(), s.deleted))
                .collect()
        };
        assert_eq!(seen(69), [("gone".into(), "gone".into(), true), ("old".into(), "old".into(), false)]);
        assert_eq!(seen(70), [("new".into(), "new".into(), false), ("old".into(), "old v2".into(), false)]);
    }

    #[test]
    fn writes_whose_time_is_up_are_forgotten() {
        let mut c = Catalog::default();
        for i in 0..100 {
            write(&mut c, "a", Some("v"), i * 10, 5);
        }
        assert_eq!(c.writes.writes.len(), 1, "only the last write is inside its 5 s");
    }
}
