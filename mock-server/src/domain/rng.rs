//! A small seeded generator (SplitMix64) so every id and every buyer is reproducible.
//!
//! We need determinism, not cryptographic quality, and a 20-line generator keeps the
//! dependency list short.

#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// Derives an independent stream, so that adding one kind of draw does not shift another.
    pub fn fork(&self, stream: u64) -> Rng {
        let mut r = Rng(self.0 ^ stream.wrapping_mul(0xA076_1D64_78BD_642F));
        r.next_u64();
        r
    }

    /// The generator's state: [`Rng::new`] of it goes on exactly where this one is.
    pub fn state(&self) -> u64 {
        self.0
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        debug_assert!(n > 0);
        self.next_u64() % n
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// A stable 64-bit hash of a string (FNV-1a), used to derive a shop's default seed.
pub fn seed_from(s: &str) -> u64 {
    let mut fnv = Fnv(FNV_OFFSET);
    fnv.add(s);
    fnv.0
}

/// [`seed_from`] of `"{a}:{b}"` (two numbers in decimal), without the formatting machinery:
/// every RMS answer's `RequestId` is derived so (from the shop's seed and the request's
/// number), and `format_args!` cost a tenth of the journal's share of a request.
#[cfg(test)]
pub fn seed_from_pair(a: u64, b: u64) -> u64 {
    pair_from_prefix(pair_prefix(a), b)
}

/// The state of [`seed_from_pair`] after `"{a}:"`, to be continued by [`pair_from_prefix`]
/// (the same `a` for many `b`: a shop's seed and its requests).
pub fn pair_prefix(a: u64) -> u64 {
    let mut fnv = Fnv(FNV_OFFSET);
    fnv.add_decimal(a);
    fnv.add_bytes(b":");
    fnv.0
}

/// [`seed_from_pair`] of the `a` whose [`pair_prefix`] is `prefix`, and `b`.
pub fn pair_from_prefix(prefix: u64, b: u64) -> u64 {
    let mut fnv = Fnv(prefix);
    fnv.add_decimal(b);
    fnv.0
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a over the bytes added to it.
struct Fnv(u64);

impl Fnv {
    fn add(&mut self, s: &str) {
        self.add_bytes(s.as_bytes());
    }

    fn add_bytes(&mut self, bytes: &[u8]) {
        self.0 = bytes.iter().fold(self.0, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3));
    }

    /// The bytes of `n` in decimal, as `{}` writes it.
    fn add_decimal(&mut self, n: u64) {
        self.add_bytes(super::text::decimal(n, &mut [0; 20]).as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seed_from_a_pair_is_the_seed_of_its_text() {
        let values = [0, 1, 9, 10, 42, 99, 100, 12_345, u64::from(u32::MAX), u64::MAX - 1, u64::MAX];
        for a in values {
            for b in values {
                assert_eq!(seed_from_pair(a, b), seed_from(&format!("{a}:{b}")), "{a}:{b}");
            }
        }
    }

    #[test]
    fn same_seed_gives_the_same_stream() {
        let a: Vec<u64> = (0..5)
            .map({
                let mut r = Rng::new(7);
                move |_| r.next_u64()
            })
            .collect();
        let b: Vec<u64> = (0..5)
            .map({
                let mut r = Rng::new(7);
                move |_| r.next_u64()
            })
            .collect();
        assert_eq!(a, b);
        let mut c = Rng::new(8);
        assert_ne!(a[0], c.next_u64());
    }

    #[test]
    fn range_stays_inside_its_bounds() {
        let mut r = Rng::new(1);
        for _ in 0..10_000 {
            let v = r.range(3, 9);
            assert!((3..=9).contains(&v));
        }
    }
}
