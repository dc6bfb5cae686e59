//! Inventory API stock: one record per (manageNumber, variantId), kept apart from items so
//! stock for an unknown SKU can exist as an orphan (inventory-api.md §4). A refused write
//! is a [`StockRefusal`] naming the write; the RMS codes are in `api/inventory.rs`.

use super::time::JstDateTime;
use std::collections::BTreeMap;

/// Stock is always within 0..=99999.
pub const MAX_QUANTITY: i64 = 99_999;
/// An orphan record is deleted this long after its last update.
pub const ORPHAN_TTL_MINUTES: i64 = 24 * 60;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Absolute,
    Relative,
}

/// The 2.1-only per-SKU settings.
#[derive(Clone, Debug, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Extras {
    /// (normalDeliveryTimeId, backOrderDeliveryTimeId)
    pub operation_lead_time: Option<(Option<i64>, Option<i64>)>,
    pub ship_from_ids: Option<Vec<i64>>,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StockRecord {
    pub quantity: i64,
    pub created: JstDateTime,
    pub updated: JstDateTime,
    pub extras: Extras,
}

/// Why a batch of stock writes was refused; nothing of it was applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StockRefusal {
    /// The position of the refused write in its batch.
    pub index: usize,
    pub kind: StockRefusalKind,
}

/// The stock rule a write broke.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StockRefusalKind {
    /// RELATIVE on a SKU with no stock record: the first write must be ABSOLUTE.
    RelativeWithoutRecord,
    /// The quantity after the write would leave 0..=99999.
    QuantityOutOfRange,
    /// A new record would give the manageNumber more than 400 SKUs.
    TooManyVariants,
}

/// No stock record for this manageNumber and variantId.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StockNotFound;

/// Most stock records (SKUs) one manageNumber may have.
pub const MAX_RECORDS_PER_ITEM: usize = 400;

/// One write of a bulk-upsert (or a single upsert).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StockWrite {
    pub manage_number: String,
    pub variant_id: String,
    pub mode: Mode,
    pub quantity: i64,
    /// Some for 2.1 writes (which replace the extras), None for 2.0 (which keep them).
    pub extras: Option<Extras>,
}

#[derive(Clone, Debug, Default)]
pub struct Inventory {
    records: BTreeMap<(String, String), StockRecord>,
    /// Keys of the records changed or deleted since last taken (`--state-dir` only).
    pub(crate) dirty: super::dirty::Dirty<(String, String)>,
}

impl Inventory {
    pub fn get(&self, manage_number: &str, variant_id: &str) -> Option<&StockRecord> {
        self.records.get(&(manage_number.to_string(), variant_id.to_string()))
    }

    /// Puts a stock row as a state document has it (replacing one of the same SKU).
    pub fn put_record(&mut self, manage_number: &str, variant_id: &str, record: StockRecord) {
        self.records.insert((manage_number.to_string(), variant_id.to_string()), record);
    }

    /// Removes a stock row (a state document's change log says it is gone).
    #[allow(dead_code, reason = "the change log of `--state-dir` applies entities; the tests do meanwhile")]
    pub fn remove_record(&mut self, manage_number: &str, variant_id: &str) {
        self.records.remove(&(manage_number.to_string(), variant_id.to_string()));
    }

    pub fn quantity(&self, manage_number: &str, variant_id: &str) -> i64 {
        self.get(manage_number, variant_id).map(|r| r.quantity).unwrap_or(0)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&(String, String), &StockRecord)> {
        self.records.iter()
    }

    pub fn variants_of<'a>(
        &'a self,
        manage_number: &'a str,
    ) -> impl Iterator<Item = (&'a String, &'a StockRecord)> + 'a {
        self.records
            .range((manage_number.to_string(), String::new())..)
            .take_while(move |((m, _), _)| m == manage_number)
            .map(|((_, v), r)| (v, r))
    }

    /// The quantity each write would leave, or the first refusal; nothing changes. Writes
    /// to the same SKU are applied in order.
    pub fn plan(&self, writes: &[StockWrite]) -> Result<Vec<i64>, StockRefusal> {
        let mut pending: BTreeMap<(&str, &str), i64> = BTreeMap::new();
        let mut out = Vec::with_capacity(writes.len());
        for (i, w) in writes.iter().enumerate() {
            let key = (w.manage_number.as_str(), w.variant_id.as_str());
            let current = pending.get(&key).copied().or_else(|| self.get(key.0, key.1).map(|r| r.quantity));
            let next = match (w.mode, current) {
                (Mode::Absolute, _) => w.quantity,
                (Mode::Relative, Some(q)) => q.saturating_add(w.quantity),
                (Mode::Relative, None) => {
                    return Err(StockRefusal { index: i, kind: StockRefusalKind::RelativeWithoutRecord })
                }
            };
            if !(0..=MAX_QUANTITY).contains(&next) {
                return Err(StockRefusal { index: i, kind: StockRefusalKind::QuantityOutOfRange });
            }
            if current.is_none() {
                let existing = self.variants_of(key.0).count() + pending.keys().filter(|(m, _)| *m == key.0).count();
                if existing >= MAX_RECORDS_PER_ITEM {
                    return Err(StockRefusal { index: i, kind: StockRefusalKind::TooManyVariants });
                }
            }
            pending.insert(key, next);
            out.push(next);
        }
        Ok(out)
    }

    /// Applies writes already checked by [`Inventory::plan`].
    pub fn apply(&mut self, writes: &[StockWrite], quantities: &[i64], now: JstDateTime) {
        for (w, q) in writes.iter().zip(quantities) {
            let rec = self.records.entry((w.manage_number.clone(), w.variant_id.clone())).or_insert(StockRecord {
                quantity: 0,
                created: now,
                updated: now,
                extras: Extras::default(),
            });
            rec.quantity = *q;
            rec.updated = now;
            if let Some(e) = &w.extras {
                rec.extras = e.clone();
            }
            self.dirty.mark(|| (w.manage_number.clone(), w.variant_id.clone()));
        }
    }

    pub fn delete(&mut self, manage_number: &str, variant_id: &str) -> bool {
        let key = (manage_number.to_string(), variant_id.to_string());
        let deleted = self.records.remove(&key).is_some();
        if deleted {
            self.dirty.mark(|| key);
        }
        deleted
    }

    /// Takes units for an order; false (and no change) when short.
    pub fn reserve(&mut self, manage_number: &str, variant_id: &str, units: i64, now: JstDateTime) -> bool {
        match self.records.get_mut(&(manage_number.to_string(), variant_id.to_string())) {
            Some(r) if r.quantity >= units => {
                r.quantity -= units;
                r.updated = now;
                self.dirty.mark(|| (manage_number.to_string(), variant_id.to_string()));
                true
            }
            _ => false,
        }
    }

    /// Puts units back (a cancellation); a record deleted since is not recreated. Stock never
    /// passes [`MAX_QUANTITY`] (inferred: RMS caps stock at 99,999 everywhere): units that would
    /// are not put back, and their count is returned, so the caller records the loss.
    pub fn restore(&mut self, manage_number: &str, variant_id: &str, units: i64, now: JstDateTime) -> i64 {
        let Some(r) = self.records.get_mut(&(manage_number.to_string(), variant_id.to_string())) else {
            return 0;
        };
        let wanted = r.quantity.saturating_add(units);
        r.quantity = wanted.min(MAX_QUANTITY);
        r.updated = now;
        let lost = wanted - r.quantity;
        self.dirty.mark(|| (manage_number.to_string(), variant_id.to_string()));
        lost
    }

    /// bulk.get.range: records with min ≤ quantity ≤ max, newest update first.
    pub fn range(&self, min: i64, max: i64) -> Vec<(&(String, String), &StockRecord)> {
        let mut v: Vec<_> = self.records.iter().filter(|(_, r)| (min..=max).contains(&r.quantity)).collect();
        v.sort_by(|a, b| b.1.updated.cmp(&a.1.updated).then_with(|| a.0.cmp(b.0)));
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(m: &str, v: &str, mode: Mode, q: i64) -> StockWrite {
        StockWrite { manage_number: m.into(), variant_id: v.into(), mode, quantity: q, extras: None }
    }

    #[test]
    fn the_first_write_must_be_absolute_and_results_stay_in_range() {
        let mut inv = Inventory::default();
        let t = JstDateTime::from_seconds(0);
        let refused = |index, kind| Err(StockRefusal { index, kind });
        assert_eq!(inv.plan(&[w("a", "v", Mode::Relative, 1)]), refused(0, StockRefusalKind::RelativeWithoutRecord));
        let writes = [w("a", "v", Mode::Absolute, 5), w("a", "v", Mode::Relative, -2)];
        let q = inv.plan(&writes).unwrap();
        assert_eq!(q, vec![5, 3]);
        inv.apply(&writes, &q, t);
        assert_eq!(inv.quantity("a", "v"), 3);
        let writes = [w("a", "x", Mode::Absolute, 1), w("a", "v", Mode::Relative, -4)];
        assert_eq!(inv.plan(&writes), refused(1, StockRefusalKind::QuantityOutOfRange));
        assert_eq!(inv.plan(&[w("a", "v", Mode::Absolute, 100_000)]), refused(0, StockRefusalKind::QuantityOutOfRange));
    }

    #[test]
    fn a_restore_stops_at_the_cap_and_says_how_many_units_it_could_not_put_back() {
        let mut inv = Inventory::default();
        let t = JstDateTime::from_seconds(0);
        let writes = [w("a", "v", Mode::Absolute, 99_990)];
        let q = inv.plan(&writes).unwrap();
        inv.apply(&writes, &q, t);
        assert_eq!(inv.restore("a", "v", 4, t), 0);
        assert_eq!(inv.restore("a", "v", 10, t), 5);
        assert_eq!(inv.quantity("a", "v"), MAX_QUANTITY);
        assert_eq!(inv.restore("gone", "v", 10, t), 0, "no record, nothing put back or lost");
        let e = inv.plan(&[w("a", "v", Mode::Relative, i64::MAX)]).unwrap_err();
        assert_eq!(e.kind, StockRefusalKind::QuantityOutOfRange, "never an overflow");
    }

    #[test]
    fn an_item_holds_at_most_400_stock_records() {
        let mut inv = Inventory::default();
        let writes: Vec<_> = (0..400).map(|i| w("a", &format!("v{i}"), Mode::Absolute, 1)).collect();
        let q = inv.plan(&writes).unwrap();
        inv.apply(&writes, &q, JstDateTime::from_seconds(0));
        let e = inv.plan(&[w("a", "v400", Mode::Absolute, 1)]).unwrap_err();
        assert_eq!(e.kind, StockRefusalKind::TooManyVariants);
        assert!(inv.plan(&[w("a", "v0", Mode::Absolute, 1)]).is_ok());
    }
}
