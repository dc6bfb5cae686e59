//! What Item API 2.0 and Inventory API 2.0/2.1 share on the wire: the error type and its
//! `errors[]` envelope, body and query reading, and the answers of the shop gate
//! (SKU migration, read-only mode) (item-api.md §2, inventory-api.md §7), the stock rules'
//! refusals (both APIs write stock) and the answer for a path neither API has.

use super::{respond, Request, RmsReply};
use crate::api::BodyError;
use crate::domain::catalog::gate::GateRefusal;
use crate::domain::inventory::{StockRefusal, StockRefusalKind};
use crate::domain::time::JstDateTime;
use axum::http::header;
use axum::response::Response;
use serde::{Serialize, Serializer};
use serde_json::{json, Map, Value};

/// A datetime as the item and inventory APIs write it: `2026-11-28T09:00:00+09:00`.
pub struct Iso(pub JstDateTime);

impl Serialize for Iso {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.iso_text())
    }
}

/// An Item/Inventory API error: `{"code","message","metadata":{"details","propertyPath"}}` +
/// status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
    pub property_path: Option<String>,
    /// `metadata.details[]` as (code, message): the reasons behind IE0418, listed before
    /// `propertyPath` as a live answer has them (item-api.md §0).
    pub details: Vec<(&'static str, String)>,
}

impl ApiError {
    /// Any error.
    pub fn new(status: u16, code: &'static str, message: impl Into<String>, path: Option<&str>) -> Self {
        ApiError { status, code, message: message.into(), property_path: path.map(String::from), details: Vec::new() }
    }

    /// The same error with `metadata.details`.
    pub fn with_details(mut self, details: Vec<(&'static str, String)>) -> Self {
        self.details = details;
        self
    }

    /// A 400 about the field at `path`.
    pub fn bad(code: &'static str, message: impl Into<String>, path: &str) -> Self {
        Self::new(400, code, message, Some(path))
    }

    /// IE0001
    pub fn mandatory(path: &str) -> Self {
        Self::bad("IE0001", format!("{path} is mandatory."), path)
    }

    /// IE0002 with the value as sent (a string without its quotes).
    pub fn invalid(path: &str, value: &Value) -> Self {
        let shown = match value {
            Value::String(s) => s.clone(),
            v => v.to_string(),
        };
        Self::invalid_shown(path, &shown)
    }

    /// IE0002 with the value already as text.
    pub fn invalid_shown(path: &str, shown: &str) -> Self {
        Self::bad("IE0002", format!("{path} has an invalid value : {shown}."), path)
    }

    /// IE0002 for a field the model does not have.
    pub fn unrecognized(path: &str) -> Self {
        let field = path.rsplit('.').next().unwrap_or(path);
        Self::bad("IE0002", format!("Unrecognized field {field}."), path)
    }

    /// IE0003
    pub fn range(path: &str, min: i64, max: i64) -> Self {
        Self::bad("IE0003", format!("{path} must be between {min} and {max}."), path)
    }

    /// IE0004
    pub fn too_long(path: &str, bytes: usize) -> Self {
        Self::bad("IE0004", format!("Max length of {path} must be within {bytes} bytes."), path)
    }

    /// IE0007
    pub fn choice(path: &str) -> Self {
        Self::bad("IE0007", format!("Invalid choice selected for {path}."), path)
    }

    /// IE1101
    pub fn too_many(path: &str) -> Self {
        Self::bad("IE1101", format!("{path} exceeds the maximum number of entries allowed."), path)
    }

    /// GE0014, without metadata.
    pub fn not_found(inputs: &str) -> Self {
        Self::new(404, "GE0014", format!("Not found for inputs; {inputs}"), None)
    }

    /// GE0011
    pub fn empty_body() -> Self {
        Self::new(400, "GE0011", "Request body is missing or is empty without any attributes.", None)
    }

    /// IE1105 (sku-migration.md §4) or GE0017: the shop gate's refusal.
    pub fn refused(r: GateRefusal) -> Self {
        match r {
            GateRefusal::NotMigrated => {
                Self::new(400, "IE1105", "This endpoint is disabled for the shop not migrated to SKU.", None)
            }
            GateRefusal::ReadOnly => Self::new(400, "GE0017", "Write methods isn't allowed in readsOnly-mode.", None),
        }
    }
}

/// `{"errors":[{"code","message","metadata":{"details","propertyPath"}}]}` with the first
/// error's status; `metadata` only when it has something, `details` only for the errors
/// that carry them.
pub fn errors(errs: &[ApiError]) -> RmsReply {
    let status = errs.first().map(|e| e.status).unwrap_or(400);
    let list: Vec<Value> = errs
        .iter()
        .map(|e| {
            let mut m = Map::new();
            m.insert("code".into(), json!(e.code));
            m.insert("message".into(), json!(e.message));
            let mut meta = Map::new();
            if !e.details.is_empty() {
                let details: Vec<Value> =
                    e.details.iter().map(|(code, message)| json!({"code": code, "message": message})).collect();
                meta.insert("details".into(), Value::Array(details));
            }
            if let Some(p) = &e.property_path {
                meta.insert("propertyPath".into(), json!(p));
            }
            if !meta.is_empty() {
                m.insert("metadata".into(), Value::Object(meta));
            }
            Value::Object(m)
        })
        .collect();
    RmsReply::json(status, json!({ "errors": list }))
}

pub fn error(e: ApiError) -> RmsReply {
    errors(&[e])
}

pub fn no_content() -> RmsReply {
    RmsReply::empty(204)
}

/// The JSON body of a write: media type, presence and syntax checked.
pub fn json_body(req: &Request<'_>) -> Result<Value, ApiError> {
    if let Some(ct) = req.headers.get(header::CONTENT_TYPE) {
        let ct = ct.to_str().unwrap_or("");
        let media = ct.split(';').next().unwrap_or("").trim();
        if !media.eq_ignore_ascii_case("application/json") {
            return Err(ApiError::new(415, "GE0012", format!("Media Type {media} is not supported"), None));
        }
    }
    let bytes = match &req.body {
        Ok(b) => b,
        Err(BodyError::TooLarge) => {
            return Err(ApiError::new(400, "GE0020", "The size of item is too large. Please reduce the data.", None))
        }
        Err(BodyError::Unreadable) => return Err(ApiError::empty_body()),
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::empty_body());
    }
    let v: Value = serde_json::from_slice(bytes)
        .map_err(|e| ApiError::new(400, "IE0002", format!("Request body has an invalid value : {e}."), None))?;
    match &v {
        Value::Object(m) if m.is_empty() => Err(ApiError::empty_body()),
        Value::Object(_) => Ok(v),
        _ => Err(ApiError::new(400, "IE0002", "Request body has an invalid value.", None)),
    }
}

/// Query parameters in order (percent-decoded).
pub fn query_pairs(query: Option<&str>) -> Result<Vec<(String, String)>, ApiError> {
    let Some(q) = query.filter(|q| !q.is_empty()) else {
        return Ok(vec![]);
    };
    let uri: axum::http::Uri =
        format!("/?{q}").parse().map_err(|_| ApiError::new(400, "IE1005", "Invalid request parameter.", None))?;
    axum::extract::Query::<Vec<(String, String)>>::try_from_uri(&uri)
        .map(|axum::extract::Query(v)| v)
        .map_err(|_| ApiError::new(400, "IE1005", "Invalid request parameter.", None))
}

/// A boolean query value; `True`/`False` too (JakeJP sends C#'s `ToString()`).
pub fn parse_bool(name: &str, v: &str) -> Result<bool, ApiError> {
    match v.to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(ApiError::new(400, "IE0002", format!("{name} has an invalid value : {v}."), None)),
    }
}

pub fn parse_int(name: &str, v: &str) -> Result<i64, ApiError> {
    v.trim().parse().map_err(|_| ApiError::new(400, "IE0002", format!("{name} has an invalid value : {v}."), None))
}

/// The RMS error for a refused stock write; `path_of(index, field)` names the field of the
/// refused write (`quantity` for a single upsert, `inventories[1].quantity` in a bulk one).
pub fn stock_refusal(r: &StockRefusal, path_of: impl Fn(usize, &str) -> String) -> ApiError {
    match r.kind {
        StockRefusalKind::RelativeWithoutRecord => ApiError::bad(
            "IE0500",
            "Cannot use relative mode to update inventory which the combination of manageNumber and variantId does not exist.",
            &path_of(r.index, "mode"),
        ),
        StockRefusalKind::QuantityOutOfRange => ApiError::bad(
            "IE0117",
            "After update, the quantity must be between 0 and 99999.",
            &path_of(r.index, "quantity"),
        ),
        StockRefusalKind::TooManyVariants => ApiError::bad(
            "IE0121",
            "Inventory cannot be added because the size has reached the limit.",
            &path_of(r.index, "variantId"),
        ),
    }
}

/// 400 GE0007, the answer for any path the API does not have.
pub fn no_such_path() -> Response {
    let reply = error(ApiError::new(400, "GE0007", "Requested path doesn't exist", None));
    respond(reply, "application/json", None)
}
