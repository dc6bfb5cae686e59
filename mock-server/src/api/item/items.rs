//! items.get / upsert / patch / delete / bulk.get and the inventory-related settings
//! (item-api.md §3, §6, §8, §9).

use super::super::{rest, Request, RmsReply};
use crate::domain::item::{normalize_manage_number, ApiError};
use crate::domain::shop::Shop;
use serde_json::{json, Map, Value};

type Answer = Result<RmsReply, Vec<ApiError>>;

fn not_found(manage_number: &str) -> Vec<ApiError> {
    vec![ApiError::not_found(&format!("manageNumber={manage_number}"))]
}

/// items.get
pub fn get(shop: &Shop, manage_number: &str) -> Answer {
    let item = shop.catalog.get(manage_number).ok_or_else(|| not_found(manage_number))?;
    Ok(RmsReply::json(200, item.to_json()))
}

/// items.upsert: 201 + `{"manageNumber"}` when created, 204 when replaced.
pub fn upsert(shop: &mut Shop, manage_number: &str, req: &Request<'_>) -> Answer {
    let body = rest::json_body(req).map_err(|e| vec![e])?;
    if shop.upsert_item(manage_number, &body)? {
        Ok(RmsReply::json(201, json!({ "manageNumber": manage_number })))
    } else {
        Ok(rest::no_content())
    }
}

/// items.patch: 204.
pub fn patch(shop: &mut Shop, manage_number: &str, req: &Request<'_>) -> Answer {
    let body = rest::json_body(req).map_err(|e| vec![e])?;
    shop.patch_item(manage_number, &body)?;
    Ok(rest::no_content())
}

/// items.delete: 204.
pub fn delete(shop: &mut Shop, manage_number: &str) -> Answer {
    shop.delete_item(manage_number).map_err(|e| vec![e])?;
    Ok(rest::no_content())
}

/// items.bulk.get: 1..50 manageNumbers; unknown ones are left out.
pub fn bulk_get(shop: &Shop, req: &Request<'_>) -> Answer {
    let body = rest::json_body(req).map_err(|e| vec![e])?;
    let list = match body.get("manageNumbers") {
        None | Some(Value::Null) => return Err(vec![ApiError::mandatory("manageNumbers")]),
        Some(Value::Array(l)) if l.is_empty() => return Err(vec![ApiError::mandatory("manageNumbers")]),
        Some(Value::Array(l)) if l.len() > 50 => return Err(vec![ApiError::too_many("manageNumbers")]),
        Some(Value::Array(l)) => l,
        Some(v) => return Err(vec![ApiError::invalid("manageNumbers", v)]),
    };
    let mut numbers = Vec::new();
    let mut errs = Vec::new();
    for (i, v) in list.iter().enumerate() {
        let path = format!("manageNumbers[{i}]");
        match v.as_str().map(|s| normalize_manage_number(s, &path)) {
            Some(Ok(m)) => {
                if numbers.contains(&m) {
                    errs.push(ApiError::bad(
                        "IE1106",
                        format!("There are multiple occurrences of same manageNumber : {m}"),
                        "manageNumbers",
                    ));
                }
                numbers.push(m);
            }
            Some(Err(e)) => errs.push(e),
            None => errs.push(ApiError::invalid(&path, v)),
        }
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    let results: Vec<Value> = numbers.iter().filter_map(|m| shop.catalog.get(m)).map(|i| i.to_json()).collect();
    Ok(RmsReply::json(200, json!({ "results": results })))
}

const SETTINGS_VARIANT_KEYS: [&str; 4] =
    ["restockOnCancel", "backOrderFlag", "backOrderDeliveryDateId", "normalDeliveryDateId"];

/// items.inventory-related-settings.get
pub fn settings_get(shop: &Shop, manage_number: &str) -> Answer {
    let item = shop.catalog.get(manage_number).ok_or_else(|| not_found(manage_number))?;
    let features = item.body.get("features").cloned().unwrap_or(json!({}));
    let mut f = Map::new();
    f.insert("inventoryDisplay".into(), features.get("inventoryDisplay").cloned().unwrap_or(json!("HIDDEN_STOCK")));
    if let Some(t) = features.get("lowStockThreshold") {
        f.insert("lowStockThreshold".into(), t.clone());
    }
    let mut variants = Map::new();
    for (id, v) in item.body.get("variants").and_then(Value::as_object).into_iter().flatten() {
        let mut m = Map::new();
        for k in SETTINGS_VARIANT_KEYS {
            if let Some(x) = v.get(k) {
                m.insert(k.into(), x.clone());
            }
        }
        variants.insert(id.clone(), Value::Object(m));
    }
    Ok(RmsReply::json(
        200,
        json!({
            "unlimitedInventoryFlag": item.flag("unlimitedInventoryFlag"),
            "features": f,
            "variants": variants,
        }),
    ))
}

/// items.inventory-related-settings.update: the same shape as get; 204.
pub fn settings_update(shop: &mut Shop, manage_number: &str, req: &Request<'_>) -> Answer {
    let body = rest::json_body(req).map_err(|e| vec![e])?;
    let item = shop.catalog.get(manage_number).ok_or_else(|| not_found(manage_number))?;
    let mut errs = Vec::new();
    for k in body.as_object().into_iter().flat_map(|o| o.keys()) {
        if !["unlimitedInventoryFlag", "features", "variants"].contains(&k.as_str()) {
            errs.push(ApiError::unrecognized(k));
        }
    }
    let variants = match body.get("variants").and_then(Value::as_object) {
        Some(v) if v.is_empty() => {
            errs.push(ApiError::mandatory("variants"));
            Map::new()
        }
        Some(v) if v.len() > 400 => {
            errs.push(ApiError::too_many("variants"));
            Map::new()
        }
        Some(v) => v.clone(),
        None => {
            errs.push(ApiError::mandatory("variants"));
            Map::new()
        }
    };
    if !errs.is_empty() {
        return Err(errs);
    }
    let mut new_body = Value::Object(item.body.clone());
    for (id, settings) in &variants {
        if item.variant(id).is_none() {
            return Err(vec![ApiError::not_found(&format!("manageNumber={manage_number}, variantId={id}"))]);
        }
        for (k, v) in settings.as_object().into_iter().flatten() {
            if !SETTINGS_VARIANT_KEYS.contains(&k.as_str()) {
                errs.push(ApiError::unrecognized(&format!("variants.{id}.{k}")));
                continue;
            }
            new_body["variants"][id][k] = v.clone();
        }
    }
    if let Some(u) = body.get("unlimitedInventoryFlag") {
        new_body["unlimitedInventoryFlag"] = u.clone();
    }
    if let Some(f) = body.get("features").and_then(Value::as_object) {
        for (k, v) in f {
            if !["inventoryDisplay", "lowStockThreshold"].contains(&k.as_str()) {
                errs.push(ApiError::unrecognized(&format!("features.{k}")));
                continue;
            }
            new_body["features"][k] = v.clone();
        }
        if !f.contains_key("lowStockThreshold") {
            if let Some(m) = new_body["features"].as_object_mut() {
                m.shift_remove("lowStockThreshold");
            }
        }
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    shop.replace_item_body(manage_number, &new_body)?;
    Ok(rest::no_content())
}
