//! What Item API 2.0 and Inventory API 2.0/2.1 share on the wire: the `errors[]` envelope,
//! body and query reading, the SKU-migration gate (item-api.md §2, inventory-api.md §7).

use super::{Request, RmsReply};
use crate::api::BodyError;
use crate::domain::item::ApiError;
use axum::http::header;
use serde_json::{json, Map, Value};

/// `{"errors":[{"code","message","metadata":{"propertyPath"}}]}` with the first error's status.
pub fn errors(errs: &[ApiError]) -> RmsReply {
    let status = errs.first().map(|e| e.status).unwrap_or(400);
    let list: Vec<Value> = errs
        .iter()
        .map(|e| {
            let mut m = Map::new();
            m.insert("code".into(), json!(e.code));
            m.insert("message".into(), json!(e.message));
            if let Some(p) = &e.property_path {
                m.insert("metadata".into(), json!({"propertyPath": p}));
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
    RmsReply { status: 204, body: None }
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
        Err(BodyError::Unreadable) => {
            return Err(ApiError::new(
                400,
                "GE0011",
                "Request body is missing or is empty without any attributes.",
                None,
            ))
        }
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::new(400, "GE0011", "Request body is missing or is empty without any attributes.", None));
    }
    let v: Value = serde_json::from_slice(bytes)
        .map_err(|e| ApiError::new(400, "IE0002", format!("Request body has an invalid value : {e}."), None))?;
    match &v {
        Value::Object(m) if m.is_empty() => {
            Err(ApiError::new(400, "GE0011", "Request body is missing or is empty without any attributes.", None))
        }
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
        format!("/?{q}").parse().map_err(|_| ApiError::new(400, "IE1005", "Invalid query parameter.", None))?;
    axum::extract::Query::<Vec<(String, String)>>::try_from_uri(&uri)
        .map(|axum::extract::Query(v)| v)
        .map_err(|_| ApiError::new(400, "IE1005", "Invalid query parameter.", None))
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
