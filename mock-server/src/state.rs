//! The state document: the complete, versioned, human-readable state of shops, as
//! `GET /__admin/state` exports it and `PUT /__admin/state`, `rms-mock serve --state FILE` and
//! [`RmsMock::import_state`](crate::RmsMock::import_state) import it.
//!
//! ```json
//! {"format": "rms-mock-state", "version": 1, "shops": [ {"shop": {…}, "items": […], …} ]}
//! ```
//!
//! One document per shop ([`crate::domain::state::ShopState`]), keys in a fixed order (struct
//! order; maps by key), datetimes as the order API writes them (`2026-11-28T09:00:00+0900`),
//! amounts as integers, pretty-printed: the same state is the same bytes, and a change to a
//! shop is a readable diff. `schemas/state.schema.json` describes it.
//!
//! Versions: a document states its `version`. This build writes [`STATE_VERSION`] and reads
//! it and every older one, migrating on the way in ([`migrate`]); a newer version, another
//! `format`, or a document that does not hold together is refused with a message that says
//! where and why, never taken in part or replaced by defaults.

use crate::domain::shop::Shop;
use crate::domain::state::ShopState;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The `format` of a state document.
pub const STATE_FORMAT: &str = "rms-mock-state";

/// The version this build writes (and the newest it reads).
pub const STATE_VERSION: u64 = 1;

/// The most bytes of a state document `PUT /__admin/state` accepts: 256 MiB, room for a shop
/// of about 200,000 orders (an order takes about 1.2 KiB).
pub const MAX_STATE_BYTES: usize = 256 * 1024 * 1024;

/// A state document as this build writes it.
#[derive(Serialize)]
struct Document<'a> {
    format: &'static str,
    version: u64,
    shops: &'a [ShopState],
}

/// The shops of a document, read.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReadDocument {
    #[serde(rename = "format")]
    _format: String,
    #[serde(rename = "version")]
    _version: u64,
    shops: Vec<ShopState>,
}

/// Why a state document was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StateDocError {
    /// Not JSON, or not an object.
    #[error("the state document is not JSON: {0}")]
    NotJson(String),
    /// Another `format` (or none).
    #[error("the state document's format is {found}, not \"rms-mock-state\"")]
    UnknownFormat {
        /// The format found (`none` when absent).
        found: String,
    },
    /// A version this build does not know (newer, or not a version at all).
    #[error(
        "the state document's version {found} is newer than this rms-mock reads (up to {STATE_VERSION}); \
         use a newer rms-mock"
    )]
    NewerVersion {
        /// The version found.
        found: u64,
    },
    /// `version` missing or not a positive integer.
    #[error("the state document's version is {found}, not a version number (1, 2, …)")]
    BadVersion {
        /// What was found.
        found: String,
    },
    /// A key, type or value does not fit the format.
    #[error("the state document does not fit format version {STATE_VERSION} at {at}: {problem}")]
    Invalid {
        /// Where (`shops[0].orders[3].progress`).
        at: String,
        /// What is wrong.
        problem: String,
    },
    /// The document fits the format, but a shop in it does not hold together.
    #[error("shop {shop} of the state document: {problem}")]
    Shop {
        /// The shop's index in `shops`.
        shop: usize,
        /// What is wrong, and where in the shop.
        problem: String,
    },
    /// Two shops with the same id.
    #[error("the state document holds shop {0} twice")]
    DuplicateShop(String),
}

/// The JSON state document of these shops (pretty-printed, with a final newline).
pub fn to_json(shops: &[ShopState]) -> String {
    let doc = Document { format: STATE_FORMAT, version: STATE_VERSION, shops };
    // Plain data with string keys: serializing cannot fail.
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

/// Reads a state document: checks its format and version, migrates an older version, and
/// reads its shops. Each shop is only read here, not checked against itself: [`build`] does.
pub fn from_json(bytes: &[u8]) -> Result<Vec<ShopState>, StateDocError> {
    let mut doc: Value = serde_json::from_slice(bytes).map_err(|e| StateDocError::NotJson(e.to_string()))?;
    let Some(object) = doc.as_object() else {
        return Err(StateDocError::NotJson("the document is not a JSON object".into()));
    };
    match object.get("format") {
        Some(Value::String(f)) if f == STATE_FORMAT => {}
        other => return Err(StateDocError::UnknownFormat { found: other.map_or("none".into(), Value::to_string) }),
    }
    let version = match object.get("version") {
        Some(Value::Number(n)) => n.as_u64().filter(|v| *v >= 1),
        _ => None,
    };
    let Some(version) = version else {
        return Err(StateDocError::BadVersion { found: object.get("version").map_or("none".into(), Value::to_string) });
    };
    if version > STATE_VERSION {
        return Err(StateDocError::NewerVersion { found: version });
    }
    migrate(&mut doc, version);
    let read: ReadDocument = serde_path_to_error::deserialize(doc)
        .map_err(|e| StateDocError::Invalid { at: e.path().to_string(), problem: e.into_inner().to_string() })?;
    let mut ids = std::collections::BTreeSet::new();
    for shop in &read.shops {
        if !ids.insert(shop.shop.profile.shop_id.clone()) {
            return Err(StateDocError::DuplicateShop(shop.shop.profile.shop_id.clone()));
        }
    }
    Ok(read.shops)
}

/// Brings a document of an older `version` up to [`STATE_VERSION`], one version at a time,
/// on the JSON tree (so each step only knows two adjacent formats). Version 1 is the first,
/// so there is nothing to do yet. When version 2 changes the format, this grows a step:
///
/// ```text
/// if version < 2 {
///     // e.g. v2 renamed shop.buyers_rng to shop.buyer_rng:
///     for shop in shops_mut(doc) { rename(shop["shop"], "buyers_rng", "buyer_rng") }
/// }
/// ```
///
/// and `STATE_VERSION` becomes 2; documents of version 1 still load, and a test keeps a
/// version-1 fixture loading. A step never guesses: what it cannot convert is refused.
fn migrate(doc: &mut Value, version: u64) {
    debug_assert!(version <= STATE_VERSION);
    if let Some(v) = doc.get_mut("version") {
        *v = Value::from(STATE_VERSION);
    }
}

/// Builds the shops of a read document; Err names the first that does not hold together.
pub fn build(shops: Vec<ShopState>) -> Result<Vec<Shop>, StateDocError> {
    shops
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let id = s.shop.profile.shop_id.clone();
            Shop::from_state(s).map_err(|e| StateDocError::Shop { shop: i, problem: format!("{id}: {e}") })
        })
        .collect()
}

#[cfg(test)]
mod tests;
