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
use serde_json::value::RawValue;
use serde_json::Value;

/// The `format` of a state document.
pub const STATE_FORMAT: &str = "rms-mock-state";

/// The version this build writes (and the newest it reads).
pub const STATE_VERSION: u64 = 1;

/// The most bytes of a state document `PUT /__admin/state` accepts: 256 MiB, room for about
/// 50,000 orders (an order takes about 5.3 KB pretty-printed). Bigger states start a server
/// with `serve --state FILE`, which reads a file of any size.
pub const MAX_STATE_BYTES: usize = 256 * 1024 * 1024;

/// A state document as this build writes it.
#[derive(Serialize)]
struct Document<'a> {
    format: &'static str,
    version: u64,
    shops: &'a [ShopState],
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

/// The document's three keys, their values not read yet: the format and version are checked
/// before the shops are read (straight from the text, when the version is this build's).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Envelope<'a> {
    #[serde(borrow)]
    format: Option<&'a RawValue>,
    #[serde(borrow)]
    version: Option<&'a RawValue>,
    #[serde(borrow)]
    shops: Option<&'a RawValue>,
}

/// Reads a state document: checks its format and version, migrates an older version, and
/// reads its shops. Each shop is only read here, not checked against itself: [`build`] does.
pub fn from_json(bytes: &[u8]) -> Result<Vec<ShopState>, StateDocError> {
    let text = std::str::from_utf8(bytes).map_err(|e| StateDocError::NotJson(e.to_string()))?;
    if !text.trim_start().starts_with('{') {
        return Err(StateDocError::NotJson("the document is not a JSON object".into()));
    }
    let envelope: Envelope = serde_json::from_str(text).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => StateDocError::Invalid { at: ".".into(), problem: e.to_string() },
        _ => StateDocError::NotJson(e.to_string()),
    })?;
    let raw = |v: Option<&RawValue>| v.map(|v| serde_json::from_str::<Value>(v.get()).unwrap_or(Value::Null));
    match raw(envelope.format) {
        Some(Value::String(f)) if f == STATE_FORMAT => {}
        other => return Err(StateDocError::UnknownFormat { found: other.map_or("none".into(), |v| v.to_string()) }),
    }
    let version = raw(envelope.version);
    let Some(number) = version.as_ref().and_then(Value::as_u64).filter(|v| *v >= 1) else {
        return Err(StateDocError::BadVersion { found: version.map_or("none".into(), |v| v.to_string()) });
    };
    if number > STATE_VERSION {
        return Err(StateDocError::NewerVersion { found: number });
    }
    let Some(shops) = envelope.shops else {
        return Err(StateDocError::Invalid { at: ".".into(), problem: "missing field `shops`".into() });
    };
    let invalid = |e: serde_path_to_error::Error<serde_json::Error>| StateDocError::Invalid {
        at: format!("shops{}", e.path()).replace("shops.", "shops"),
        problem: e.into_inner().to_string(),
    };
    let shops: Vec<ShopState> = if number == STATE_VERSION {
        serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_str(shops.get())).map_err(invalid)?
    } else {
        let mut doc = serde_json::json!({ "shops": serde_json::from_str::<Value>(shops.get()).unwrap_or(Value::Null) });
        migrate(&mut doc, number);
        serde_path_to_error::deserialize(doc["shops"].take()).map_err(invalid)?
    };
    let mut ids = std::collections::BTreeSet::new();
    for shop in &shops {
        if !ids.insert(shop.shop.profile.shop_id.clone()) {
            return Err(StateDocError::DuplicateShop(shop.shop.profile.shop_id.clone()));
        }
    }
    Ok(shops)
}

/// Brings a document of an older `version` up to [`STATE_VERSION`], one version at a time,
/// on the JSON tree `{"shops": [...]}` (so each step only knows two adjacent formats; a
/// document of this build's version is read straight from its text). Version 1 is the first,
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
    debug_assert!(version < STATE_VERSION, "only older documents are migrated");
    let _ = doc;
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
