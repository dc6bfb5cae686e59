//! Durable state: `rms-mock serve --state-dir DIR`. Every acknowledged change survives
//! `kill -9`, and a restart resumes where the server stood (README, "Durability").
//!
//! State, not requests, is kept: per shop a snapshot (the shop's state document, the format of
//! `GET /__admin/state`) and a log of *after-images* of what changed since it: the orders,
//! stock records, items and schedule entries a change touched, the shop's scalars (clock, ids,
//! generators, settings, …) when they moved, and the journal entries it appended. Replaying
//! recorded requests instead would break as soon as the code that handles them changes.
//!
//! ```text
//! DIR/rms-mock-state-dir.json      {"format": "rms-mock-state-dir", "version": 1}
//! DIR/shops/s-123456/snapshot.json {"format": "rms-mock-snapshot", "version": 1, "log_seq": N, "state": {…}}
//! DIR/shops/s-123456/log           framed records (`frame`): a header, then changes N+1, N+2, …
//! DIR/trash/                       directories of deleted shops, on their way out
//! ```
//!
//! How a change gets there: the domain marks the keys of what its mutators touch (only when
//! tracking is on, [`Shop::track_changes`]); at the end of every hold of a shop's lock its
//! [`ShopLog`] takes them, encodes the after-images into one record and queues it on the
//! [`Writer`], still under the lock, so records follow the order of the changes. The answer
//! then waits, with the lock released, until everything queued is fsynced ([`StateDir::settled`],
//! called for every request in `service.rs`): many answers share one fsync. Background
//! changes (the wall clock's follower, simulated buyers) are queued the same way, with no one
//! waiting. When a shop's log outgrows its snapshot, the next change also queues a new
//! snapshot (exported under the lock, written off it) and the log starts over.
//!
//! Versions: the directory, the snapshot and the log each carry a `format` and `version`
//! (all 1). A newer version, an unknown format, a damaged record (other than a torn last one,
//! which was never acknowledged and is dropped), or a gap in the log's sequence numbers is an
//! error at startup naming the file: never a silent reset. When a version 2 comes, this
//! module reads version 1 files through a migration step (`migrate_snapshot`) and rewrites
//! them as version 2 on the shop's next snapshot.

mod entities;
mod files;
mod frame;
mod writer;

use crate::domain::shop::{ChangeSink, Shop, ShopHandle};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use writer::{Op, Writer};

/// The versions this build reads and writes.
pub const DIR_VERSION: u32 = 1;
/// The snapshot file's version.
pub const SNAPSHOT_VERSION: u32 = 1;
/// The log's version.
pub const LOG_VERSION: u32 = 1;

const MANIFEST_FILE: &str = "rms-mock-state-dir.json";

/// A log this many bytes past its snapshot is compacted (or past the snapshot's own size, if
/// bigger: a huge shop is not rewritten for every few megabytes of changes).
pub const COMPACT_AFTER_BYTES: u64 = 16 * 1024 * 1024;

/// An open state directory: the writer, and what shops of it to serve.
#[derive(Clone)]
pub struct StateDir {
    root: Arc<PathBuf>,
    writer: Writer,
    compact_after: u64,
}

/// Why a state directory could not be opened (or recovered): always names the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateDirError(pub String);

impl std::fmt::Display for StateDirError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Serialize, Deserialize)]
struct Manifest {
    format: String,
    version: u32,
}

#[derive(Serialize, Deserialize)]
struct LogHeader {
    format: String,
    version: u32,
    /// The records of this log start at `after_seq + 1`.
    after_seq: u64,
}

/// The first record of every log.
pub(crate) fn log_header(after_seq: u64) -> Vec<u8> {
    let header = LogHeader { format: "rms-mock-log".into(), version: LOG_VERSION, after_seq };
    let mut out = Vec::new();
    frame::encode_into(&mut out, &serde_json::to_vec(&header).unwrap_or_default());
    out
}

/// What opening a state directory found.
pub struct Opened {
    /// The directory, ready to log.
    pub dir: StateDir,
    /// The shops it holds, restored, each with the logger to attach once served
    /// ([`StateDir::serve_recovered`]); empty for a new (or empty) directory.
    pub shops: Vec<Recovered>,
}

/// A shop restored from the directory.
pub struct Recovered {
    /// The shop as it stood.
    pub shop: Shop,
    next_seq: u64,
    log_bytes: u64,
    snapshot_bytes: u64,
}

impl StateDir {
    /// Opens (creating it if absent or empty) the state directory `root` and restores its
    /// shops: each snapshot, then its log's records in order. A torn last record is dropped
    /// (and cut off the file, so new records follow the last whole one).
    pub fn open(root: &Path) -> Result<Opened, StateDirError> {
        Self::open_with(root, COMPACT_AFTER_BYTES)
    }

    /// [`StateDir::open`] compacting after `compact_after` bytes of log (tests).
    pub fn open_with(root: &Path, compact_after: u64) -> Result<Opened, StateDirError> {
        let err = |path: &Path, what: String| StateDirError(format!("{}: {what}", path.display()));
        let manifest_path = root.join(MANIFEST_FILE);
        let fresh = match std::fs::read_dir(root) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => true,
            Err(e) => return Err(err(root, format!("cannot read the state directory: {e}"))),
            Ok(mut entries) => entries.next().is_none(),
        };
        if fresh {
            std::fs::create_dir_all(root.join("shops"))
                .and_then(|()| std::fs::create_dir_all(root.join("trash")))
                .and_then(|()| {
                    let manifest = Manifest { format: "rms-mock-state-dir".into(), version: DIR_VERSION };
                    files::replace_file(root, MANIFEST_FILE, &serde_json::to_vec_pretty(&manifest).unwrap_or_default())
                })
                .and_then(|()| match root.parent().filter(|p| !p.as_os_str().is_empty()) {
                    // The directory's own entry, in case it was just created.
                    Some(parent) => files::sync_dir(parent),
                    None => Ok(()),
                })
                .map_err(|e| err(root, format!("cannot create the state directory: {e}")))?;
        } else {
            let text = std::fs::read(&manifest_path).map_err(|e| {
                err(
                    &manifest_path,
                    format!("{e}: the directory is not empty and is not an rms-mock state directory (give an empty or new directory)"),
                )
            })?;
            let manifest: Manifest = serde_json::from_slice(&text)
                .map_err(|e| err(&manifest_path, format!("not a state directory manifest: {e}")))?;
            check_version(&manifest.format, "rms-mock-state-dir", manifest.version, DIR_VERSION)
                .map_err(|e| err(&manifest_path, e))?;
            for sub in ["shops", "trash"] {
                std::fs::create_dir_all(root.join(sub)).map_err(|e| err(&root.join(sub), e.to_string()))?;
            }
        }
        // Shops deleted while the server stopped halfway: finish deleting them.
        if let Ok(entries) = std::fs::read_dir(root.join("trash")) {
            for entry in entries.flatten() {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
        let mut shops = Vec::new();
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(root.join("shops"))
            .map_err(|e| err(&root.join("shops"), e.to_string()))?
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect();
        dirs.sort();
        for dir in dirs {
            if let Some(shop) = recover_shop(&dir)? {
                shops.push(shop);
            }
        }
        let writer = Writer::start(root).map_err(|e| err(root, format!("cannot start its writer: {e}")))?;
        Ok(Opened { dir: StateDir { root: Arc::new(root.to_path_buf()), writer, compact_after }, shops })
    }

    /// The directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Starts logging a restored shop (served as `handle`).
    pub fn serve_recovered(&self, handle: &ShopHandle, recovered: RecoveredLog) {
        let log = ShopLog::new(self.clone(), recovered.shop_id, recovered.next_seq, recovered.snapshot_bytes);
        handle.with(|s| {
            s.track_changes();
            log.set_baseline(s, recovered.log_bytes);
        });
        handle.attach(Arc::new(log));
    }

    /// Starts logging a shop new to the directory (created, or seeded from shop files): its
    /// first snapshot is queued, then its changes.
    pub fn serve_new(&self, handle: &ShopHandle) {
        let log = handle.with(|s| {
            let log = ShopLog::new(self.clone(), s.profile().shop_id.clone(), 1, 0);
            s.track_changes();
            log.snapshot(s);
            log
        });
        handle.attach(Arc::new(log));
    }

    /// A shop deleted (or replaced, or reset): its directory goes, and its logger stops
    /// (a request that still holds the old handle changes nothing on disk).
    pub fn forget(&self, handle: &ShopHandle) {
        handle.detach();
    }

    /// Waits until every change queued so far is on disk (the answer of a request that
    /// changed something goes out after it).
    pub async fn settled(&self) -> Result<(), String> {
        self.writer.settled().await
    }

    /// [`StateDir::settled`] without a runtime.
    pub fn settle_blocking(&self) -> Result<(), String> {
        self.writer.settle_blocking()
    }
}

impl Recovered {
    /// Splits into the shop and what its logger resumes from.
    pub fn into_parts(self) -> (Shop, RecoveredLog) {
        let shop_id = self.shop.profile().shop_id.clone();
        let log = RecoveredLog {
            shop_id,
            next_seq: self.next_seq,
            log_bytes: self.log_bytes,
            snapshot_bytes: self.snapshot_bytes,
        };
        (self.shop, log)
    }
}

/// Where a restored shop's log resumes.
pub struct RecoveredLog {
    shop_id: String,
    next_seq: u64,
    log_bytes: u64,
    snapshot_bytes: u64,
}

fn check_version(format: &str, expected: &str, version: u32, supported: u32) -> Result<(), String> {
    if format != expected {
        return Err(format!("format \"{format}\" is not \"{expected}\""));
    }
    if version > supported {
        return Err(format!(
            "version {version} is newer than this rms-mock reads ({supported}): upgrade rms-mock, or start from another directory"
        ));
    }
    if version == 0 {
        return Err("version 0 does not exist".into());
    }
    Ok(())
}

/// What a snapshot says of itself, read before its state (whose shape its version decides).
#[derive(Deserialize)]
struct SnapshotHead {
    format: String,
    version: u32,
    log_seq: u64,
}

/// A snapshot's state as this build reads it. Version 1 is the first, read as it is. When a
/// version 2 changes the snapshot (or the state document inside it, `crate::state`), this
/// is where a version-1 file is read as JSON and rewritten step by step into version 2 (the
/// state part through `crate::state`'s own migration); the shop's next snapshot then writes
/// version 2. A version it cannot convert is refused, never guessed.
fn migrate_snapshot(version: u32, bytes: &[u8]) -> Result<crate::domain::shop::Shop, String> {
    debug_assert_eq!(version, SNAPSHOT_VERSION);
    entities::restore_snapshot(bytes)
}

/// Restores one shop's directory; None for a shop whose creation never completed (no
/// snapshot yet: never acknowledged).
fn recover_shop(dir: &Path) -> Result<Option<Recovered>, StateDirError> {
    let err = |path: &Path, what: String| StateDirError(format!("{}: {what}", path.display()));
    let snapshot_path = dir.join(writer::SNAPSHOT_FILE);
    let log_path = dir.join(writer::LOG_FILE);
    // Temp files of a replacement the crash interrupted: the old file stands.
    for tmp in [writer::SNAPSHOT_FILE, writer::LOG_FILE] {
        let _ = std::fs::remove_file(dir.join(format!("{tmp}.tmp")));
    }
    let bytes = match std::fs::read(&snapshot_path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let _ = std::fs::remove_dir_all(dir);
            return Ok(None);
        }
        Err(e) => return Err(err(&snapshot_path, e.to_string())),
    };
    let head: SnapshotHead =
        serde_json::from_slice(&bytes).map_err(|e| err(&snapshot_path, format!("not a shop snapshot: {e}")))?;
    check_version(&head.format, "rms-mock-snapshot", head.version, SNAPSHOT_VERSION)
        .map_err(|e| err(&snapshot_path, e))?;
    let mut shop = migrate_snapshot(head.version, &bytes).map_err(|e| err(&snapshot_path, e))?;
    let log = match std::fs::read(&log_path) {
        Ok(log) => log,
        // A new shop whose log was not created yet: nothing was logged.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            files::replace_file(dir, writer::LOG_FILE, &log_header(head.log_seq))
                .map_err(|e| err(&log_path, e.to_string()))?;
            log_header(head.log_seq)
        }
        Err(e) => return Err(err(&log_path, e.to_string())),
    };
    let records = frame::read(&log)
        .map_err(|c| err(&log_path, format!("the record at byte {} {}: the log is damaged", c.offset, c.problem)))?;
    let mut payloads = records.payloads.iter();
    let header: LogHeader = payloads
        .next()
        .ok_or_else(|| err(&log_path, "no header record".into()))
        .and_then(|h| serde_json::from_slice(h).map_err(|e| err(&log_path, format!("not a log header: {e}"))))?;
    check_version(&header.format, "rms-mock-log", header.version, LOG_VERSION).map_err(|e| err(&log_path, e))?;
    if header.after_seq > head.log_seq {
        return Err(err(
            &log_path,
            format!(
                "starts after change {}, past its snapshot's {}: a change is missing",
                header.after_seq, head.log_seq
            ),
        ));
    }
    let mut last = header.after_seq;
    for (i, payload) in payloads.enumerate() {
        let seq = entities::record_seq(payload).map_err(|e| err(&log_path, format!("record {}: {e}", i + 1)))?;
        if seq != last + 1 {
            return Err(err(
                &log_path,
                format!("record {} is change {seq}, expected {}: the log is damaged", i + 1, last + 1),
            ));
        }
        last = seq;
        // Changes the snapshot already holds (a crash came between writing it and starting
        // the new log).
        if seq <= head.log_seq {
            continue;
        }
        entities::apply_record(&mut shop, payload).map_err(|e| err(&log_path, format!("change {seq}: {e}")))?;
    }
    if last < head.log_seq {
        return Err(err(&log_path, format!("ends at change {last}, before its snapshot's {}", head.log_seq)));
    }
    if records.torn {
        // Cut the torn record off, so the next record follows the last whole one.
        let file =
            std::fs::OpenOptions::new().write(true).open(&log_path).map_err(|e| err(&log_path, e.to_string()))?;
        file.set_len(records.valid_len as u64)
            .and_then(|()| file.sync_all())
            .map_err(|e| err(&log_path, format!("cutting off its torn last record: {e}")))?;
        tracing::warn!(
            target: "rms_mock::state_dir",
            "{}: dropped a torn last record (a crash came while it was being written; it was never acknowledged)",
            log_path.display()
        );
    }
    let log_bytes = (records.valid_len as u64).saturating_sub(log_header(header.after_seq).len() as u64);
    Ok(Some(Recovered { shop, next_seq: last + 1, log_bytes, snapshot_bytes: bytes.len() as u64 }))
}

/// A shop's logger: the [`ChangeSink`] attached to its handle.
struct ShopLog {
    dir: StateDir,
    shop_id: String,
    /// Only ever locked under the shop's own lock, so never contended.
    state: Mutex<LogState>,
    /// The last snapshot's size, told by the writer.
    snapshot_bytes: Arc<AtomicU64>,
}

struct LogState {
    next_seq: u64,
    /// What the last record (or snapshot) saw, to log only what moved.
    baseline: entities::Baseline,
    /// Bytes logged since the last snapshot.
    log_bytes: u64,
    /// The shop was deleted: nothing more is logged.
    closed: bool,
}

impl ShopLog {
    fn new(dir: StateDir, shop_id: String, next_seq: u64, snapshot_bytes: u64) -> ShopLog {
        ShopLog {
            dir,
            shop_id,
            state: Mutex::new(LogState {
                next_seq,
                baseline: entities::Baseline::default(),
                log_bytes: 0,
                closed: false,
            }),
            snapshot_bytes: Arc::new(AtomicU64::new(snapshot_bytes)),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LogState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn set_baseline(&self, shop: &mut Shop, log_bytes: u64) {
        let mut state = self.lock();
        state.baseline = entities::Baseline::of(shop);
        state.log_bytes = log_bytes;
    }

    /// Queues a snapshot of the shop as it stands, covering every change logged so far.
    fn snapshot(&self, shop: &mut Shop) {
        let mut state = self.lock();
        let _ = shop.take_changes();
        state.baseline = entities::Baseline::of(shop);
        state.log_bytes = 0;
        let log_seq = state.next_seq - 1;
        let encode = entities::snapshot_encoder(shop, log_seq);
        self.dir.writer.queue(Op::Snapshot {
            shop_id: self.shop_id.clone(),
            log_seq,
            encode,
            size: self.snapshot_bytes.clone(),
        });
    }
}

impl ChangeSink for ShopLog {
    fn detach(&self, _shop: &mut Shop) {
        let mut state = self.lock();
        if !std::mem::replace(&mut state.closed, true) {
            self.dir.writer.queue(Op::Delete { shop_id: self.shop_id.clone() });
        }
    }

    fn after(&self, shop: &mut Shop) {
        let mut state = self.lock();
        if state.closed {
            return;
        }
        if !shop.tracks_changes() {
            // The shop was replaced as a whole (an import): start over from a snapshot.
            shop.track_changes();
            drop(state);
            return self.snapshot(shop);
        }
        let changes = shop.take_changes();
        let seq = state.next_seq;
        let Some(payload) = entities::encode_record(shop, &changes, &mut state.baseline, seq) else {
            return;
        };
        state.next_seq += 1;
        let mut bytes = Vec::with_capacity(payload.len() + frame::HEADER_BYTES);
        writer::frame_into(&mut bytes, &payload);
        state.log_bytes += bytes.len() as u64;
        self.dir.writer.queue(Op::Append { shop_id: self.shop_id.clone(), bytes });
        let limit = self.dir.compact_after.max(self.snapshot_bytes.load(Ordering::Relaxed));
        if state.log_bytes > limit {
            drop(state);
            self.snapshot(shop);
        }
    }
}

#[cfg(test)]
mod tests;
