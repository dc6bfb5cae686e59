//! Log lines written to an output (the binary's stderr) in batches, by a thread of their own:
//! a write to stderr per request was a measurable part of answering one (issue 11).
//!
//! Each thread that writes lines appends them to a buffer of its own, so two request threads
//! never wait for each other to log (one shared buffer was a contended lock on every request,
//! and a thread preempted while holding it stalled the other). A line takes a number from one
//! counter while its thread holds its own buffer; the writer holds every buffer at once while
//! it takes their lines, so what it takes is exactly the lines numbered below some number,
//! and it writes them in number order: the output is in the order the lines were written,
//! across threads, as with one buffer.
//!
//! Written by hand: the crate for it (tracing-appender) hands every line to its thread through
//! a channel, a wake-up per line; here the thread is woken only by the first line after it
//! wrote a batch.

use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

/// Lines of one thread waiting for the output.
#[derive(Default)]
struct Lines {
    bytes: Vec<u8>,
    /// Each line's number and where it starts in `bytes`.
    starts: Vec<(u64, usize)>,
}

/// One thread's buffer; the batch holds it, and the thread while it lives.
#[derive(Default)]
struct ThreadLines(Mutex<Lines>);

/// Where lines wait for their output (see the module documentation).
pub(super) struct Batch {
    /// Every buffer a thread has written to (a dead thread's is dropped once written out).
    threads: Mutex<Vec<Arc<ThreadLines>>>,
    /// The next line's number.
    next: AtomicU64,
    /// Lines were written since the last batch was taken (the writer thread has work).
    waiting: AtomicBool,
    /// The writer thread sleeps on it until `waiting` is set.
    wake: (Mutex<()>, Condvar),
    /// The output, held while a batch is taken and written, so batches reach it in order.
    output: Mutex<Box<dyn Write + Send>>,
    /// A thread's lines beyond this are written out at once, by that thread.
    flush_bytes: usize,
}

/// A lock that a panic while it was held does not make unusable (a log line is never worth
/// a second panic).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

thread_local! {
    /// This thread's buffer in each batch it wrote to (a process has one; tests make more),
    /// by the batch's address.
    static MINE: std::cell::RefCell<Vec<(usize, Arc<ThreadLines>)>> = const { std::cell::RefCell::new(Vec::new()) };
}

impl Batch {
    /// A batch writing to `output`; with `delay`, a thread of its own writes each batch out
    /// at most `delay` after its first line (without, lines wait for `flush_bytes` or
    /// [`Batch::write_out`]).
    pub(super) fn start(output: Box<dyn Write + Send>, delay: Option<Duration>, flush_bytes: usize) -> &'static Batch {
        let batch: &'static Batch = Box::leak(Box::new(Batch {
            threads: Mutex::default(),
            next: AtomicU64::new(0),
            waiting: AtomicBool::new(false),
            wake: (Mutex::new(()), Condvar::new()),
            output: Mutex::new(output),
            flush_bytes,
        }));
        if let Some(delay) = delay {
            let spawned = std::thread::Builder::new().name("rms-mock-log".into()).spawn(move || loop {
                let mut asleep = lock(&batch.wake.0);
                while !batch.waiting.load(Ordering::Acquire) {
                    asleep = batch.wake.1.wait(asleep).unwrap_or_else(PoisonError::into_inner);
                }
                drop(asleep);
                std::thread::sleep(delay);
                batch.write_out();
            });
            // Without its thread, lines are written out whenever a thread's fill, and by `flush`.
            drop(spawned);
        }
        batch
    }

    /// Appends one line (or several, as one piece) to this thread's buffer.
    pub(super) fn append(&'static self, line: &[u8]) {
        let key = self as *const Batch as usize;
        let mine = MINE.try_with(|mine| {
            let mut mine = mine.borrow_mut();
            match mine.iter().find(|(k, _)| *k == key) {
                Some((_, buffer)) => buffer.clone(),
                None => {
                    let buffer = self.register();
                    mine.push((key, buffer.clone()));
                    buffer
                }
            }
        });
        // A line written while the thread is being torn down (its thread-locals are gone):
        // a buffer for this line alone, dropped once written out.
        let buffer = mine.unwrap_or_else(|_| self.register());
        let full = {
            let mut lines = lock(&buffer.0);
            // Numbered while this thread's buffer is held: see the module documentation.
            let number = self.next.fetch_add(1, Ordering::Relaxed);
            let start = lines.bytes.len();
            lines.starts.push((number, start));
            lines.bytes.extend_from_slice(line);
            lines.bytes.len() >= self.flush_bytes
        };
        if full {
            self.write_out();
        } else if !self.waiting.swap(true, Ordering::AcqRel) {
            // The first line since the last batch: wake the writer thread (taking its lock,
            // so the wake-up cannot fall between its test and its wait).
            let _asleep = lock(&self.wake.0);
            self.wake.1.notify_one();
        }
    }

    fn register(&self) -> Arc<ThreadLines> {
        let buffer = Arc::new(ThreadLines::default());
        lock(&self.threads).push(buffer.clone());
        buffer
    }

    /// Writes every line waiting, in the order they were written.
    pub(super) fn write_out(&self) {
        let mut output = lock(&self.output);
        // Lines written from here on wake the writer thread again.
        self.waiting.store(false, Ordering::Release);
        let taken: Vec<Lines> = {
            let mut threads = lock(&self.threads);
            // Every buffer held at once (threads take only their own, so no lock waits for
            // another in a cycle): see the module documentation.
            let mut held: Vec<MutexGuard<'_, Lines>> = threads.iter().map(|t| lock(&t.0)).collect();
            let taken = held.iter_mut().map(|lines| std::mem::take(&mut **lines)).collect();
            drop(held);
            // A buffer only the batch still holds belongs to a thread that ended.
            threads.retain(|t| Arc::strong_count(t) > 1);
            taken
        };
        let mut order: Vec<(u64, usize, usize)> = Vec::new();
        for (i, lines) in taken.iter().enumerate() {
            order.extend(lines.starts.iter().enumerate().map(|(j, &(number, _))| (number, i, j)));
        }
        if order.is_empty() {
            return;
        }
        order.sort_unstable();
        let mut out = Vec::with_capacity(taken.iter().map(|l| l.bytes.len()).sum());
        for (_, i, j) in order {
            let lines = &taken[i];
            let start = lines.starts[j].1;
            let end = lines.starts.get(j + 1).map_or(lines.bytes.len(), |next| next.1);
            out.extend_from_slice(&lines.bytes[start..end]);
        }
        // Nowhere to report a failing output; the lines are dropped as `eprintln!` would.
        let _ = output.write_all(&out).and_then(|()| output.flush());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<Vec<u8>>>);

    impl Write for Sink {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Sink {
        fn text(&self) -> String {
            String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
        }
    }

    /// Lines from three threads, taking turns (each waits for the one before), come out in
    /// the order they were written, though each thread's lines wait in a buffer of its own
    /// (written out in the order the threads first wrote, they would come out grouped).
    #[test]
    fn lines_of_several_threads_come_out_in_the_order_they_were_written() {
        let sink = Sink::default();
        let batch = Batch::start(Box::new(sink.clone()), None, 1 << 20);
        let turns: Vec<_> = (0..3).map(|_| std::sync::mpsc::channel::<u32>()).collect();
        let (done_tx, done_rx) = std::sync::mpsc::channel::<u32>();
        let mut senders: Vec<_> = turns.iter().map(|(tx, _)| tx.clone()).collect();
        let threads: Vec<_> = turns
            .into_iter()
            .enumerate()
            .map(|(t, (_, rx))| {
                let done = done_tx.clone();
                std::thread::spawn(move || {
                    for n in rx {
                        batch.append(format!("line {n} from thread {t}\n").as_bytes());
                        done.send(n).unwrap();
                    }
                })
            })
            .collect();
        // Thread 2 writes first, then 0, 1, 2, 0, …
        let schedule = [2, 0, 1, 2, 0, 0, 1, 2, 2, 1];
        for (n, t) in schedule.iter().enumerate() {
            senders[*t].send(n as u32).unwrap();
            assert_eq!(done_rx.recv().unwrap(), n as u32);
        }
        senders.clear();
        drop(done_tx);
        for t in threads {
            t.join().unwrap();
        }
        batch.write_out();
        let expected: String =
            schedule.iter().enumerate().map(|(n, t)| format!("line {n} from thread {t}\n")).collect();
        assert_eq!(sink.text(), expected);
        // The three threads have ended: their buffers are gone once written out.
        assert_eq!(lock(&batch.threads).len(), 0);
        batch.write_out();
        assert_eq!(sink.text(), expected, "nothing is written twice");
    }

    /// A thread's lines beyond the bound are written at once; below it, the writer thread
    /// writes them after its delay (a bounded wait, no sleep in the test).
    #[test]
    fn lines_are_written_when_a_buffer_fills_or_by_the_writer_thread() {
        let sink = Sink::default();
        let batch = Batch::start(Box::new(sink.clone()), None, 64);
        batch.append(&[b'a'; 40]);
        assert_eq!(sink.text(), "", "below the bound, lines wait");
        batch.append(&[b'b'; 40]);
        assert_eq!(sink.text().len(), 80, "the bound reached: written at once");

        let sink = Sink::default();
        let batch = Batch::start(Box::new(sink.clone()), Some(Duration::from_millis(1)), 1 << 20);
        batch.append(b"one\n");
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while sink.text().is_empty() {
            assert!(std::time::Instant::now() < deadline, "the writer thread never wrote the line");
            std::thread::yield_now();
        }
        assert_eq!(sink.text(), "one\n");
        batch.append(b"two\n");
        while sink.text().len() < 8 {
            assert!(std::time::Instant::now() < deadline, "the writer thread was not woken again");
            std::thread::yield_now();
        }
        assert_eq!(sink.text(), "one\ntwo\n");
    }
}
