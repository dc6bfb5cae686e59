//! Inventory API 2.0 and 2.1 (在庫API) under `/es/2.0/inventories/…` and `/es/2.1/…`
//! (inventory-api.md §2–§7). 2.1 adds `operationLeadTime` / `shipFromIds` and variant-lists.
//! The stock rules are in `domain::inventory`; their refusals get their RMS codes here.

use super::{handle_rms, rest, Call, Request, RmsReply};
use crate::api::rest::ApiError;
use crate::domain::catalog::gate::{self, CatalogFunction};
use crate::domain::function::FunctionId;
use crate::domain::inventory::{Extras, Mode, StockRecord, StockWrite, MAX_QUANTITY};
use crate::domain::item::{self, ViolationKind};
use crate::domain::shop::Shop;
use crate::settings::Api;
use crate::AppState;
use axum::body::Body;
use axum::extract::{OriginalUri, State};
use axum::http::{HeaderMap, Method};
use axum::response::Response;
use serde_json::{json, Map, Value};
use std::collections::HashSet;

pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/es/2.0/inventories/{*rest}", axum::routing::any(inventory_endpoint))
        .route("/es/2.1/inventories/{*rest}", axum::routing::any(inventory_endpoint))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Function {
    Get,
    Upsert,
    Delete,
    BulkGet,
    Range,
    BulkUpsert,
    VariantLists,
}

impl Function {
    fn id(self) -> FunctionId {
        match self {
            Function::Get => FunctionId::INVENTORY_GET,
            Function::Upsert => FunctionId::INVENTORY_UPSERT,
            Function::Delete => FunctionId::INVENTORY_DELETE,
            Function::BulkGet => FunctionId::INVENTORY_BULK_GET,
            Function::Range => FunctionId::INVENTORY_BULK_GET_RANGE,
            Function::BulkUpsert => FunctionId::INVENTORY_BULK_UPSERT,
            Function::VariantLists => FunctionId::INVENTORY_VARIANT_LISTS_GET,
        }
    }

    /// The function as the shop gate knows it.
    fn catalog(self) -> CatalogFunction {
        match self {
            Function::Get => CatalogFunction::StockGet,
            Function::Upsert => CatalogFunction::StockUpsert,
            Function::Delete => CatalogFunction::StockDelete,
            Function::BulkGet => CatalogFunction::StockBulkGet,
            Function::Range => CatalogFunction::StockRange,
            Function::BulkUpsert => CatalogFunction::StockBulkUpsert,
            Function::VariantLists => CatalogFunction::StockVariantLists,
        }
    }
}

/// A manageNumber in a path or body: lowered, or its RMS error, whose text names
/// `manageNumber` wherever it sits. Bad characters are IE0002, the inventory table's example
/// of it (`manageNumber has an invalid value : !~/invalidManageNumber.`); the table has no
/// IE0220.
fn manage_number(raw: &str, path: &str) -> Result<String, ApiError> {
    item::manage_number(raw).map_err(|k| {
        let k = match k {
            ViolationKind::ManageNumberCharacters => ViolationKind::Invalid { value: raw.to_string() },
            k => k,
        };
        super::item::errors::identifier_at(path, "manageNumber", k)
    })
}

/// A variantId in a path or body: checked, or its RMS error, whose text names `variantId`.
fn variant_id(raw: &str, path: &str) -> Result<(), ApiError> {
    item::variant_id(raw).map_err(|k| super::item::errors::identifier_at(path, "variantId", k))
}

fn route(method: &Method, v21: bool, rest: &str) -> Option<(Function, String, String)> {
    let segs: Vec<&str> = rest.split('/').collect();
    let none = String::new;
    Some(match (method.as_str(), segs.as_slice()) {
        ("GET", ["manage-numbers", m, "variants", v]) if !m.is_empty() && !v.is_empty() => {
            (Function::Get, m.to_string(), v.to_string())
        }
        ("PUT", ["manage-numbers", m, "variants", v]) if !m.is_empty() && !v.is_empty() => {
            (Function::Upsert, m.to_string(), v.to_string())
        }
        ("DELETE", ["manage-numbers", m, "variants", v]) if !m.is_empty() && !v.is_empty() => {
            (Function::Delete, m.to_string(), v.to_string())
        }
        ("POST", ["bulk-get"]) => (Function::BulkGet, none(), none()),
        ("GET", ["bulk-get", "range"]) => (Function::Range, none(), none()),
        ("POST", ["bulk-upsert"]) => (Function::BulkUpsert, none(), none()),
        ("GET", ["variant-lists", "manage-numbers", m]) if v21 && !m.is_empty() => {
            (Function::VariantLists, m.to_string(), none())
        }
        _ => return None,
    })
}

async fn inventory_endpoint(
    State(app): State<AppState>,
    method: Method,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let path = uri.path().to_string();
    let v21 = path.starts_with("/es/2.1/");
    let rest_path = path.get("/es/2.x/inventories/".len()..).unwrap_or("");
    let Some((function, m, v)) = route(&method, v21, rest_path) else {
        return rest::no_such_path();
    };
    let call = Call { api: Api::Inventory, function: function.id(), method, path };
    handle_rms(&app, call, &headers, uri.query(), body, |shop, req| {
        if let Err(r) = gate::admit(shop.settings(), function.catalog()) {
            return rest::error(ApiError::refused(r));
        }
        run(function, v21, &m, &v, shop, &req).unwrap_or_else(|errs| rest::errors(&errs))
    })
    .await
}

type Answer = Result<RmsReply, Vec<ApiError>>;

fn run(f: Function, v21: bool, raw_m: &str, raw_v: &str, shop: &mut Shop, req: &Request<'_>) -> Answer {
    let one = |e: ApiError| vec![e];
    match f {
        Function::Get | Function::Upsert | Function::Delete => {
            let m = manage_number(raw_m, "manageNumber").map_err(one)?;
            variant_id(raw_v, "variantId").map_err(one)?;
            match f {
                Function::Get => {
                    let rec = shop
                        .inventory()
                        .get(&m, raw_v)
                        .ok_or_else(|| vec![ApiError::not_found(&format!("manageNumber={m}, variantId={raw_v}"))])?;
                    Ok(RmsReply::json(200, record_json(&m, raw_v, rec, v21)))
                }
                Function::Upsert => {
                    let body = rest::json_body(req).map_err(one)?;
                    let write = parse_write(shop, &body, "", v21, Some((m, raw_v.to_string())))?;
                    shop.write_stock(&[write])
                        .map_err(|r| one(rest::stock_refusal(&r, |_, field| field.to_string())))?;
                    Ok(rest::no_content())
                }
                _ => {
                    shop.delete_stock(&m, raw_v)
                        .map_err(|_| one(ApiError::not_found(&format!("manageNumber={m}, variantId={raw_v}"))))?;
                    Ok(rest::no_content())
                }
            }
        }
        Function::BulkGet => {
            let body = rest::json_body(req).map_err(one)?;
            let list = entries(&body, 1000)?;
            let mut keys = Vec::new();
            let mut errs = Vec::new();
            let mut seen = HashSet::new();
            for (i, e) in list.iter().enumerate() {
                match key_of(e, i) {
                    Ok(k) => {
                        if !seen.insert(k.clone()) {
                            errs.push(duplicate(&k));
                        }
                        keys.push(k);
                    }
                    Err(mut e) => errs.append(&mut e),
                }
            }
            if !errs.is_empty() {
                return Err(errs);
            }
            // Unknown pairs are left out (inventory-api.md §6, [I]).
            let out: Vec<Value> = keys
                .iter()
                .filter_map(|(m, v)| shop.inventory().get(m, v).map(|r| record_json(m, v, r, v21)))
                .collect();
            Ok(RmsReply::json(200, json!({ "inventories": out })))
        }
        Function::Range => {
            let mut min = None;
            let mut max = None;
            for (k, v) in rest::query_pairs(req.query).map_err(one)? {
                match k.as_str() {
                    "minQuantity" => min = Some(rest::parse_int("minQuantity", &v).map_err(one)?),
                    "maxQuantity" => max = Some(rest::parse_int("maxQuantity", &v).map_err(one)?),
                    _ => {}
                }
            }
            if min.is_none() && max.is_none() {
                return Err(one(ApiError::new(
                    400,
                    "IE0105",
                    "One or both of minQuantity and maxQuantity query parameters is/are required.",
                    None,
                )));
            }
            for (name, v) in [("minQuantity", min), ("maxQuantity", max)] {
                if v.is_some_and(|v| !(0..=MAX_QUANTITY).contains(&v)) {
                    return Err(one(ApiError::new(
                        400,
                        "IE0003",
                        format!("{name} must be between 0 and 99999."),
                        None,
                    )));
                }
            }
            let (lo, hi) = (min.unwrap_or(0), max.unwrap_or(MAX_QUANTITY));
            if lo > hi {
                return Err(one(ApiError::new(
                    400,
                    "IE0113",
                    "minQuantity value, must be smaller than maxQuantity.",
                    None,
                )));
            }
            let found = shop.inventory().range(lo, hi);
            if found.len() > 1000 {
                return Err(one(ApiError::new(
                    400,
                    "IE0116",
                    "Too many search results, please change the query of search.",
                    None,
                )));
            }
            let out: Vec<Value> = found.iter().map(|((m, v), r)| record_json(m, v, r, v21)).collect();
            Ok(RmsReply::json(200, json!({ "inventories": out })))
        }
        Function::BulkUpsert => {
            let body = rest::json_body(req).map_err(one)?;
            let list = entries(&body, 400)?;
            let mut writes = Vec::new();
            let mut errs = Vec::new();
            let mut seen = HashSet::new();
            for (i, e) in list.iter().enumerate() {
                match parse_write(shop, e, &format!("inventories[{i}]."), v21, None) {
                    Ok(w) => {
                        let k = (w.manage_number.clone(), w.variant_id.clone());
                        if !seen.insert(k.clone()) {
                            errs.push(duplicate(&k));
                        }
                        writes.push(w);
                    }
                    Err(mut e) => errs.append(&mut e),
                }
            }
            if !errs.is_empty() {
                return Err(errs);
            }
            shop.write_stock(&writes)
                .map_err(|r| one(rest::stock_refusal(&r, |i, field| format!("inventories[{i}].{field}"))))?;
            Ok(rest::no_content())
        }
        Function::VariantLists => {
            let m = manage_number(raw_m, "manageNumber").map_err(one)?;
            let recs: Vec<(&String, &StockRecord)> = shop.inventory().variants_of(&m).collect();
            if recs.is_empty() {
                return Err(one(ApiError::not_found(&format!("manageNumber={m}"))));
            }
            let created = recs.iter().map(|(_, r)| r.created).min().unwrap_or(shop.now());
            let updated = recs.iter().map(|(_, r)| r.updated).max().unwrap_or(shop.now());
            Ok(RmsReply::json(
                200,
                json!({
                    "manageNumber": m,
                    "variantList": recs.iter().map(|(v, _)| v.as_str()).collect::<Vec<_>>(),
                    "created": created.to_iso(),
                    "updated": updated.to_iso(),
                }),
            ))
        }
    }
}

fn duplicate(k: &(String, String)) -> ApiError {
    ApiError::bad(
        "IE1102",
        format!("There are multiple occurrences of the same manageNumber and variantId : {}, {}", k.0, k.1),
        "inventories",
    )
}

/// The `inventories` list of a bulk body, 1..=max entries.
fn entries(body: &Value, max: usize) -> Result<Vec<Value>, Vec<ApiError>> {
    match body.get("inventories") {
        None | Some(Value::Null) => Err(vec![ApiError::mandatory("inventories")]),
        Some(Value::Array(l)) if l.is_empty() => Err(vec![ApiError::mandatory("inventories")]),
        Some(Value::Array(l)) if l.len() > max => Err(vec![ApiError::too_many("inventories")]),
        Some(Value::Array(l)) => Ok(l.clone()),
        Some(v) => Err(vec![ApiError::invalid("inventories", v)]),
    }
}

fn key_of(e: &Value, i: usize) -> Result<(String, String), Vec<ApiError>> {
    let mp = format!("inventories[{i}].manageNumber");
    let vp = format!("inventories[{i}].variantId");
    let mut errs = Vec::new();
    let m = match e.get("manageNumber").and_then(Value::as_str) {
        Some(s) => manage_number(s, &mp).map_err(|x| errs.push(x)).ok(),
        None => {
            errs.push(ApiError::mandatory(&mp));
            None
        }
    };
    let v = match e.get("variantId").and_then(Value::as_str) {
        Some(s) => variant_id(s, &vp).map(|_| s.to_string()).map_err(|x| errs.push(x)).ok(),
        None => {
            errs.push(ApiError::mandatory(&vp));
            None
        }
    };
    match (m, v) {
        (Some(m), Some(v)) if errs.is_empty() => Ok((m, v)),
        _ => Err(errs),
    }
}

/// One write: `{manageNumber?, variantId?, mode, quantity[, operationLeadTime, shipFromIds]}`.
/// `key` is given for the single-SKU upsert (the pair comes from the path).
fn parse_write(
    shop: &Shop,
    e: &Value,
    prefix: &str,
    v21: bool,
    key: Option<(String, String)>,
) -> Result<StockWrite, Vec<ApiError>> {
    let p = |f: &str| format!("{prefix}{f}");
    let mut errs = Vec::new();
    let allowed: &[&str] = match (key.is_some(), v21) {
        (true, false) => &["mode", "quantity"],
        (true, true) => &["mode", "quantity", "operationLeadTime", "shipFromIds"],
        (false, false) => &["manageNumber", "variantId", "mode", "quantity"],
        (false, true) => &["manageNumber", "variantId", "mode", "quantity", "operationLeadTime", "shipFromIds"],
    };
    let Some(obj) = e.as_object() else {
        return Err(vec![ApiError::invalid(prefix.trim_end_matches('.'), e)]);
    };
    for k in obj.keys() {
        if !allowed.contains(&k.as_str()) {
            errs.push(ApiError::unrecognized(&p(k)));
        }
    }
    let pair = match key {
        Some(k) => Some(k),
        None => {
            let i: usize =
                prefix.trim_start_matches("inventories[").split(']').next().and_then(|n| n.parse().ok()).unwrap_or(0);
            key_of(e, i).map_err(|mut x| errs.append(&mut x)).ok()
        }
    };
    let mode = match obj.get("mode") {
        None | Some(Value::Null) => {
            errs.push(ApiError::mandatory(&p("mode")));
            None
        }
        Some(Value::String(s)) if s == "ABSOLUTE" => Some(Mode::Absolute),
        Some(Value::String(s)) if s == "RELATIVE" => Some(Mode::Relative),
        Some(_) => {
            errs.push(ApiError::choice(&p("mode")));
            None
        }
    };
    let quantity = match obj.get("quantity") {
        None | Some(Value::Null) => {
            errs.push(ApiError::mandatory(&p("quantity")));
            None
        }
        Some(v) => match v.as_i64() {
            Some(q) => Some(q),
            None => {
                errs.push(ApiError::invalid(&p("quantity"), v));
                None
            }
        },
    };
    if let (Some(m), Some(q)) = (mode, quantity) {
        let (lo, hi) = if m == Mode::Absolute { (0, MAX_QUANTITY) } else { (-MAX_QUANTITY, MAX_QUANTITY) };
        if !(lo..=hi).contains(&q) {
            errs.push(ApiError::range(&p("quantity"), lo, hi));
        }
    }
    let extras = if v21 { Some(parse_extras(shop, obj, &p, &mut errs)) } else { None };
    match (pair, mode, quantity) {
        (Some((m, v)), Some(mode), Some(quantity)) if errs.is_empty() => {
            Ok(StockWrite { manage_number: m, variant_id: v, mode, quantity, extras })
        }
        _ => Err(errs),
    }
}

/// 2.1's optional settings, checked against the shop's ids (IE0118).
fn parse_extras(
    shop: &Shop,
    obj: &Map<String, Value>,
    p: &impl Fn(&str) -> String,
    errs: &mut Vec<ApiError>,
) -> Extras {
    let mut extras = Extras::default();
    let known_time = &shop.settings().delivery_time_ids;
    if let Some(olt) = obj.get("operationLeadTime").filter(|v| !v.is_null()) {
        let mut ids = (None, None);
        for (k, slot) in [("normalDeliveryTimeId", &mut ids.0), ("backOrderDeliveryTimeId", &mut ids.1)] {
            match olt.get(k) {
                None | Some(Value::Null) => {}
                Some(v) => match v.as_i64() {
                    Some(n) if known_time.contains(&n) => *slot = Some(n),
                    Some(n) => errs.push(ApiError::bad(
                        "IE0118",
                        format!("{n} is invalid because it is not defined in {k} of shop setting."),
                        &p(&format!("operationLeadTime.{k}")),
                    )),
                    None => errs.push(ApiError::invalid(&p(&format!("operationLeadTime.{k}")), v)),
                },
            }
        }
        extras.operation_lead_time = Some(ids);
    }
    if let Some(ids) = obj.get("shipFromIds").filter(|v| !v.is_null()) {
        match ids.as_array() {
            Some(list) => {
                let mut out = Vec::new();
                for (j, id) in list.iter().enumerate() {
                    match id.as_i64() {
                        Some(n) if shop.settings().ship_from_ids.contains(&n) => out.push(n),
                        Some(n) => errs.push(ApiError::bad(
                            "IE0118",
                            format!("{n} is invalid because it is not defined in shipFromIds of shop setting."),
                            &p(&format!("shipFromIds[{j}]")),
                        )),
                        None => errs.push(ApiError::invalid(&p(&format!("shipFromIds[{j}]")), id)),
                    }
                }
                extras.ship_from_ids = Some(out);
            }
            None => errs.push(ApiError::invalid(&p("shipFromIds"), ids)),
        }
    }
    extras
}

fn record_json(m: &str, v: &str, r: &StockRecord, v21: bool) -> Value {
    let mut o = Map::new();
    o.insert("manageNumber".into(), json!(m));
    o.insert("variantId".into(), json!(v));
    o.insert("quantity".into(), json!(r.quantity));
    if v21 {
        if let Some((n, b)) = r.extras.operation_lead_time {
            o.insert("operationLeadTime".into(), json!({"normalDeliveryTimeId": n, "backOrderDeliveryTimeId": b}));
        }
        if let Some(ids) = &r.extras.ship_from_ids {
            o.insert("shipFromIds".into(), json!(ids));
        }
    }
    o.insert("created".into(), json!(r.created.to_iso()));
    o.insert("updated".into(), json!(r.updated.to_iso()));
    Value::Object(o)
}
