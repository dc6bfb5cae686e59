//! Inventory API 2.0 and 2.1 (在庫API) under `/es/2.0/inventories/…` and `/es/2.1/…`
//! (inventory-api.md §2–§7). 2.1 adds `operationLeadTime` / `shipFromIds` and variant-lists.
//! The stock rules are in `domain::inventory`; their refusals get their RMS codes here.

use super::rest::Iso;
use super::{handle_rms, rest, Call, Request, RmsReply};
use crate::api::rest::ApiError;
use crate::domain::catalog::gate::{self, CatalogFunction};
use crate::domain::function::FunctionId;
use crate::domain::inventory::{Extras, Mode, StockRecord, StockWrite, MAX_QUANTITY};
use crate::domain::item::{self, ViolationKind};
use crate::domain::shop::Shop;
use crate::settings::Api;
use crate::AppState;
use axum::http::Method;
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::collections::HashSet;

/// Whether `path` is this family's: anything under `/es/2.0/inventories/` or
/// `/es/2.1/inventories/` (see [`crate::api::family`]).
pub(crate) fn serves(path: &str) -> bool {
    let rest = path.strip_prefix("/es/2.0/inventories/").or_else(|| path.strip_prefix("/es/2.1/inventories/"));
    rest.is_some_and(|rest| !rest.is_empty())
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

/// Which function a method and path call, with the manageNumber and variantId in the path.
fn route<'p>(method: &Method, v21: bool, rest: &'p str) -> Option<(Function, &'p str, &'p str)> {
    let mut segs = rest.split('/');
    let segs = [segs.next(), segs.next(), segs.next(), segs.next(), segs.next()];
    let pair = |m: &'p str, v: &'p str| (!m.is_empty() && !v.is_empty()).then_some((m, v));
    Some(match (method.as_str(), segs) {
        ("GET" | "PUT" | "DELETE", [Some("manage-numbers"), Some(m), Some("variants"), Some(v), None]) => {
            let (m, v) = pair(m, v)?;
            let f = match method.as_str() {
                "GET" => Function::Get,
                "PUT" => Function::Upsert,
                _ => Function::Delete,
            };
            (f, m, v)
        }
        ("POST", [Some("bulk-get"), None, ..]) => (Function::BulkGet, "", ""),
        ("GET", [Some("bulk-get"), Some("range"), None, ..]) => (Function::Range, "", ""),
        ("POST", [Some("bulk-upsert"), None, ..]) => (Function::BulkUpsert, "", ""),
        ("GET", [Some("variant-lists"), Some("manage-numbers"), Some(m), None, _]) if v21 && !m.is_empty() => {
            (Function::VariantLists, m, "")
        }
        _ => return None,
    })
}

/// Every Inventory API request comes through here (the whole request, as in `order_endpoint`).
pub(crate) async fn endpoint(app: &AppState, request: axum::extract::Request) -> super::Answered {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path();
    let v21 = path.starts_with("/es/2.1/");
    let rest_path = path.get("/es/2.x/inventories/".len()..).unwrap_or("");
    let Some((function, m, v)) = route(&parts.method, v21, rest_path) else {
        return (rest::no_such_path(), None);
    };
    let call =
        Call { api: Api::Inventory, function: function.id(), method: parts.method.clone(), path: path.to_string() };
    handle_rms(
        app,
        call,
        &parts.headers,
        parts.uri.query(),
        body,
        |_| (),
        |shop, req, ()| {
            if let Err(r) = gate::admit(shop.settings(), function.catalog()) {
                return rest::error(ApiError::refused(r));
            }
            run(function, v21, m, v, shop, &req).unwrap_or_else(|errs| rest::errors(&errs))
        },
    )
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
                    Ok(RmsReply::encoded(200, &record(&m, raw_v, rec, v21), Vec::new()))
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
            let inventories: Vec<RecordAnswer<'_>> =
                keys.iter().filter_map(|(m, v)| shop.inventory().get(m, v).map(|r| record(m, v, r, v21))).collect();
            Ok(RmsReply::encoded(200, &Inventories { inventories }, Vec::new()))
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
            let inventories: Vec<RecordAnswer<'_>> = found.iter().map(|((m, v), r)| record(m, v, r, v21)).collect();
            Ok(RmsReply::encoded(200, &Inventories { inventories }, Vec::new()))
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
            // A `partial_batch` fault: its rows fail, the others are applied (with the
            // bulk's own rules). Which row numbers of the body the applied ones were:
            let failing = |i: &usize| req.failing_rows.contains(i);
            let applied: Vec<usize> = (0..writes.len()).filter(|i| !failing(i)).collect();
            if applied.len() < writes.len() {
                let writes: Vec<StockWrite> =
                    writes.into_iter().enumerate().filter(|(i, _)| !failing(i)).map(|(_, w)| w).collect();
                shop.write_stock(&writes).map_err(|r| {
                    one(rest::stock_refusal(&r, |j, field| format!("inventories[{}].{field}", applied[j])))
                })?;
                return Err(failed_rows(list.len(), req.failing_rows));
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

/// The rows of a bulk upsert a `partial_batch` fault failed, each as the system error of its
/// row: 500 `X0000` with the row's `propertyPath` (inferred: RMS documents no partial
/// failure of a bulk upsert, and a row error of a server fault is most plausibly its system
/// error; README, "Inferred behaviour"). Rows past the end of the body are not there to fail.
fn failed_rows(rows: usize, failing: &[usize]) -> Vec<ApiError> {
    let mut failing: Vec<usize> = failing.iter().copied().filter(|i| *i < rows).collect();
    failing.sort_unstable();
    failing.dedup();
    let row =
        |i: usize| ApiError::new(500, "X0000", "An unexpected error has occurred", Some(&format!("inventories[{i}]")));
    failing.into_iter().map(row).collect()
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

/// One inventory record as get, bulk-get and range answer it, keys in wire order; the 2.1
/// fields only on 2.1 paths, and only when set.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RecordAnswer<'a> {
    manage_number: &'a str,
    variant_id: &'a str,
    quantity: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    operation_lead_time: Option<LeadTime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ship_from_ids: Option<&'a [i64]>,
    created: Iso,
    updated: Iso,
}

/// `operationLeadTime`
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LeadTime {
    normal_delivery_time_id: Option<i64>,
    back_order_delivery_time_id: Option<i64>,
}

fn record<'a>(m: &'a str, v: &'a str, r: &'a StockRecord, v21: bool) -> RecordAnswer<'a> {
    RecordAnswer {
        manage_number: m,
        variant_id: v,
        quantity: r.quantity,
        operation_lead_time: r
            .extras
            .operation_lead_time
            .filter(|_| v21)
            .map(|(n, b)| LeadTime { normal_delivery_time_id: n, back_order_delivery_time_id: b }),
        ship_from_ids: r.extras.ship_from_ids.as_deref().filter(|_| v21),
        created: Iso(r.created),
        updated: Iso(r.updated),
    }
}

/// bulk-get's and range's answer.
#[derive(Serialize)]
struct Inventories<'a> {
    inventories: Vec<RecordAnswer<'a>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_to_functions_with_their_manage_number_and_variant_id() {
        fn r(m: Method, v21: bool, p: &str) -> Option<(Function, &str, &str)> {
            route(&m, v21, p)
        }
        assert_eq!(r(Method::GET, false, "manage-numbers/a/variants/v"), Some((Function::Get, "a", "v")));
        assert_eq!(r(Method::PUT, false, "manage-numbers/a/variants/v"), Some((Function::Upsert, "a", "v")));
        assert_eq!(r(Method::DELETE, true, "manage-numbers/a/variants/v"), Some((Function::Delete, "a", "v")));
        assert_eq!(r(Method::POST, false, "manage-numbers/a/variants/v"), None);
        assert_eq!(r(Method::GET, false, "manage-numbers//variants/v"), None);
        assert_eq!(r(Method::GET, false, "manage-numbers/a/variants/v/"), None);
        assert_eq!(r(Method::POST, false, "bulk-get"), Some((Function::BulkGet, "", "")));
        assert_eq!(r(Method::GET, false, "bulk-get/range"), Some((Function::Range, "", "")));
        assert_eq!(r(Method::GET, false, "bulk-get/range/"), None);
        assert_eq!(r(Method::POST, false, "bulk-upsert"), Some((Function::BulkUpsert, "", "")));
        assert_eq!(r(Method::GET, true, "variant-lists/manage-numbers/a"), Some((Function::VariantLists, "a", "")));
        assert_eq!(r(Method::GET, false, "variant-lists/manage-numbers/a"), None, "2.1 only");
        assert_eq!(r(Method::GET, true, "variant-lists/manage-numbers/"), None);
    }
}
