//! The change log's records on disk: `[length: u32 LE][CRC-32 of the payload: u32 LE]
//! [CRC-32 of those 8 bytes: u32 LE][payload]`.
//!
//! A record is written whole and fsynced before any answer that depends on it goes out, so
//! after a crash only the *last* records (those of the last, unacknowledged batch) can be
//! incomplete: a header cut short, a (checked) header whose payload runs past the end of the
//! file, a last record whose payload fails its checksum, or zeros (a file system may leave an
//! extended, never-written tail as zeros). Such a torn tail was never acknowledged and is
//! dropped. A bad record with more bytes after it is corruption, reported with its offset:
//! never silently skipped. The header's own checksum is what tells a length damaged in the
//! middle of the log (corruption) from a tail cut short (torn).

/// Bytes of a record's header (length and two checksums).
pub const HEADER_BYTES: usize = 12;

/// The largest payload a record may have (a record of a huge bulk step stays far below it);
/// a length above it is not a record.
pub const MAX_PAYLOAD_BYTES: usize = 1 << 30;

/// The CRC-32 (IEEE 802.3, as zlib and gzip compute it) of `bytes`.
pub fn crc32(bytes: &[u8]) -> u32 {
    const TABLE: [u32; 256] = {
        let mut table = [0u32; 256];
        let mut i = 0;
        while i < 256 {
            let mut c = i as u32;
            let mut k = 0;
            while k < 8 {
                c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
                k += 1;
            }
            table[i] = c;
            i += 1;
        }
        table
    };
    !bytes.iter().fold(!0u32, |c, &b| TABLE[((c ^ u32::from(b)) & 0xFF) as usize] ^ (c >> 8))
}

/// Appends one record holding `payload` to `out`.
pub fn encode_into(out: &mut Vec<u8>, payload: &[u8]) {
    let len = u32::try_from(payload.len()).unwrap_or(u32::MAX);
    let mut header = [0u8; 8];
    header[..4].copy_from_slice(&len.to_le_bytes());
    header[4..].copy_from_slice(&crc32(payload).to_le_bytes());
    out.extend_from_slice(&header);
    out.extend_from_slice(&crc32(&header).to_le_bytes());
    out.extend_from_slice(payload);
}

/// What reading a log's bytes found.
#[derive(Debug, PartialEq, Eq)]
pub struct Records<'a> {
    /// The payloads of the whole records, in order.
    pub payloads: Vec<&'a [u8]>,
    /// Bytes of the whole records: where the next record goes.
    pub valid_len: usize,
    /// True when bytes after them were a torn (incomplete) last record.
    pub torn: bool,
}

/// A record that is neither whole nor a torn tail.
#[derive(Debug, PartialEq, Eq)]
pub struct Corrupt {
    /// Offset of the bad record in the file.
    pub offset: usize,
    /// What is wrong with it.
    pub problem: &'static str,
}

/// Splits a log's bytes into records (see the module documentation for torn tails).
pub fn read(bytes: &[u8]) -> Result<Records<'_>, Corrupt> {
    let mut payloads = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let rest = &bytes[at..];
        let word = |i: usize| u32::from_le_bytes([rest[i], rest[i + 1], rest[i + 2], rest[i + 3]]);
        let torn = |payloads| Ok(Records { payloads, valid_len: at, torn: true });
        if rest.len() < HEADER_BYTES {
            return torn(payloads);
        }
        let (len, sum) = (word(0) as usize, word(4));
        if crc32(&rest[..8]) != word(8) || len == 0 || len > MAX_PAYLOAD_BYTES {
            // Only zeros from here: an unwritten tail, never acknowledged.
            return match rest.iter().all(|&b| b == 0) {
                true => torn(payloads),
                false => Err(Corrupt { offset: at, problem: "has a damaged header" }),
            };
        }
        if rest.len() < HEADER_BYTES + len {
            return torn(payloads);
        }
        let payload = &rest[HEADER_BYTES..HEADER_BYTES + len];
        if crc32(payload) != sum {
            // The last record with a bad checksum is torn (its bytes were not all written);
            // one with more records after it was damaged after it was written.
            return match rest[HEADER_BYTES + len..].iter().all(|&b| b == 0) {
                true => torn(payloads),
                false => Err(Corrupt { offset: at, problem: "fails its checksum" }),
            };
        }
        payloads.push(payload);
        at += HEADER_BYTES + len;
    }
    Ok(Records { payloads, valid_len: at, torn: false })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(payloads: &[&str]) -> Vec<u8> {
        let mut out = Vec::new();
        for p in payloads {
            encode_into(&mut out, p.as_bytes());
        }
        out
    }

    #[test]
    fn the_checksum_is_zlibs_crc32() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn whole_records_read_back_in_order() {
        let bytes = log(&["a", "bc", "{\"x\":1}"]);
        let r = read(&bytes).unwrap();
        assert_eq!(r.payloads, [&b"a"[..], b"bc", b"{\"x\":1}"]);
        assert_eq!((r.valid_len, r.torn), (bytes.len(), false));
    }

    #[test]
    fn a_torn_last_record_is_dropped_wherever_the_write_stopped() {
        let whole = log(&["first", "second"]);
        let first_len = HEADER_BYTES + 5;
        for cut in first_len..whole.len() {
            let r = read(&whole[..cut]).unwrap();
            assert_eq!((r.payloads.len(), r.valid_len, r.torn), (1, first_len, cut > first_len), "cut at {cut}");
        }
        // The whole length written, the payload not (or partly): a bad checksum at the end.
        let mut garbled = whole.clone();
        *garbled.last_mut().unwrap() ^= 0xFF;
        assert_eq!(read(&garbled).unwrap().valid_len, first_len);
        // Zeros the file system left after the last record.
        let mut zeros = whole.clone();
        zeros.extend([0u8; 100]);
        let r = read(&zeros).unwrap();
        assert_eq!((r.payloads.len(), r.valid_len, r.torn), (2, whole.len(), true));
    }

    #[test]
    fn a_damaged_record_with_records_after_it_is_corruption_with_its_offset() {
        let mut bytes = log(&["first", "second", "third"]);
        let second = HEADER_BYTES + 5;
        bytes[second + HEADER_BYTES + 1] ^= 0x01;
        assert_eq!(read(&bytes), Err(Corrupt { offset: second, problem: "fails its checksum" }));
        // A length damaged in the middle never passes for a tail cut short.
        let mut bytes = log(&["first", "second"]);
        bytes[..4].copy_from_slice(&1000u32.to_le_bytes());
        assert_eq!(read(&bytes), Err(Corrupt { offset: 0, problem: "has a damaged header" }));
    }
}
