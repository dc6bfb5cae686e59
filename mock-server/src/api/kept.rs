//! Encoded parts of answers kept between requests, per worker thread: an order's model
//! (getOrder), an item (items.get). Clients ask for the same orders and items again (polling,
//! retries); an encoding kept under a key that says everything the bytes depend on — the
//! data's [`Stamp`](crate::domain::stamp::Stamp) among it — is the same bytes, so a copy
//! replaces a serialisation.
//!
//! A fixed number of slots, chosen by a hash of the key: a newer encoding simply replaces what
//! was there, so memory stays bounded (`SLOTS` × `MAX_BYTES` per thread at worst) with no
//! bookkeeping. Per thread, so no lock is taken; each worker warms its own.

/// Slots per cache and thread.
pub const SLOTS: usize = 256;
/// Encodings larger than this are not kept (such answers are rare; they are serialised again).
pub const MAX_BYTES: usize = 16 * 1024;

/// One kind of kept encoding, keyed by `K`.
pub struct Kept<K> {
    slots: Vec<Option<(K, Box<[u8]>)>>,
}

impl<K> Default for Kept<K> {
    fn default() -> Self {
        Kept { slots: (0..SLOTS).map(|_| None).collect() }
    }
}

impl<K> Kept<K> {
    /// Appends to `buf` the encoding kept under a key that `matches` (in the slot `hash`
    /// picks), or what `encode` writes, then kept under `key()`. The key must hold everything
    /// the bytes depend on; `matches` compares the request's with it without building one.
    pub fn write(
        &mut self,
        buf: &mut Vec<u8>,
        hash: u64,
        matches: impl FnOnce(&K) -> bool,
        key: impl FnOnce() -> K,
        encode: impl FnOnce(&mut Vec<u8>),
    ) {
        let slot = &mut self.slots[(hash.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 32) as usize % SLOTS];
        match slot {
            Some((kept, bytes)) if matches(kept) => buf.extend_from_slice(bytes),
            _ => {
                let start = buf.len();
                encode(buf);
                let bytes = &buf[start..];
                if bytes.len() <= MAX_BYTES {
                    *slot = Some((key(), bytes.into()));
                }
            }
        }
    }
}
