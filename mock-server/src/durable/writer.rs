//! The state directory's one writer thread, and the queue every change goes through.
//!
//! Changes are queued in the order the shops made them (each shop queues under its own lock),
//! each with a ticket. The thread takes everything queued, writes it (appends to the shops'
//! logs; new snapshots; deleted shops), fsyncs each file it appended to once, and only then
//! publishes the last ticket as durable: a thousand answers waiting meanwhile share one fsync
//! (group commit). An answer waits for the ticket that was the last queued when its handler
//! returned ([`Writer::settled`]), after the shop's lock is released.
//!
//! A write that fails (a full disk, an I/O error) cannot be taken back, and memory is then
//! ahead of the disk: the writer stops, every waiting and later answer that changed state
//! fails with the reason (a 500), and the log says so. Restart the server to resume from
//! what is on disk.

use super::files;
use super::frame;
use std::collections::HashMap;
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use tokio::sync::watch;

/// Serialises a snapshot (the shop's state document) off the shop's lock, on the writer.
pub type EncodeSnapshot = Box<dyn FnOnce() -> Result<Vec<u8>, String> + Send>;

/// One change for the disk, in queue order.
pub enum Op {
    /// Records (framed) to append to a shop's log.
    Append {
        /// The shop.
        shop_id: String,
        /// Whole records.
        bytes: Vec<u8>,
    },
    /// A new snapshot of a shop, covering its log up to `log_seq`: creates the shop's
    /// directory if new, replaces `snapshot.json`, then starts an empty log after `log_seq`.
    Snapshot {
        /// The shop.
        shop_id: String,
        /// The last record the snapshot includes.
        log_seq: u64,
        /// The snapshot file's bytes, made on the writer.
        encode: EncodeSnapshot,
        /// Told the snapshot's size once written (the next compaction waits for a log
        /// at least that big).
        size: Arc<AtomicU64>,
    },
    /// A shop deleted: its directory goes.
    Delete {
        /// The shop.
        shop_id: String,
    },
}

struct Queue {
    ops: Vec<Op>,
    stop: bool,
}

struct Shared {
    root: PathBuf,
    queue: Mutex<Queue>,
    wake: Condvar,
    /// Tickets handed out (the last one).
    queued: AtomicU64,
    /// The last ticket whose changes are on disk.
    durable: watch::Sender<u64>,
    /// The same, for waiters with no runtime ([`Writer::settle_blocking`]).
    durable_blocking: (Mutex<u64>, Condvar),
    /// Why the writer stopped, once it did.
    failed: OnceLock<String>,
}

impl Shared {
    fn publish(&self, done: u64) {
        self.durable.send_replace(done);
        *self.durable_blocking.0.lock().unwrap_or_else(|e| e.into_inner()) = done;
        self.durable_blocking.1.notify_all();
    }
}

/// The queue and its writer thread; the thread stops (after writing what is queued) when the
/// last clone is dropped.
#[derive(Clone)]
pub struct Writer(Arc<Owner>);

struct Owner {
    shared: Arc<Shared>,
    thread: Mutex<Option<std::thread::JoinHandle<()>>>,
}

impl Drop for Owner {
    fn drop(&mut self) {
        self.shared.queue.lock().unwrap_or_else(|e| e.into_inner()).stop = true;
        self.shared.wake.notify_all();
        if let Some(thread) = self.thread.lock().unwrap_or_else(|e| e.into_inner()).take() {
            let _ = thread.join();
        }
    }
}

/// A log file to append to, and the shop's log name.
pub const LOG_FILE: &str = "log";
/// A shop's snapshot file.
pub const SNAPSHOT_FILE: &str = "snapshot.json";

impl Writer {
    /// Starts the writer of the state directory `root` (which exists, with `shops/` and
    /// `trash/`).
    pub fn start(root: &Path) -> std::io::Result<Writer> {
        let shared = Arc::new(Shared {
            root: root.to_path_buf(),
            queue: Mutex::new(Queue { ops: Vec::new(), stop: false }),
            wake: Condvar::new(),
            queued: AtomicU64::new(0),
            durable: watch::channel(0).0,
            durable_blocking: (Mutex::new(0), Condvar::new()),
            failed: OnceLock::new(),
        });
        let thread = {
            let shared = shared.clone();
            std::thread::Builder::new().name("rms-mock-state-dir".into()).spawn(move || write_loop(&shared))?
        };
        Ok(Writer(Arc::new(Owner { shared, thread: Mutex::new(Some(thread)) })))
    }

    /// Queues a change; returns its ticket.
    pub fn queue(&self, op: Op) -> u64 {
        let shared = &self.0.shared;
        let mut queue = shared.queue.lock().unwrap_or_else(|e| e.into_inner());
        queue.ops.push(op);
        let ticket = shared.queued.fetch_add(1, Ordering::SeqCst) + 1;
        drop(queue);
        shared.wake.notify_one();
        ticket
    }

    /// Waits until every change queued before this call is on disk; the reason when the
    /// writer has failed.
    pub async fn settled(&self) -> Result<(), String> {
        let shared = &self.0.shared;
        let target = shared.queued.load(Ordering::SeqCst);
        if *shared.durable.borrow() < target {
            let mut done = shared.durable.subscribe();
            let _ = done.wait_for(|d| *d >= target || shared.failed.get().is_some()).await;
        }
        match shared.failed.get() {
            Some(why) => Err(why.clone()),
            None => Ok(()),
        }
    }

    /// [`Writer::settled`] for a caller with no runtime (startup, tests): blocks.
    pub fn settle_blocking(&self) -> Result<(), String> {
        let shared = &self.0.shared;
        let target = shared.queued.load(Ordering::SeqCst);
        let (done, changed) = &shared.durable_blocking;
        let mut done = done.lock().unwrap_or_else(|e| e.into_inner());
        while *done < target && shared.failed.get().is_none() {
            done = changed.wait(done).unwrap_or_else(|e| e.into_inner());
        }
        drop(done);
        match shared.failed.get() {
            Some(why) => Err(why.clone()),
            None => Ok(()),
        }
    }
}

fn write_loop(shared: &Shared) {
    let mut logs: HashMap<String, File> = HashMap::new();
    let mut done = 0u64;
    loop {
        let (ops, stop) = {
            let mut queue = shared.queue.lock().unwrap_or_else(|e| e.into_inner());
            while queue.ops.is_empty() && !queue.stop {
                queue = shared.wake.wait(queue).unwrap_or_else(|e| e.into_inner());
            }
            (std::mem::take(&mut queue.ops), queue.stop)
        };
        let taken = ops.len() as u64;
        if let Err(why) = write_batch(&shared.root, &mut logs, ops) {
            let why = format!("the state directory {} could not be written: {why}", shared.root.display());
            tracing::error!(target: "rms_mock::state_dir", "{why}; changes are no longer kept: restart the server");
            let _ = shared.failed.set(why);
            shared.publish(done);
            // Later changes are refused by `settled`; keep draining so nothing waits on us.
            loop {
                let mut queue = shared.queue.lock().unwrap_or_else(|e| e.into_inner());
                queue.ops.clear();
                if queue.stop {
                    return;
                }
                drop(shared.wake.wait(queue).unwrap_or_else(|e| e.into_inner()));
            }
        }
        done += taken;
        shared.publish(done);
        if stop {
            return;
        }
    }
}

/// Writes one batch in queue order, then fsyncs each log appended to (once). A shop's
/// records of the batch go out in one write, before anything else of that shop's.
fn write_batch(root: &Path, logs: &mut HashMap<String, File>, ops: Vec<Op>) -> Result<(), String> {
    let mut pending: Vec<(String, Vec<u8>)> = Vec::new();
    let mut touched: Vec<String> = Vec::new();
    for op in ops {
        match op {
            Op::Append { shop_id, bytes } => match pending.iter_mut().find(|(s, _)| *s == shop_id) {
                Some((_, buffer)) => buffer.extend_from_slice(&bytes),
                None => pending.push((shop_id, bytes)),
            },
            Op::Snapshot { shop_id, log_seq, encode, size } => {
                // The shop's records before it are in the snapshot: the new log starts after them.
                pending.retain(|(s, _)| *s != shop_id);
                let dir = files::shop_dir(root, &shop_id);
                let bytes = encode().map_err(|e| format!("shop {shop_id}'s snapshot: {e}"))?;
                write_snapshot(&dir, log_seq, &bytes).map_err(|e| format!("{}: {e}", dir.display()))?;
                size.store(bytes.len() as u64, Ordering::Relaxed);
                // The old log's records are in the snapshot: appends go to the new log.
                logs.remove(&shop_id);
                touched.retain(|s| *s != shop_id);
            }
            Op::Delete { shop_id } => {
                pending.retain(|(s, _)| *s != shop_id);
                logs.remove(&shop_id);
                touched.retain(|s| *s != shop_id);
                delete_shop(root, &shop_id).map_err(|e| format!("deleting shop {shop_id}: {e}"))?;
            }
        }
    }
    flush(root, logs, &mut pending, &mut touched)?;
    for shop_id in touched {
        if let Some(file) = logs.get(&shop_id) {
            file.sync_data().map_err(|e| format!("shop {shop_id}'s log: fsync: {e}"))?;
        }
    }
    Ok(())
}

/// Appends the pending records, each shop's in one write.
fn flush(
    root: &Path,
    logs: &mut HashMap<String, File>,
    pending: &mut Vec<(String, Vec<u8>)>,
    touched: &mut Vec<String>,
) -> Result<(), String> {
    for (shop_id, bytes) in pending.drain(..) {
        let file = match logs.entry(shop_id.clone()) {
            std::collections::hash_map::Entry::Occupied(f) => f.into_mut(),
            std::collections::hash_map::Entry::Vacant(v) => {
                let path = files::shop_dir(root, &shop_id).join(LOG_FILE);
                v.insert(files::open_append(&path).map_err(|e| format!("{}: {e}", path.display()))?)
            }
        };
        file.write_all(&bytes).map_err(|e| format!("shop {shop_id}'s log: {e}"))?;
        if !touched.contains(&shop_id) {
            touched.push(shop_id);
        }
    }
    Ok(())
}

/// A shop's snapshot, then a new log that starts after it; a new shop's directory first.
/// Each step is atomic, so a crash between them leaves a snapshot that its (old) log's
/// records up to `log_seq` are skipped against, or no snapshot at all for a new shop (whose
/// creation was then never acknowledged).
pub fn write_snapshot(dir: &Path, log_seq: u64, snapshot: &[u8]) -> std::io::Result<()> {
    if !dir.exists() {
        fs::create_dir(dir)?;
        if let Some(parent) = dir.parent() {
            files::sync_dir(parent)?;
        }
    }
    files::replace_file(dir, SNAPSHOT_FILE, snapshot)?;
    files::replace_file(dir, LOG_FILE, &super::log_header(log_seq))
}

/// Moves a shop's directory to `trash/` (atomic), then removes it.
fn delete_shop(root: &Path, shop_id: &str) -> std::io::Result<()> {
    let dir = files::shop_dir(root, shop_id);
    if !dir.exists() {
        return Ok(());
    }
    let trash = root.join("trash");
    let mut n = 0u32;
    let gone = loop {
        let candidate = trash.join(format!("{}.{n}", files::shop_dir_name(shop_id)));
        if !candidate.exists() {
            break candidate;
        }
        n += 1;
    };
    fs::rename(&dir, &gone)?;
    files::sync_dir(&root.join("shops"))?;
    files::sync_dir(&trash)?;
    fs::remove_dir_all(&gone)
}

/// Appends framed `payload` to `out` (re-exported for the logger).
pub fn frame_into(out: &mut Vec<u8>, payload: &[u8]) {
    frame::encode_into(out, payload);
}
