//! What a log record holds: the after-images of the entities one change touched, in the
//! shop's own state types (`crate::domain::state`, the per-entity form of the state document).
//!
//! A record (version 1) is one JSON object:
//!
//! ```text
//! {"seq": 42, "changes": [{"key": {"kind": "shop"}, "after": {…the shop's scalars…}},
//!                         {"key": {"kind": "order", "number": "123456-…"}, "after": {…}},
//!                         {"key": {"kind": "stock", …}, "after": null}, …]}
//! ```
//!
//! `after: null` means the entity is gone (a deleted stock row, a fired schedule entry, an
//! evicted journal entry). Changes are in key order, the order they are applied in.
//!
//! Which entities changed: the domain marks orders, stock rows, items, async requests and
//! schedule entries ([`Changes`]); the scalars are compared with what the last record saw
//! (their JSON), and the journal by its counters, so no setter anywhere needs to remember to
//! mark them.

use crate::domain::shop::{Changes, Shop};
use crate::domain::state::{Entity, EntityKey, ShopScalars, ShopState};
use serde::{Deserialize, Serialize};

/// What the last record of a shop saw of the parts compared rather than marked.
#[derive(Default)]
pub struct Baseline {
    /// The scalars (compared as values: a few hundred nanoseconds, where writing them out
    /// as JSON to compare took microseconds on every hold of the shop's lock).
    scalars: Option<Box<ShopScalars>>,
    /// The journal's kept entries: first seq and the next seq to be recorded.
    journal: (u64, u64),
}

impl Baseline {
    /// What `shop` stands at now.
    pub fn of(shop: &Shop) -> Baseline {
        Baseline { scalars: scalars(shop), journal: journal_span(shop) }
    }
}

fn scalars(shop: &Shop) -> Option<Box<ShopScalars>> {
    match shop.entity(&EntityKey::Shop) {
        Some(Entity::Shop(scalars)) => Some(scalars),
        _ => None,
    }
}

/// The journal's kept entries as `first..next` seqs (empty when none is kept).
fn journal_span(shop: &Shop) -> (u64, u64) {
    let journal = shop.journal();
    let next = journal.counters().0 + 1;
    (journal.entries().next().map_or(next, |e| e.seq), next)
}

#[derive(Serialize)]
struct RecordOut<'a> {
    seq: u64,
    changes: &'a [Change],
}

#[derive(Serialize, Deserialize)]
struct Change {
    key: EntityKey,
    after: Option<Entity>,
}

#[derive(Deserialize)]
struct RecordIn {
    seq: u64,
    changes: Vec<Change>,
}

#[derive(Deserialize)]
struct SeqOnly {
    seq: u64,
}

/// The record of what changed (`changes`, and whatever the baseline shows moved), or None
/// when nothing did; moves the baseline to now.
pub fn encode_record(shop: &Shop, changes: &Changes, baseline: &mut Baseline, seq: u64) -> Option<Vec<u8>> {
    let scalars = scalars(shop);
    let journal = journal_span(shop);
    let scalars_moved = scalars != baseline.scalars;
    if changes.is_empty() && !scalars_moved && journal == baseline.journal {
        return None;
    }
    let mut keys: Vec<EntityKey> = Vec::new();
    keys.extend(changes.items.iter().map(|m| EntityKey::Item { manage_number: m.clone() }));
    keys.extend(
        changes.stock.iter().map(|(m, v)| EntityKey::Stock { manage_number: m.clone(), variant_id: v.clone() }),
    );
    keys.extend(changes.orders.iter().map(|&i| EntityKey::Order { number: shop.orders().get(i).number.to_string() }));
    keys.extend(changes.async_requests.iter().map(|r| EntityKey::AsyncRequest { request_id: r.clone() }));
    keys.extend(
        changes
            .schedule_added
            .iter()
            .chain(&changes.schedule_removed)
            .map(|&(at, seq)| EntityKey::Schedule { at, seq }),
    );
    // Journal entries evicted (or cleared) since, then those recorded since and still kept.
    let ((old_first, old_next), (first, next)) = (baseline.journal, journal);
    keys.extend((old_first..old_next.min(first)).map(|seq| EntityKey::Journal { seq }));
    keys.extend((old_next.max(first)..next).map(|seq| EntityKey::Journal { seq }));
    keys.sort();
    keys.dedup();
    // The scalars first (`EntityKey::Shop` sorts first): the journal's counters, the settings
    // the other entities are checked against.
    let mut changes: Vec<Change> = Vec::with_capacity(keys.len() + 1);
    if scalars_moved {
        changes.push(Change { key: EntityKey::Shop, after: scalars.clone().map(Entity::Shop) });
    }
    changes.extend(keys.into_iter().map(|key| {
        let after = shop.entity(&key);
        Change { key, after }
    }));
    baseline.scalars = scalars;
    baseline.journal = journal;
    serde_json::to_vec(&RecordOut { seq, changes: &changes }).ok()
}

/// A record's sequence number.
pub fn record_seq(payload: &[u8]) -> Result<u64, String> {
    serde_json::from_slice::<SeqOnly>(payload).map(|r| r.seq).map_err(|e| format!("not a change record: {e}"))
}

/// Applies a record's after-images to a restored shop.
pub fn apply_record(shop: &mut Shop, payload: &[u8]) -> Result<(), String> {
    let record: RecordIn = serde_json::from_slice(payload).map_err(|e| format!("not a change record: {e}"))?;
    let _ = record.seq;
    for change in record.changes {
        shop.apply_entity(&change.key, change.after).map_err(|e| e.to_string())?;
    }
    Ok(())
}

#[derive(Serialize)]
struct SnapshotOut {
    format: &'static str,
    version: u32,
    log_seq: u64,
    state: ShopState,
}

/// The snapshot of `shop` as it stands (exported now, under its lock), serialised later by
/// the writer.
pub fn snapshot_encoder(shop: &Shop, log_seq: u64) -> super::writer::EncodeSnapshot {
    let state = shop.export_state();
    Box::new(move || {
        let out = SnapshotOut { format: "rms-mock-snapshot", version: super::SNAPSHOT_VERSION, log_seq, state };
        serde_json::to_vec_pretty(&out).map_err(|e| e.to_string())
    })
}

#[derive(Deserialize)]
struct SnapshotIn {
    state: ShopState,
}

/// The shop a snapshot file (of this version) holds.
pub fn restore_snapshot(bytes: &[u8]) -> Result<Shop, String> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let snapshot: SnapshotIn = serde_path_to_error::deserialize(&mut de)
        .map_err(|e| format!("does not fit the snapshot format at {}: {}", e.path().clone(), e.into_inner()))?;
    Shop::from_state(snapshot.state).map_err(|e| format!("state.{e}"))
}
