//! ESA authentication: `Authorization: ESA base64(serviceSecret:licenseKey)` selects the shop,
//! as on the real gateway (auth-and-limits.md §2–§5).

use crate::domain::shop::{ExtraKey, ShopHandle};
use crate::domain::time::JstDateTime;
use crate::registry::Registry;
use base64::Engine;
use std::cell::RefCell;

/// Why the gateway refused a request before it reached an API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GatewayError {
    /// Missing, malformed or unknown credentials (ES01-01).
    Unauthorised,
    /// The licence key passed its 90 days (ES01-01, or GA0001 if the shop says so).
    Expired,
    /// The shop's renewed key before it works (ES01-01, like a wrong key): RMS takes a new
    /// key 10–30 minutes after it is issued.
    KeyNotYetActive(JstDateTime),
    /// A key the shop holds for another app (ES01-01, like a wrong key).
    KeyOfOtherApp(String),
    /// The shop did not apply for the API or did not tick the function (ES04-01).
    FunctionDisabled,
    /// Over the per-function rate limit.
    RateLimited,
}

/// Decodes the header value into (serviceSecret, licenseKey).
#[cfg(test)]
pub fn parse_esa(header: &str) -> Option<(String, String)> {
    let decoded = Decoded::of(header)?;
    let (secret, key) = decoded.credentials()?;
    Some((secret.to_string(), key.to_string()))
}

/// The Base64 of an ESA header, decoded on the stack when it fits (every request carries
/// one; real credentials are about 50 bytes), on the heap when not.
#[derive(Clone)]
struct Decoded {
    stack: [u8; 192],
    len: usize,
    heap: Option<Vec<u8>>,
}

impl Decoded {
    /// The header decoded; a client sends the same header on every request, so each worker
    /// thread keeps the last one it decoded (a comparison instead of a Base64 decode).
    fn cached(header: &str) -> Option<Decoded> {
        thread_local!(static LAST: RefCell<Option<(String, Option<Decoded>)>> = const { RefCell::new(None) });
        LAST.with_borrow_mut(|last| match last {
            // The last header may be another client's: compared in constant time, so how long
            // the comparison takes says nothing about how much of it this header matches.
            Some((h, decoded)) if constant_time_eq(h.as_bytes(), header.as_bytes()) => decoded.clone(),
            _ => {
                let decoded = Decoded::of(header);
                *last = Some((header.to_string(), decoded.clone()));
                decoded
            }
        })
    }

    fn of(header: &str) -> Option<Decoded> {
        let b64 = header.strip_prefix("ESA ")?.trim();
        // The Base64 text must be on one line (auth-and-limits.md §2).
        if b64.is_empty() || b64.contains(char::is_whitespace) {
            return None;
        }
        let engine = base64::engine::general_purpose::STANDARD;
        let mut d = Decoded { stack: [0; 192], len: 0, heap: None };
        match engine.decode_slice(b64, &mut d.stack) {
            Ok(len) => d.len = len,
            Err(base64::DecodeSliceError::OutputSliceTooSmall) => d.heap = Some(engine.decode(b64).ok()?),
            Err(base64::DecodeSliceError::DecodeError(_)) => return None,
        }
        Some(d)
    }

    /// (serviceSecret, licenseKey): UTF-8, split at the first `:`, neither empty.
    fn credentials(&self) -> Option<(&str, &str)> {
        let raw = self.heap.as_deref().unwrap_or(&self.stack[..self.len]);
        let (secret, key) = std::str::from_utf8(raw).ok()?.split_once(':')?;
        (!secret.is_empty() && !key.is_empty()).then_some((secret, key))
    }
}

/// Whether a credential given by a client equals the expected one, in a time that depends on
/// their lengths only, never on where they first differ (an early-exit `==` would let a
/// client that times many guesses learn a secret byte by byte). Unequal lengths answer at
/// once: a secret's length is not worth hiding here. The admin token is compared with it too.
pub(crate) fn constant_time_eq(given: &[u8], expected: &[u8]) -> bool {
    if given.len() != expected.len() {
        return false;
    }
    // Eight bytes at a time: credentials are compared on every request, so the loop is short.
    let mut diff = 0u64;
    let (given_words, given_rest) = given.as_chunks::<8>();
    let (expected_words, expected_rest) = expected.as_chunks::<8>();
    for (g, e) in given_words.iter().zip(expected_words) {
        diff |= u64::from_ne_bytes(*g) ^ u64::from_ne_bytes(*e);
    }
    for (g, e) in given_rest.iter().zip(expected_rest) {
        diff |= u64::from(g ^ e);
    }
    // Opaque to the optimiser, so no early exit is derived from the accumulated difference.
    std::hint::black_box(diff) == 0
}

/// The header value for a pair of credentials.
pub fn esa_header(service_secret: &str, license_key: &str) -> String {
    format!("ESA {}", base64::engine::general_purpose::STANDARD.encode(format!("{service_secret}:{license_key}")))
}

/// Finds the shop for a request. On failure the shop is still returned when the service
/// secret was recognised, so the refusal lands in that shop's journal (a support engineer
/// then sees the ES01-01s of a mistyped key). On success `admitted` runs on the shop in the
/// same hold of its lock as the licence check (the gateway's next checks), and its result
/// comes back with the shop.
pub fn authenticate<T>(
    registry: &Registry,
    header: Option<&str>,
    admitted: impl FnOnce(&mut crate::domain::shop::Shop) -> T,
) -> Result<(ShopHandle, T), (GatewayError, Option<ShopHandle>)> {
    let decoded = header.and_then(Decoded::cached);
    let Some((secret, key)) = decoded.as_ref().and_then(Decoded::credentials) else {
        return Err((GatewayError::Unauthorised, None));
    };
    // The service secret selects the shop through a hash map: its probe compares the secret
    // only with the secrets filed under the same keyed (randomly seeded) hash, so its timing
    // tells nothing about how close a guess is. The licence key is compared in constant time.
    let found = registry.by_service_secret_then(secret, |s| {
        if !constant_time_eq(s.profile().license_key.as_bytes(), key.as_bytes()) {
            // Only a shop with a renewed key or other apps' keys looks further (README "Keys").
            if !s.profile().has_extra_keys() {
                return Err(GatewayError::Unauthorised);
            }
            match s.check_extra_key(key, constant_time_eq) {
                ExtraKey::Valid => Ok(admitted(s)),
                ExtraKey::NotYetActive { active_from } => Err(GatewayError::KeyNotYetActive(active_from)),
                ExtraKey::Expired => Err(GatewayError::Expired),
                ExtraKey::OtherApp { app } => Err(GatewayError::KeyOfOtherApp(app)),
                ExtraKey::Unknown => Err(GatewayError::Unauthorised),
            }
        } else if !s.license_valid() {
            Err(GatewayError::Expired)
        } else {
            Ok(admitted(s))
        }
    });
    match found {
        // Another app's secret a shop holds: refused as a wrong key, in that shop's journal.
        None => match registry.by_other_app_secret(secret) {
            Some((shop, app)) => Err((GatewayError::KeyOfOtherApp(app), Some(shop))),
            None => Err((GatewayError::Unauthorised, None)),
        },
        Some((shop, Ok(out))) => Ok((shop, out)),
        Some((shop, Err(e))) => Err((e, Some(shop))),
    }
}

/// Why credentials were refused, in words a developer can act on, never with the secret:
/// at most the first characters of the service secret ([`crate::journal::secret_hint`]).
/// None for refusals that are not about credentials.
pub fn refusal_note(header: Option<&str>, err: &GatewayError, shop_id: Option<&str>) -> Option<String> {
    let note = match (err, header, shop_id) {
        (GatewayError::Expired, _, Some(id)) => {
            format!("the licence key of shop {id} has expired (90 days after issue)")
        }
        (GatewayError::Unauthorised, _, Some(id)) => format!("the licence key does not match shop {id}'s"),
        (GatewayError::KeyNotYetActive(from), _, Some(id)) => {
            format!("the renewed licence key of shop {id} works only from {from} (RMS takes a new key 10–30 minutes after issue)")
        }
        (GatewayError::KeyOfOtherApp(app), _, Some(id)) => {
            format!("the key is shop {id}'s for another app ({app}), not for this one")
        }
        (GatewayError::Unauthorised, None, None) => "no Authorization header".into(),
        // The header was decoded by `authenticate` on this thread just before: the cached copy
        // is reused, so an unknown secret costs no second decode a known one does not.
        (GatewayError::Unauthorised, Some(h), None) => match Decoded::cached(h).as_ref().and_then(Decoded::credentials)
        {
            None => "the Authorization header is not `ESA base64(serviceSecret:licenseKey)`".into(),
            Some((secret, _)) => {
                format!("no shop has the service secret {}", crate::journal::secret_hint(secret))
            }
        },
        _ => return None,
    };
    Some(note)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn official_test_vector() {
        assert_eq!(esa_header("aaa", "bbb"), "ESA YWFhOmJiYg==");
        assert_eq!(parse_esa("ESA YWFhOmJiYg=="), Some(("aaa".into(), "bbb".into())));
    }

    #[test]
    fn the_last_decoded_header_is_only_reused_for_the_same_header() {
        let owned = |d: Option<Decoded>| d.and_then(|d| d.credentials().map(|(s, k)| (s.to_string(), k.to_string())));
        let (a, b) = (esa_header("aaa", "bbb"), esa_header("ccc", "ddd"));
        for (header, expected) in [(&a, Some(("aaa", "bbb"))), (&a, Some(("aaa", "bbb"))), (&b, Some(("ccc", "ddd")))] {
            assert_eq!(owned(Decoded::cached(header)), expected.map(|(s, k)| (s.to_string(), k.to_string())));
        }
        assert!(Decoded::cached("ESA !!!").is_none());
        assert_eq!(owned(Decoded::cached(&a)), Some(("aaa".to_string(), "bbb".to_string())));
    }

    #[test]
    fn credentials_longer_than_the_stack_buffer_decode_too() {
        let secret = "S".repeat(150);
        let key = "L".repeat(150);
        assert_eq!(parse_esa(&esa_header(&secret, &key)), Some((secret, key)));
    }

    #[test]
    fn credentials_compare_equal_only_when_every_byte_matches() {
        let secret = b"SL123456_TestLicense00001";
        assert!(constant_time_eq(secret, secret));
        assert!(constant_time_eq(b"", b""));
        for i in 0..secret.len() {
            let mut other = *secret;
            other[i] ^= 0x01;
            assert!(!constant_time_eq(&other, secret), "byte {i} differs");
        }
        assert!(!constant_time_eq(&secret[..24], secret), "a prefix");
        assert!(!constant_time_eq(b"SL123456_TestLicense000011", secret), "longer");
    }

    #[test]
    fn malformed_headers_are_refused() {
        for h in ["", "ESA", "ESA ", "Basic YWFhOmJiYg==", "ESA !!!", "ESA YWFh", "ESA YWFh\nOmJiYg==", "ESA OmJiYg=="]
        {
            assert_eq!(parse_esa(h), None, "{h:?}");
        }
    }
}
