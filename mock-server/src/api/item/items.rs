//! items.get / upsert / patch / delete / bulk.get and the inventory-related settings
//! (item-api.md §3, §6, §8, §9): the JSON becomes typed data (`wire.rs`), one shop call
//! applies the rules, and outcomes become RMS answers (`errors.rs`).

use super::super::{rest, Request, RmsReply};
use super::{errors, wire};
use crate::api::kept::Kept;
use crate::api::rest::ApiError;
use crate::api::rest::Iso;
use crate::api::{encode_with, write_json};
use crate::domain::item::settings::{InventorySettingsUpdate, StockFeaturesUpdate, VariantStockSettings};
use crate::domain::item::{manage_number, Item, ItemData, ItemRefusal, ItemViolation, OrderedMap, MAX_VARIANTS};
use crate::domain::shop::Shop;
use crate::domain::stamp::Stamp;
use crate::domain::time::JstDateTime;
use crate::settings::NotFoundWording;
use serde::Serialize;
use serde_json::{json, Value};
use std::cell::RefCell;

type Answer = Result<RmsReply, Vec<ApiError>>;

fn not_found(manage_number: &str) -> Vec<ApiError> {
    vec![ApiError::not_found(&format!("manageNumber={manage_number}"))]
}

/// The 404 of items.get and items.delete, in the shop's chosen wording: the live one, or the
/// official items.get page's (item-api.md §0). Patch and the inventory-related settings keep
/// the live wording, which their official pages show too.
fn item_not_found(shop: &Shop, manage_number: &str) -> Vec<ApiError> {
    match shop.settings().item_not_found_wording {
        NotFoundWording::Live => not_found(manage_number),
        NotFoundWording::Official => {
            vec![ApiError::new(404, "GE0014", format!("No item found for inputs; manageNumber={manage_number}"), None)]
        }
    }
}

/// The item as items.get answers it: `manageNumber`, the model in its order (a `None` field
/// left out), then `created` and `updated`; written straight from the stored item.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemAnswer<'a> {
    manage_number: &'a str,
    #[serde(flatten)]
    data: &'a ItemData,
    created: Iso,
    updated: Iso,
}

impl<'a> ItemAnswer<'a> {
    pub fn of(item: &'a Item) -> Self {
        ItemAnswer {
            manage_number: &item.manage_number,
            data: item.data(),
            created: Iso(item.created),
            updated: Iso(item.updated),
        }
    }
}

/// What an item's encoding depends on: its data's version, and the catalog's fields beside it.
struct ItemKey {
    stamp: Stamp,
    manage_number: String,
    created: JstDateTime,
    updated: JstDateTime,
}

/// Appends [`ItemAnswer`] of `item` to `buf`, from the kept encodings when this version of the
/// item was written before ([`Kept`]): the data can only change with its stamp, and the
/// catalog's own fields are compared.
fn write_item(buf: &mut Vec<u8>, item: &Item) {
    thread_local!(static KEPT: RefCell<Kept<ItemKey>> = RefCell::new(Kept::default()));
    KEPT.with_borrow_mut(|kept| {
        kept.write(
            buf,
            item.stamp().get(),
            |k| {
                (k.stamp, k.manage_number.as_str(), k.created, k.updated)
                    == (item.stamp(), item.manage_number.as_str(), item.created, item.updated)
            },
            || ItemKey {
                stamp: item.stamp(),
                manage_number: item.manage_number.clone(),
                created: item.created,
                updated: item.updated,
            },
            |buf| write_json(buf, &ItemAnswer::of(item)),
        );
    });
}

/// [`ItemAnswer`] as a JSON tree (items.search places it among other keys).
pub fn item_json(item: &Item) -> Value {
    serde_json::to_value(ItemAnswer::of(item)).unwrap_or_else(|_| json!({}))
}

/// The item's data as JSON, for merging a patch into it.
fn data_json(data: &ItemData) -> Value {
    serde_json::to_value(data).unwrap_or_else(|_| json!({}))
}

fn variant_ids(data: &ItemData) -> Vec<String> {
    data.variants.iter().flat_map(|v| v.keys().cloned()).collect()
}

/// Reads an item body. With JSON problems, the item rules still run (nothing is stored) so
/// that every problem is reported at once.
fn parse_item(shop: &Shop, manage_number: &str, body: &Value) -> Result<ItemData, Vec<ApiError>> {
    let (draft, problems) = wire::item(body);
    if problems.is_empty() {
        return Ok(draft);
    }
    let ids = variant_ids(&draft);
    let violations = shop.check_item(manage_number, draft).err().unwrap_or_default();
    Err(errors::report(&problems, &violations, &ids))
}

fn rule_errors(violations: &[ItemViolation], data_ids: Vec<String>) -> Vec<ApiError> {
    errors::report(&[], violations, &data_ids)
}

/// items.get, as far as it has caught up with the writes (`item_get_lag_seconds`).
pub fn get(shop: &Shop, manage_number: &str) -> Answer {
    let item = shop.item_for_get(manage_number).ok_or_else(|| item_not_found(shop, manage_number))?;
    Ok(RmsReply::bytes(200, encode_with(|buf| write_item(buf, item)), Vec::new()))
}

/// items.upsert: 201 + `{"manageNumber"}` when created, 204 when replaced.
pub fn upsert(shop: &mut Shop, manage_number: &str, req: &Request<'_>) -> Answer {
    let body = rest::json_body(req).map_err(|e| vec![e])?;
    let draft = parse_item(shop, manage_number, &body)?;
    let ids = variant_ids(&draft);
    match shop.upsert_item(manage_number, draft) {
        Ok(true) => Ok(RmsReply::json(201, json!({ "manageNumber": manage_number }))),
        Ok(false) => Ok(rest::no_content()),
        Err(v) => Err(rule_errors(&v, ids)),
    }
}

/// items.patch: the patch is merged into the stored item (RFC 7396: objects merge,
/// `variants` per variantId, lists replace, `null` removes), then the result is checked as a
/// whole; 204. It works on the item as stored, whatever the lagging reads still show.
pub fn patch(shop: &mut Shop, manage_number: &str, req: &Request<'_>) -> Answer {
    let body = rest::json_body(req).map_err(|e| vec![e])?;
    let stored = shop.catalog().get(manage_number).ok_or_else(|| not_found(manage_number))?;
    let mut merged = data_json(stored.data());
    crate::merge::merge_patch(&mut merged, &body);
    let draft = parse_item(shop, manage_number, &merged)?;
    let ids = variant_ids(&draft);
    match shop.patch_item(manage_number, draft) {
        Ok(()) => Ok(rest::no_content()),
        Err(r) => Err(refusal(manage_number, r, ids)),
    }
}

fn refusal(manage_number: &str, r: ItemRefusal, ids: Vec<String>) -> Vec<ApiError> {
    match r {
        ItemRefusal::NotFound => not_found(manage_number),
        ItemRefusal::VariantNotFound(v) => {
            vec![ApiError::not_found(&format!("manageNumber={manage_number}, variantId={v}"))]
        }
        ItemRefusal::Violations(v) => rule_errors(&v, ids),
        // A live run saw 409 for a patch adding or removing a SKU; CE0001 is the one 409
        // code of the official table, and its text names no field, so no metadata (inferred).
        ItemRefusal::VariantsChanged { .. } => vec![ApiError::new(
            409,
            "CE0001",
            "Your request could not be processed due to a conflict with another process. Please try again after a short while.",
            None,
        )],
    }
}

/// items.delete: 204.
pub fn delete(shop: &mut Shop, manage_number: &str) -> Answer {
    shop.delete_item(manage_number).map_err(|r| match r {
        ItemRefusal::NotFound => item_not_found(shop, manage_number),
        r => refusal(manage_number, r, vec![]),
    })?;
    Ok(rest::no_content())
}

/// items.bulk.get: 1..50 manageNumbers; unknown ones (and ones items.get does not see yet)
/// are left out.
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
        match v.as_str().map(manage_number) {
            Some(Ok(m)) => {
                if numbers.contains(&m) {
                    // The items.bulk.get page's sample, an answer as RMS wrote it; the
                    // response-code table's template has "of the same" (README, inferred).
                    errs.push(ApiError::bad(
                        "IE1106",
                        format!("There are multiple occurrences of same manageNumber : {m}"),
                        "manageNumbers",
                    ));
                }
                numbers.push(m);
            }
            Some(Err(kind)) => errs.push(errors::identifier_at(&path, "manageNumber", kind)),
            None => errs.push(ApiError::invalid(&path, v)),
        }
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    // The same copy as items.get, so the same lag (inferred).
    let bytes = encode_with(|buf| {
        // `{"results":[…]}`, each item as items.get writes it.
        buf.extend_from_slice(b"{\"results\":[");
        for (i, item) in numbers.iter().filter_map(|m| shop.item_for_get(m)).enumerate() {
            if i > 0 {
                buf.push(b',');
            }
            write_item(buf, item);
        }
        buf.extend_from_slice(b"]}");
    });
    Ok(RmsReply::bytes(200, bytes, Vec::new()))
}

/// items.inventory-related-settings.get
pub fn settings_get(shop: &Shop, manage_number: &str) -> Answer {
    let item = shop.catalog().get(manage_number).ok_or_else(|| not_found(manage_number))?;
    Ok(RmsReply::json(200, serde_json::to_value(item.data().inventory_settings()).unwrap_or_else(|_| json!({}))))
}

const SETTINGS_VARIANT_FIELDS: [&str; 4] =
    ["restockOnCancel", "backOrderFlag", "backOrderDeliveryDateId", "normalDeliveryDateId"];

/// items.inventory-related-settings.update: the same shape as get; 204.
pub fn settings_update(shop: &mut Shop, manage_number: &str, req: &Request<'_>) -> Answer {
    let body = rest::json_body(req).map_err(|e| vec![e])?;
    if shop.catalog().get(manage_number).is_none() {
        return Err(not_found(manage_number));
    }
    let update = parse_settings(&body)?;
    let ids = update.variants.keys().cloned().collect();
    shop.update_inventory_settings(manage_number, &update).map_err(|r| refusal(manage_number, r, ids))?;
    Ok(rest::no_content())
}

/// The settings body as typed data, or every JSON problem of it.
fn parse_settings(body: &Value) -> Result<InventorySettingsUpdate, Vec<ApiError>> {
    let mut cx = wire::Cx::default();
    let Some(o) = wire::open(body, "", &["unlimitedInventoryFlag", "features", "variants"], &mut cx) else {
        return Err(vec![ApiError::empty_body()]);
    };
    let variants = match o.get("variants").and_then(Value::as_object) {
        Some(v) if v.len() > MAX_VARIANTS => Err(ApiError::too_many("variants")),
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(ApiError::mandatory("variants")),
    };
    let variants = match variants {
        Ok(v) if cx.problems.is_empty() => v,
        // Unknown fields and the SKU count are reported before anything else is read.
        other => {
            let mut errs = errors::report(&cx.problems, &[], &[]);
            errs.extend(other.err());
            return Err(errs);
        }
    };
    let mut update = InventorySettingsUpdate {
        unlimited_inventory_flag: o.boolean("unlimitedInventoryFlag", &mut cx),
        features: o.object("features", &["inventoryDisplay", "lowStockThreshold"], &mut cx, |f, cx| {
            StockFeaturesUpdate {
                inventory_display: f.choice("inventoryDisplay", cx),
                low_stock_threshold: f.int("lowStockThreshold", cx),
            }
        }),
        variants: OrderedMap::default(),
    };
    for (id, v) in variants {
        let settings = match wire::open(v, &format!("variants.{id}"), &SETTINGS_VARIANT_FIELDS, &mut cx) {
            Some(s) => VariantStockSettings {
                restock_on_cancel: s.boolean("restockOnCancel", &mut cx),
                back_order_flag: s.boolean("backOrderFlag", &mut cx),
                back_order_delivery_date_id: s.int("backOrderDeliveryDateId", &mut cx),
                normal_delivery_date_id: s.int("normalDeliveryDateId", &mut cx),
            },
            None => VariantStockSettings::default(),
        };
        update.variants.insert(id.clone(), settings);
    }
    if cx.problems.is_empty() {
        Ok(update)
    } else {
        Err(errors::report(&cx.problems, &[], &[]))
    }
}

#[cfg(test)]
mod tests;
