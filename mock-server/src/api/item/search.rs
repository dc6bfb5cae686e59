//! items.search: filters, sort, offset paging and the cursorMark protocol (item-api.md §7).
//!
//! A write shows at once unless the shop sets `item_search_lag_seconds` (real RMS may take
//! up to 24 h); then the search sees the items as they were, and an item deleted since shows
//! as `{"item":{"manageNumber":…}}` only, as the manual says.

use super::super::{rest, Request, RmsReply};
use crate::api::rest::ApiError;
use crate::domain::catalog::SeenItem;
use crate::domain::item::model::{SearchVisibility, Variant};
use crate::domain::item::{Item, ItemType};
use crate::domain::shop::Shop;
use crate::domain::time::{JstDate, JstDateTime};
use crate::settings::UnknownParams;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::cmp::Ordering;

const STRING_FILTERS: [&str; 7] =
    ["title", "tagline", "manageNumber", "itemNumber", "articleNumber", "variantId", "merchantDefinedSkuId"];
const BOOL_PARAMS: [&str; 13] = [
    "isVariantStockout",
    "isItemStockout",
    "isHiddenItem",
    "isHiddenVariant",
    "isSearchable",
    "isYamiichi",
    "isOptimizedPoint",
    "isBackOrder",
    "isPostageIncluded",
    "isSubscription",
    "isCategoryIncluded",
    "isReviewIncluded",
    "isInventoryIncluded",
];
const DATE_PARAMS: [&str; 8] = [
    "purchasablePeriodFrom",
    "purchasablePeriodTo",
    "pointApplicablePeriodFrom",
    "pointApplicablePeriodTo",
    "createdFrom",
    "createdTo",
    "updatedFrom",
    "updatedTo",
];
const NUMBER_PARAMS: [&str; 6] =
    ["standardPriceFrom", "standardPriceTo", "pointRate", "maxPointRate", "basePriceFrom", "basePriceTo"];
const SORT_KEYS: [&str; 11] = [
    "updated",
    "created",
    "itemDisplaySequence",
    "manageNumber",
    "purchasablePeriodStart",
    "purchasablePeriodEnd",
    "pointCampaignStart",
    "pointCampaignEnd",
    "pointRate",
    "reviewCount",
    "reviewAverageRating",
];

#[derive(Default)]
struct Query {
    strings: Vec<(&'static str, String)>,
    genre_id: Option<String>,
    item_type: Option<ItemType>,
    category_id: Option<String>,
    bools: Vec<(&'static str, bool)>,
    dates: Vec<(&'static str, JstDate)>,
    numbers: Vec<(&'static str, i64)>,
    sort_key: Option<String>,
    descending: bool,
    offset: Option<i64>,
    hits: i64,
    cursor: Option<String>,
}

fn parse(shop: &Shop, req: &Request<'_>) -> Result<Query, ApiError> {
    let mut q = Query { hits: 10, descending: true, ..Query::default() };
    let mut sort_order_given = false;
    for (k, v) in rest::query_pairs(req.query)? {
        let k = k.as_str();
        if let Some(name) = STRING_FILTERS.iter().find(|n| **n == k) {
            q.strings.push((name, v));
        } else if let Some(name) = BOOL_PARAMS.iter().find(|n| **n == k) {
            q.bools.push((name, rest::parse_bool(name, &v)?));
        } else if let Some(name) = DATE_PARAMS.iter().find(|n| **n == k) {
            let d = JstDate::parse(&v)
                .map_err(|_| ApiError::new(400, "IE0002", format!("{name} has an invalid value : {v}."), None))?;
            q.dates.push((name, d));
        } else if let Some(name) = NUMBER_PARAMS.iter().find(|n| **n == k) {
            q.numbers.push((name, rest::parse_int(name, &v)?));
        } else {
            match k {
                "genreId" => q.genre_id = Some(v),
                "categoryId" => q.category_id = Some(v),
                "itemType" => {
                    let t = ItemType::deserialize(Value::String(v));
                    q.item_type =
                        Some(t.map_err(|_| {
                            ApiError::new(400, "IE0007", "Invalid choice selected for itemType.", None)
                        })?);
                }
                "sortKey" => {
                    if !SORT_KEYS.contains(&v.as_str()) {
                        return Err(ApiError::new(400, "IE0007", "Invalid choice selected for sortKey.", None));
                    }
                    q.sort_key = Some(v);
                }
                "sortOrder" => {
                    q.descending = match v.to_ascii_lowercase().as_str() {
                        "desc" => true,
                        "asc" => false,
                        _ => return Err(ApiError::new(400, "IE0007", "Invalid choice selected for sortOrder.", None)),
                    };
                    sort_order_given = true;
                }
                "offset" => {
                    let n = rest::parse_int("offset", &v)?;
                    if !(0..=10_000).contains(&n) {
                        return Err(ApiError::new(400, "IE0003", "offset must be between 0 to 10000.", None));
                    }
                    q.offset = Some(n);
                }
                "hits" => {
                    let n = rest::parse_int("hits", &v)?;
                    if !(1..=100).contains(&n) {
                        return Err(ApiError::new(400, "IE0003", "hits must be between 1 to 100.", None));
                    }
                    q.hits = n;
                }
                "cursorMark" => q.cursor = Some(v),
                _ => {
                    if shop.settings().item_search_unknown_params == UnknownParams::Reject {
                        return Err(ApiError::new(400, "IE1005", "Invalid request parameter.", None));
                    }
                }
            }
        }
    }
    if q.cursor.is_some() && q.offset.is_some() {
        return Err(ApiError::new(400, "IE1003", "Only one of offset and cursorMark can be registered.", None));
    }
    if q.cursor.is_some() && (q.sort_key.is_some() || sort_order_given) {
        // `{fieldName}`: sortKey when it was given, else sortOrder (which one RMS names when
        // both are is not known).
        let field = if q.sort_key.is_some() { "sortKey" } else { "sortOrder" };
        return Err(ApiError::new(
            400,
            "IE1004",
            format!("When cursorMark is set, {field} cannot be registered."),
            None,
        ));
    }
    Ok(q)
}

fn contains(hay: Option<&str>, needle: &str) -> bool {
    hay.is_some_and(|h| h.contains(needle))
}

fn matches(shop: &Shop, item: &Item, q: &Query) -> bool {
    let variants = item.variants();
    let data = item.data();
    let raw_variants = || data.variants.iter().flat_map(|m| m.iter()).map(|(_, v)| v);
    let any_variant = |f: fn(&Variant) -> bool| raw_variants().any(f);
    for (name, needle) in &q.strings {
        let hit = match *name {
            "title" => contains(data.title.as_deref(), needle),
            "tagline" => contains(data.tagline.as_deref(), needle),
            "manageNumber" => item.manage_number.contains(needle.to_ascii_lowercase().as_str()),
            "itemNumber" => contains(data.item_number.as_deref(), needle),
            "variantId" => variants.iter().any(|v| v.variant_id.contains(needle.as_str())),
            "merchantDefinedSkuId" => variants.iter().any(|v| contains(v.merchant_defined_sku_id.as_deref(), needle)),
            _ => raw_variants().any(|v| contains(v.article_number.as_ref().and_then(|a| a.value.as_deref()), needle)),
        };
        if !hit {
            return false;
        }
    }
    if q.genre_id.as_ref().is_some_and(|g| data.genre_id.as_ref() != Some(g)) {
        return false;
    }
    if q.item_type.is_some_and(|t| data.item_type != Some(t)) {
        return false;
    }
    // The fake keeps no categories.
    if q.category_id.is_some() {
        return false;
    }
    let price_from = q.numbers.iter().find(|(n, _)| *n == "standardPriceFrom").map(|p| p.1);
    let price_to = q.numbers.iter().find(|(n, _)| *n == "standardPriceTo").map(|p| p.1);
    if price_from.is_some() || price_to.is_some() {
        let any = variants.iter().any(|v| {
            v.standard_price.is_some_and(|p| price_from.is_none_or(|f| p >= f) && price_to.is_none_or(|t| p <= t))
        });
        if !any {
            return false;
        }
    }
    let stock = |vid: &str| shop.inventory().quantity(&item.manage_number, vid);
    for (name, want) in &q.bools {
        let actual = match *name {
            "isVariantStockout" => variants.iter().any(|v| stock(&v.variant_id) == 0),
            "isItemStockout" => variants.iter().all(|v| stock(&v.variant_id) == 0),
            "isHiddenItem" => data.hide_item == Some(true),
            "isHiddenVariant" => variants.iter().any(|v| v.hidden),
            "isSearchable" => {
                data.features.as_ref().and_then(|f| f.search_visibility) != Some(SearchVisibility::AlwaysHidden)
            }
            "isYamiichi" => data.access_control.is_some(),
            "isBackOrder" => any_variant(|v| v.back_order_flag == Some(true)),
            "isPostageIncluded" => any_variant(|v| v.shipping.as_ref().and_then(|s| s.postage_included) == Some(true)),
            "isSubscription" => data.subscription.is_some(),
            "isOptimizedPoint" => data.point_campaign.as_ref().and_then(|p| p.optimization.as_ref()).is_some(),
            // Include flags shape the answer, they do not filter.
            _ => continue,
        };
        if actual != *want {
            return false;
        }
    }
    for (name, d) in &q.dates {
        let ok = match *name {
            "createdFrom" => item.created >= d.start(),
            "createdTo" => item.created <= d.end(),
            "updatedFrom" => item.updated >= d.start(),
            "updatedTo" => item.updated <= d.end(),
            // Periods the fake's items rarely carry: an item without one does not match.
            _ => false,
        };
        if !ok {
            return false;
        }
    }
    for (name, n) in &q.numbers {
        let ok = match *name {
            "pointRate" => {
                let campaign = data.point_campaign.as_ref();
                campaign.and_then(|p| p.benefits.as_ref()).and_then(|b| b.point_rate) == Some(*n)
            }
            "maxPointRate" => {
                let campaign = data.point_campaign.as_ref();
                campaign.and_then(|p| p.optimization.as_ref()).and_then(|o| o.max_point_rate) == Some(*n)
            }
            "basePriceFrom" | "basePriceTo" => data.subscription.is_some(),
            _ => true,
        };
        if !ok {
            return false;
        }
    }
    true
}

fn compare(a: &Item, b: &Item, key: &str, descending: bool) -> Ordering {
    let primary = match key {
        "created" => a.created.cmp(&b.created),
        "itemDisplaySequence" => a.data().item_display_sequence.cmp(&b.data().item_display_sequence),
        "manageNumber" => a.manage_number.cmp(&b.manage_number),
        // The others sort on fields the fake's items rarely have; `updated` stands in.
        _ => a.updated.cmp(&b.updated),
    };
    let primary = if descending { primary.reverse() } else { primary };
    primary.then_with(|| a.manage_number.cmp(&b.manage_number))
}

/// An opaque cursor: the position (updated, manageNumber) of the last item returned.
fn cursor_of(item: &Item) -> String {
    let raw = format!("{}|{}", item.updated.seconds(), item.manage_number);
    raw.bytes().map(|b| format!("{b:02x}")).collect()
}

fn cursor_position(token: &str) -> Option<(JstDateTime, String)> {
    if !token.len().is_multiple_of(2) {
        return None;
    }
    // Byte pairs, not str slices: a token that is not ASCII (`あa`, 4 bytes) would otherwise be
    // cut inside a character, which panics.
    let hex = |b: u8| char::from(b).to_digit(16).and_then(|d| u8::try_from(d).ok());
    let bytes: Option<Vec<u8>> = token.as_bytes().chunks(2).map(|p| Some(hex(p[0])? * 16 + hex(p[1])?)).collect();
    let text = String::from_utf8(bytes?).ok()?;
    let (secs, m) = text.split_once('|')?;
    Some((JstDateTime::from_seconds(secs.parse().ok()?), m.to_string()))
}

pub fn search(shop: &Shop, req: &Request<'_>) -> Result<RmsReply, Vec<ApiError>> {
    let q = parse(shop, req).map_err(|e| vec![e])?;
    let seen = shop.items_for_search();
    let mut hits: Vec<&SeenItem<'_>> = seen.iter().filter(|s| matches(shop, s.item, &q)).collect();
    let key = q.sort_key.as_deref().unwrap_or("updated");
    // Cursor paging uses the default order (updated desc, then manageNumber).
    let descending = if q.cursor.is_some() { true } else { q.descending };
    hits.sort_by(|a, b| compare(a.item, b.item, key, descending));
    let num_found = hits.len();
    let (page, offset, next_cursor): (Vec<&SeenItem<'_>>, i64, Option<String>) = match &q.cursor {
        Some(token) => {
            let start = if token == "*" {
                0
            } else {
                let (at, m) = cursor_position(token).ok_or_else(|| {
                    vec![ApiError::new(400, "IE0002", format!("cursorMark has an invalid value : {token}."), None)]
                })?;
                // First item strictly after the cursor in (updated desc, manageNumber asc) order.
                hits.iter()
                    .map(|s| s.item)
                    .position(|i| i.updated < at || (i.updated == at && i.manage_number > m))
                    .unwrap_or(hits.len())
            };
            let page: Vec<&SeenItem<'_>> = hits.iter().skip(start).take(q.hits as usize).copied().collect();
            // The same token comes back when there is nothing more.
            let next = page.last().map(|s| cursor_of(s.item)).unwrap_or_else(|| token.clone());
            (page, 0, Some(next))
        }
        None => {
            let offset = q.offset.unwrap_or(0);
            (hits.iter().skip(offset as usize).take(q.hits as usize).copied().collect(), offset, None)
        }
    };
    let include = |name: &str| q.bools.iter().any(|(n, v)| *n == name && *v);
    let results: Vec<Value> = page
        .iter()
        .map(|seen| {
            let item = seen.item;
            if seen.deleted {
                return json!({"item": {"manageNumber": item.manage_number}});
            }
            let mut r = Map::new();
            r.insert("item".into(), super::items::item_json(item));
            if include("isCategoryIncluded") {
                r.insert("category".into(), json!({"categoryIds": []}));
            }
            if include("isReviewIncluded") {
                r.insert("review".into(), json!({"count": 0, "averageRating": 0.0}));
            }
            if include("isInventoryIncluded") {
                if let Some(inv) = inventory_block(shop, item) {
                    r.insert("inventory".into(), inv);
                }
            }
            Value::Object(r)
        })
        .collect();
    let mut out = Map::new();
    out.insert("numFound".into(), json!(num_found));
    out.insert("offset".into(), json!(offset));
    if let Some(c) = next_cursor {
        out.insert("nextCursorMark".into(), json!(c));
    }
    out.insert("results".into(), Value::Array(results));
    Ok(RmsReply::json(200, Value::Object(out)))
}

/// The flat `inventory` map: SKUs with explicit lead time or ship-from ids, next to
/// `created`/`updated` in UTC with milliseconds (as the manual's sample). Left out when the
/// item's SKUs all use automatic settings.
fn inventory_block(shop: &Shop, item: &Item) -> Option<Value> {
    let mut m = Map::new();
    let mut created: Option<JstDateTime> = None;
    let mut updated: Option<JstDateTime> = None;
    for (vid, rec) in shop.inventory().variants_of(&item.manage_number) {
        let e = &rec.extras;
        if e.operation_lead_time.is_none() && e.ship_from_ids.is_none() {
            continue;
        }
        let mut v = Map::new();
        if let Some((n, b)) = e.operation_lead_time {
            v.insert("operationLeadTime".into(), json!({"normalDeliveryTimeId": n, "backOrderDeliveryTimeId": b}));
        }
        if let Some(ids) = &e.ship_from_ids {
            v.insert("shipFromIds".into(), json!(ids));
        }
        m.insert(vid.clone(), Value::Object(v));
        created = Some(created.map_or(rec.created, |c| c.min(rec.created)));
        updated = Some(updated.map_or(rec.updated, |u| u.max(rec.updated)));
    }
    let (c, u) = (created?, updated?);
    m.insert("created".into(), json!(c.to_utc_millis()));
    m.insert("updated".into(), json!(u.to_utc_millis()));
    Some(Value::Object(m))
}
