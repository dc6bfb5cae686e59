//! Item API 2.0 items: the rules of `items.upsert` / `items.patch` (item-api.md §4–§6).
//!
//! An item is kept as its canonical JSON body (validated, defaults applied, prices as
//! strings, keys in the model's order), because that is exactly what `items.get` must give
//! back and the model has dozens of optional nested fields the fake only stores. The fields
//! RMS rules depend on (title, type, genre, variants, selectors, prices, flags) are read
//! through typed accessors.

use super::time::JstDateTime;
use serde_json::{json, Map, Value};

/// An Item/Inventory API error: `{"code","message","metadata":{"propertyPath"}}` + status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
    pub property_path: Option<String>,
}

impl ApiError {
    pub fn new(status: u16, code: &'static str, message: impl Into<String>, path: Option<&str>) -> Self {
        ApiError { status, code, message: message.into(), property_path: path.map(String::from) }
    }

    pub fn bad(code: &'static str, message: impl Into<String>, path: &str) -> Self {
        Self::new(400, code, message, Some(path))
    }

    pub fn mandatory(path: &str) -> Self {
        Self::bad("IE0001", format!("{path} is mandatory."), path)
    }

    pub fn invalid(path: &str, value: &Value) -> Self {
        let shown = match value {
            Value::String(s) => s.clone(),
            v => v.to_string(),
        };
        Self::bad("IE0002", format!("{path} has an invalid value : {shown}."), path)
    }

    pub fn unrecognized(path: &str) -> Self {
        let field = path.rsplit('.').next().unwrap_or(path);
        Self::bad("IE0002", format!("Unrecognized field {field}."), path)
    }

    pub fn range(path: &str, min: i64, max: i64) -> Self {
        Self::bad("IE0003", format!("{path} must be between {min} and {max}."), path)
    }

    pub fn too_long(path: &str, bytes: usize) -> Self {
        Self::bad("IE0004", format!("Max length of {path} must be within {bytes} bytes."), path)
    }

    pub fn choice(path: &str) -> Self {
        Self::bad("IE0007", format!("Invalid choice selected for {path}."), path)
    }

    pub fn too_many(path: &str) -> Self {
        Self::bad("IE1101", format!("{path} exceeds the maximum number of entries allowed."), path)
    }

    pub fn not_found(inputs: &str) -> Self {
        Self::new(404, "GE0014", format!("Not found for inputs; {inputs}"), None)
    }

    /// GE0017: the shop is in read-only mode.
    pub fn read_only() -> Self {
        Self::new(400, "GE0017", "Write methods isn't allowed in readsOnly-mode.", None)
    }

    /// IE1105: the shop has not migrated to SKU (sku-migration.md §4).
    pub fn not_migrated() -> Self {
        Self::new(400, "IE1105", "This endpoint is disabled for the shop not migrated to SKU.", None)
    }
}

/// Length as RMS counts it: full-width characters take two bytes (Shift_JIS-like), so a
/// 255-byte title holds 127 Japanese characters.
pub fn rms_len(s: &str) -> usize {
    s.chars().map(|c| if (c as u32) < 0x80 || ('\u{FF61}'..='\u{FF9F}').contains(&c) { 1 } else { 2 }).sum()
}

/// `manageNumber`: `a-z A-Z 0-9 - _`, ≤32 bytes; upper case becomes lower case.
pub fn normalize_manage_number(raw: &str, path: &str) -> Result<String, ApiError> {
    if raw.is_empty() || !raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return Err(ApiError::bad("IE0220", "manageNumber is only allowed alphanumeric, \"-\" and \"_\".", path));
    }
    if raw.len() > 32 {
        return Err(ApiError::too_long(path, 32));
    }
    Ok(raw.to_ascii_lowercase())
}

/// `variantId`: `A-Z a-z 0-9 - _`, ≤32 bytes, case-sensitive.
pub fn check_variant_id(raw: &str, path: &str) -> Result<(), ApiError> {
    if raw.len() > 32 {
        return Err(ApiError::too_long(path, 32));
    }
    if raw.is_empty() || !raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return Err(ApiError::invalid(path, &Value::String(raw.into())));
    }
    Ok(())
}

pub const ITEM_TYPES: [&str; 3] = ["NORMAL", "PRE_ORDER", "BUYING_CLUB"];

/// Top-level keys of the Item model, in output order. The value says what JSON kind a
/// stored-as-given field must have ('o' object, 'l' list, 's' string, 'n' number, 'b' bool,
/// '*' checked by hand).
const ITEM_KEYS: &[(&str, char)] = &[
    ("itemNumber", '*'),
    ("title", '*'),
    ("tagline", '*'),
    ("productDescription", 'o'),
    ("salesDescription", 's'),
    ("precautions", 'o'),
    ("itemType", '*'),
    ("images", '*'),
    ("whiteBgImage", 'o'),
    ("video", 'o'),
    ("genreId", '*'),
    ("tags", '*'),
    ("hideItem", 'b'),
    ("unlimitedInventoryFlag", 'b'),
    ("customizationOptions", 'l'),
    ("releaseDate", 's'),
    ("purchasablePeriod", 'o'),
    ("subscription", 'o'),
    ("buyingClub", 'o'),
    ("features", '*'),
    ("accessControl", 'o'),
    ("payment", '*'),
    ("pointCampaign", 'o'),
    ("itemDisplaySequence", '*'),
    ("layout", 'o'),
    ("variantSelectors", '*'),
    ("variants", '*'),
];

/// Read-only keys a client may echo back from items.get; ignored on write.
const READ_ONLY: &[&str] = &["manageNumber", "created", "updated"];

const VARIANT_KEYS: &[(&str, char)] = &[
    ("merchantDefinedSkuId", '*'),
    ("selectorValues", '*'),
    ("images", 'l'),
    ("restockOnCancel", 'b'),
    ("backOrderFlag", 'b'),
    ("normalDeliveryDateId", 'n'),
    ("backOrderDeliveryDateId", 'n'),
    ("orderQuantityLimit", '*'),
    ("referencePrice", 'o'),
    ("features", 'o'),
    ("hidden", 'b'),
    ("standardPrice", '*'),
    ("subscriptionPrice", 'o'),
    ("articleNumberForSet", 'l'),
    ("articleNumber", 'o'),
    ("shipping", 'o'),
    ("specs", 'l'),
    ("attributes", 'l'),
];

fn kind_ok(kind: char, v: &Value) -> bool {
    match kind {
        'o' => v.is_object(),
        'l' => v.is_array(),
        's' => v.is_string(),
        'n' => v.is_i64() || v.is_u64(),
        'b' => v.is_boolean(),
        _ => true,
    }
}

/// A price-like value: a number or a numeric string (the official samples use both).
fn price(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Merges defaults under `given` (given wins), keeping the defaults' key order first.
fn with_defaults(defaults: Value, given: Option<&Value>) -> Value {
    let mut out = match defaults {
        Value::Object(m) => m,
        other => return given.cloned().unwrap_or(other),
    };
    if let Some(Value::Object(g)) = given {
        for (k, v) in g {
            out.insert(k.clone(), v.clone());
        }
    }
    Value::Object(out)
}

/// A validated, canonical item body (no manageNumber/created/updated).
pub type ItemBody = Map<String, Value>;

/// Checks a full item (upsert) and returns its canonical body, or every problem found.
/// `existing` is the stored item, for the rules that compare with it (IE0416, and the two
/// fields upsert keeps when left out).
pub fn validate_item(body: &Value, existing: Option<&Item>) -> Result<ItemBody, Vec<ApiError>> {
    let Some(obj) = body.as_object() else {
        return Err(vec![ApiError::new(
            400,
            "GE0011",
            "Request body is missing or is empty without any attributes.",
            None,
        )]);
    };
    let mut errs = Vec::new();
    for k in obj.keys() {
        if !READ_ONLY.contains(&k.as_str()) && !ITEM_KEYS.iter().any(|(n, _)| n == k) {
            errs.push(ApiError::unrecognized(k));
        }
    }
    let mut out = Map::new();
    for (key, kind) in ITEM_KEYS {
        let Some(v) = obj.get(*key).filter(|v| !v.is_null()) else {
            continue;
        };
        if !kind_ok(*kind, v) {
            errs.push(ApiError::invalid(key, v));
            continue;
        }
        out.insert((*key).into(), v.clone());
    }

    // title, itemNumber, tagline
    match obj.get("title") {
        Some(Value::String(t)) if !t.trim().is_empty() => {
            if rms_len(t) > 255 {
                errs.push(ApiError::too_long("title", 255));
            }
        }
        None | Some(Value::Null) => errs.push(ApiError::mandatory("title")),
        Some(v) => errs.push(ApiError::invalid("title", v)),
    }
    for (key, max) in [("itemNumber", 32), ("tagline", 174)] {
        match obj.get(key) {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) if rms_len(s) > max => errs.push(ApiError::too_long(key, max)),
            Some(Value::String(_)) => {}
            Some(v) => errs.push(ApiError::invalid(key, v)),
        }
    }
    // itemType
    let item_type = match obj.get("itemType") {
        None | Some(Value::Null) => {
            errs.push(ApiError::mandatory("itemType"));
            None
        }
        Some(Value::String(t)) if ITEM_TYPES.contains(&t.as_str()) => Some(t.clone()),
        Some(_) => {
            errs.push(ApiError::choice("itemType"));
            None
        }
    };
    // genreId: a 6-digit string (a number is accepted and stored as a string).
    match obj.get("genreId") {
        None | Some(Value::Null) => errs.push(ApiError::mandatory("genreId")),
        Some(v) => match price(v).filter(|g| (100_000..=999_999).contains(g)) {
            Some(g) => {
                out.insert("genreId".into(), Value::String(g.to_string()));
            }
            None => errs.push(ApiError::invalid("genreId", v)),
        },
    }
    // tags
    if let Some(v) = obj.get("tags").filter(|v| !v.is_null()) {
        match v.as_array() {
            Some(t) if t.len() > 32 => errs.push(ApiError::too_many("tags")),
            Some(t) => {
                for (i, tag) in t.iter().enumerate() {
                    if !tag.as_i64().is_some_and(|n| (5_000_000..=9_999_999).contains(&n)) {
                        errs.push(ApiError::invalid(&format!("tags[{i}]"), tag));
                    }
                }
            }
            None => errs.push(ApiError::invalid("tags", v)),
        }
    }
    // images
    if let Some(v) = obj.get("images").filter(|v| !v.is_null()) {
        check_images(v, "images", 20, &mut errs);
    }
    // features with defaults; socialGiftFlag is kept from the stored item when left out.
    let mut feature_defaults = json!({
        "searchVisibility": "ALWAYS_VISIBLE",
        "displayNormalCartButton": true,
        "displaySubscriptionCartButton": false,
        "inventoryDisplay": "HIDDEN_STOCK",
        "shopContact": true,
        "review": "SHOP_SETTING",
        "displayManufacturerContents": false,
        "socialGiftFlag": false,
    });
    if let Some(prev) = existing.and_then(|e| e.body.get("features")).and_then(|f| f.get("socialGiftFlag")) {
        feature_defaults["socialGiftFlag"] = prev.clone();
    }
    match obj.get("features").filter(|v| !v.is_null()) {
        Some(v) if !v.is_object() => errs.push(ApiError::invalid("features", v)),
        given => {
            let f = with_defaults(feature_defaults, given);
            check_features(&f, &mut errs);
            out.insert("features".into(), f);
        }
    }
    // payment
    match obj.get("payment").filter(|v| !v.is_null()) {
        Some(v) if !v.is_object() => errs.push(ApiError::invalid("payment", v)),
        given => {
            let mut p = with_defaults(json!({"taxIncluded": true, "cashOnDeliveryFeeIncluded": false}), given);
            if let Some(rate) = p.get("taxRate").cloned() {
                let canonical = match &rate {
                    Value::Null => Some(Value::Null),
                    Value::String(s) if ["0", "0.08", "0.1"].contains(&s.as_str()) => Some(rate.clone()),
                    Value::Number(n) => match n.as_f64() {
                        Some(0.0) => Some(json!("0")),
                        Some(f) if (f - 0.08).abs() < 1e-9 => Some(json!("0.08")),
                        Some(f) if (f - 0.1).abs() < 1e-9 => Some(json!("0.1")),
                        _ => None,
                    },
                    _ => None,
                };
                match canonical {
                    Some(c) => p["taxRate"] = c,
                    None => errs.push(ApiError::invalid("payment.taxRate", &rate)),
                }
            }
            out.insert("payment".into(), p);
        }
    }
    out.entry("hideItem").or_insert(json!(false));
    out.entry("unlimitedInventoryFlag").or_insert(json!(false));
    match obj.get("itemDisplaySequence").filter(|v| !v.is_null()) {
        None => {
            out.insert("itemDisplaySequence".into(), json!(999_999_999));
        }
        Some(v) => match v.as_i64() {
            Some(n) if (1..=999_999_999).contains(&n) => {}
            _ => errs.push(ApiError::range("itemDisplaySequence", 1, 999_999_999)),
        },
    }
    let layout = with_defaults(
        json!({"itemLayoutId": 1, "navigationId": 0, "layoutSequenceId": 0, "smallDescriptionId": 0, "largeDescriptionId": 0, "showcaseId": 0}),
        obj.get("layout").filter(|v| v.is_object()),
    );
    out.insert("layout".into(), layout);

    // variantSelectors
    let selectors = check_selectors(obj.get("variantSelectors"), &mut errs);
    if let Some(s) = obj.get("variantSelectors").filter(|v| !v.is_null()) {
        out.insert("variantSelectors".into(), s.clone());
    }
    // variants
    let variants = check_variants(obj.get("variants"), item_type.as_deref(), &selectors, existing, &mut errs);
    out.insert("variants".into(), Value::Object(variants));

    // Reorder to the model's order.
    let mut ordered = Map::new();
    for (key, _) in ITEM_KEYS {
        if let Some(v) = out.remove(*key) {
            ordered.insert((*key).into(), v);
        }
    }
    if errs.is_empty() {
        Ok(ordered)
    } else {
        Err(errs)
    }
}

fn check_images(v: &Value, path: &str, max: usize, errs: &mut Vec<ApiError>) {
    let Some(list) = v.as_array() else {
        errs.push(ApiError::invalid(path, v));
        return;
    };
    if list.len() > max {
        errs.push(ApiError::too_many(path));
    }
    for (i, img) in list.iter().enumerate() {
        let p = format!("{path}[{i}]");
        match img.get("type").and_then(Value::as_str) {
            Some("CABINET" | "GOLD" | "ABSOLUTE") => {}
            Some(_) => errs.push(ApiError::choice(&format!("{p}.type"))),
            None => errs.push(ApiError::mandatory(&format!("{p}.type"))),
        }
        match img.get("location").and_then(Value::as_str) {
            Some(loc) => {
                let ext = loc.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
                if !["jpg", "jpeg", "png", "gif"].contains(&ext.as_str()) {
                    errs.push(ApiError::bad(
                        "IE0224",
                        format!("{p}.location has an unsupported file extension."),
                        &format!("{p}.location"),
                    ));
                } else if loc.len() > 255 {
                    errs.push(ApiError::too_long(&format!("{p}.location"), 255));
                }
            }
            None => errs.push(ApiError::mandatory(&format!("{p}.location"))),
        }
    }
}

fn check_features(f: &Value, errs: &mut Vec<ApiError>) {
    let enums: [(&str, &[&str]); 3] = [
        ("searchVisibility", &["ALWAYS_VISIBLE", "ALWAYS_HIDDEN"]),
        ("inventoryDisplay", &["DISPLAY_ABSOLUTE_STOCK_COUNT", "HIDDEN_STOCK", "DISPLAY_LOW_STOCK"]),
        ("review", &["SHOP_SETTING", "VISIBLE", "HIDDEN"]),
    ];
    for (k, allowed) in enums {
        if let Some(v) = f.get(k) {
            if !v.as_str().is_some_and(|s| allowed.contains(&s)) {
                errs.push(ApiError::choice(&format!("features.{k}")));
            }
        }
    }
    let low = f.get("inventoryDisplay").and_then(Value::as_str) == Some("DISPLAY_LOW_STOCK");
    match f.get("lowStockThreshold").filter(|v| !v.is_null()) {
        Some(_) if !low => errs.push(ApiError::bad(
            "IE0163",
            "lowStockThreshold can be set only when inventoryDisplay is DISPLAY_LOW_STOCK.",
            "features.lowStockThreshold",
        )),
        Some(t) if !t.as_i64().is_some_and(|n| (1..=20).contains(&n)) => {
            errs.push(ApiError::range("features.lowStockThreshold", 1, 20))
        }
        None if low => errs.push(ApiError::bad(
            "IE0162",
            "lowStockThreshold is mandatory when inventoryDisplay is DISPLAY_LOW_STOCK.",
            "features.lowStockThreshold",
        )),
        _ => {}
    }
}

/// Returns (key, displayName) of each selector, in order.
fn check_selectors(v: Option<&Value>, errs: &mut Vec<ApiError>) -> Vec<(String, String)> {
    let Some(v) = v.filter(|v| !v.is_null()) else {
        return vec![];
    };
    let Some(list) = v.as_array() else {
        errs.push(ApiError::invalid("variantSelectors", v));
        return vec![];
    };
    if list.len() > 6 {
        errs.push(ApiError::too_many("variantSelectors"));
    }
    let mut out: Vec<(String, String)> = Vec::new();
    for (i, s) in list.iter().enumerate() {
        let p = format!("variantSelectors[{i}]");
        let Some(key) = s.get("key").and_then(Value::as_str) else {
            errs.push(ApiError::mandatory(&format!("{p}.key")));
            continue;
        };
        if out.iter().any(|(k, _)| k == key) {
            errs.push(ApiError::bad("IE0135", format!("{p}.key is duplicated : {key}."), &format!("{p}.key")));
        }
        let display = s.get("displayName").and_then(Value::as_str).unwrap_or(key).to_string();
        if rms_len(&display) > 32 {
            errs.push(ApiError::too_long(&format!("{p}.displayName"), 32));
        }
        let values = s.get("values").and_then(Value::as_array);
        match values {
            Some(vals) if !vals.is_empty() && vals.len() <= 40 => {
                let mut seen = Vec::new();
                for (j, dv) in vals.iter().enumerate() {
                    let vp = format!("{p}.values[{j}].displayValue");
                    match dv.get("displayValue").and_then(Value::as_str) {
                        Some(d) if d.contains(':') => {
                            errs.push(ApiError::bad("IE0278", format!("{vp} must not contain ':'."), &vp))
                        }
                        Some(d) if rms_len(d) > 32 => errs.push(ApiError::too_long(&vp, 32)),
                        Some(d) if seen.contains(&d) => {
                            errs.push(ApiError::bad("IE0211", format!("{vp} is duplicated : {d}."), &vp))
                        }
                        Some(d) => seen.push(d),
                        None => errs.push(ApiError::mandatory(&vp)),
                    }
                }
            }
            Some(vals) if vals.len() > 40 => errs.push(ApiError::too_many(&format!("{p}.values"))),
            _ => errs.push(ApiError::mandatory(&format!("{p}.values"))),
        }
        out.push((key.to_string(), display));
    }
    out
}

fn check_variants(
    v: Option<&Value>,
    item_type: Option<&str>,
    selectors: &[(String, String)],
    existing: Option<&Item>,
    errs: &mut Vec<ApiError>,
) -> Map<String, Value> {
    let mut out = Map::new();
    let Some(v) = v.filter(|v| !v.is_null()) else {
        errs.push(ApiError::mandatory("variants"));
        return out;
    };
    let Some(map) = v.as_object() else {
        errs.push(ApiError::invalid("variants", v));
        return out;
    };
    if map.is_empty() {
        errs.push(ApiError::mandatory("variants"));
    }
    if map.len() > 400 {
        errs.push(ApiError::too_many("variants"));
    }
    if selectors.is_empty() && map.len() > 1 {
        errs.push(ApiError::bad("IE0269", "When variantSelectors is null, only can set max 1 variants.", "variants"));
    }
    let mut combos: Vec<Vec<String>> = Vec::new();
    for (id, var) in map {
        let p = format!("variants.{id}");
        if let Err(e) = check_variant_id(id, &p) {
            errs.push(e);
        }
        let Some(obj) = var.as_object() else {
            errs.push(ApiError::invalid(&p, var));
            continue;
        };
        for k in obj.keys() {
            if !VARIANT_KEYS.iter().any(|(n, _)| n == k) {
                errs.push(ApiError::unrecognized(&format!("{p}.{k}")));
            }
        }
        let mut canon = Map::new();
        for (key, kind) in VARIANT_KEYS {
            if let Some(val) = obj.get(*key).filter(|v| !v.is_null()) {
                if !kind_ok(*kind, val) {
                    errs.push(ApiError::invalid(&format!("{p}.{key}"), val));
                } else {
                    canon.insert((*key).into(), val.clone());
                }
            }
        }
        match obj.get("merchantDefinedSkuId") {
            Some(Value::String(s)) if s.len() > 96 => {
                errs.push(ApiError::too_long(&format!("{p}.merchantDefinedSkuId"), 96))
            }
            Some(Value::String(_)) | None | Some(Value::Null) => {}
            Some(other) => errs.push(ApiError::invalid(&format!("{p}.merchantDefinedSkuId"), other)),
        }
        // selectorValues against the selectors
        let sv = obj.get("selectorValues").and_then(Value::as_object);
        if !selectors.is_empty() {
            match sv {
                None => errs.push(ApiError::mandatory(&format!("{p}.selectorValues"))),
                Some(sv) => {
                    if sv.len() != selectors.len() {
                        errs.push(ApiError::bad(
                            "IE0156",
                            format!("{p}.selectorValues must have as many values as variantSelectors."),
                            &format!("{p}.selectorValues"),
                        ));
                    } else if selectors.iter().any(|(k, _)| !sv.contains_key(k)) {
                        errs.push(ApiError::bad(
                            "IE0114",
                            format!("{p}.selectorValues do not match variantSelectors."),
                            &format!("{p}.selectorValues"),
                        ));
                    } else {
                        let combo: Vec<String> =
                            selectors.iter().map(|(k, _)| sv[k].as_str().unwrap_or_default().to_string()).collect();
                        if combos.contains(&combo) {
                            errs.push(ApiError::bad(
                                "IE0110",
                                format!("{p}.selectorValues duplicate another variant."),
                                &format!("{p}.selectorValues"),
                            ));
                        }
                        combos.push(combo);
                        // Keep selector order in storage, so skuInfo lists them as the item does.
                        let ordered: Map<String, Value> =
                            selectors.iter().map(|(k, _)| (k.clone(), sv[k].clone())).collect();
                        canon.insert("selectorValues".into(), Value::Object(ordered));
                    }
                }
            }
        }
        if let (Some(prev), Some(sv)) = (existing.and_then(|e| e.variant_body(id)), canon.get("selectorValues")) {
            if let Some(old) = prev.get("selectorValues").filter(|o| !o.as_object().is_some_and(|m| m.is_empty())) {
                if old != sv {
                    errs.push(ApiError::bad(
                        "IE0416",
                        "Cannot update selectorValues for the same variantId.",
                        &format!("{p}.selectorValues"),
                    ));
                }
            }
        }
        // standardPrice: required for NORMAL and PRE_ORDER, forbidden for BUYING_CLUB; stored as a string.
        match (obj.get("standardPrice").filter(|v| !v.is_null()), item_type) {
            (None, Some("NORMAL" | "PRE_ORDER")) => errs.push(ApiError::mandatory(&format!("{p}.standardPrice"))),
            (Some(v), Some("BUYING_CLUB")) => errs.push(ApiError::invalid(&format!("{p}.standardPrice"), v)),
            (Some(v), _) => match price(v) {
                Some(n) if (0..=999_999_999).contains(&n) => {
                    canon.insert("standardPrice".into(), Value::String(n.to_string()));
                }
                Some(_) => errs.push(ApiError::range(&format!("{p}.standardPrice"), 0, 999_999_999)),
                None => errs.push(ApiError::invalid(&format!("{p}.standardPrice"), v)),
            },
            (None, _) => {}
        }
        // articleNumber: a value or an exemption reason.
        match obj.get("articleNumber").filter(|v| !v.is_null()) {
            None => errs.push(ApiError::bad(
                "IE0229",
                format!("{p}.articleNumber must have either value or exemptionReason."),
                &format!("{p}.articleNumber"),
            )),
            Some(a) => {
                let has_value = a.get("value").and_then(Value::as_str).is_some_and(|s| !s.is_empty());
                let reason = a.get("exemptionReason").and_then(price);
                if !has_value && reason.is_none() {
                    errs.push(ApiError::bad(
                        "IE0229",
                        format!("{p}.articleNumber must have either value or exemptionReason."),
                        &format!("{p}.articleNumber"),
                    ));
                }
                if let Some(r) = reason {
                    if !(1..=6).contains(&r) || r == 4 {
                        errs.push(ApiError::invalid(&format!("{p}.articleNumber.exemptionReason"), &json!(r)));
                    }
                }
            }
        }
        if obj.get("backOrderFlag") == Some(&Value::Bool(true))
            && obj.get("backOrderDeliveryDateId").is_none_or(Value::is_null)
        {
            errs.push(ApiError::bad(
                "IE0164",
                "backOrderDeliveryDateId is mandatory when backOrderFlag is true.",
                &format!("{p}.backOrderDeliveryDateId"),
            ));
        }
        match obj.get("orderQuantityLimit") {
            None | Some(Value::Null) => {}
            Some(v) if v.as_i64().is_some_and(|n| (0..=400).contains(&n)) => {}
            Some(_) => errs.push(ApiError::range(&format!("{p}.orderQuantityLimit"), 0, 400)),
        }
        // Defaults; okihaiSetting is kept from the stored variant when left out.
        let mut shipping_defaults = json!({"postageIncluded": false, "singleItemShipping": 0, "okihaiSetting": true});
        if let Some(prev) = existing
            .and_then(|e| e.variant_body(id))
            .and_then(|v| v.get("shipping"))
            .and_then(|s| s.get("okihaiSetting"))
        {
            shipping_defaults["okihaiSetting"] = prev.clone();
        }
        let shipping = with_defaults(shipping_defaults, canon.get("shipping"));
        let features = with_defaults(json!({"restockNotification": false, "noshi": false}), canon.get("features"));
        canon.insert("shipping".into(), shipping);
        canon.insert("features".into(), features);
        for (k, d) in [("restockOnCancel", false), ("backOrderFlag", false), ("hidden", false)] {
            canon.entry(k).or_insert(Value::Bool(d));
        }
        let mut ordered = Map::new();
        for (key, _) in VARIANT_KEYS {
            if let Some(v) = canon.remove(*key) {
                ordered.insert((*key).into(), v);
            }
        }
        out.insert(id.clone(), Value::Object(ordered));
    }
    out
}

/// items.patch: the stored body with `patch` merged in. Objects merge, lists and scalars
/// replace, `null` resets a field, and `variants` merge per variantId (a new id is added).
pub fn merge_patch(stored: &ItemBody, patch: &Value) -> Result<Value, Vec<ApiError>> {
    let Some(p) = patch.as_object().filter(|p| !p.is_empty()) else {
        return Err(vec![ApiError::new(
            400,
            "GE0011",
            "Request body is missing or is empty without any attributes.",
            None,
        )]);
    };
    let mut merged = Value::Object(stored.clone());
    crate::merge::merge_patch(&mut merged, &Value::Object(p.clone()));
    Ok(merged)
}

/// A stored item.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    /// Lower case.
    pub manage_number: String,
    /// Rakuten's internal number (`itemId` in orders).
    pub item_id: u64,
    pub body: ItemBody,
    pub created: JstDateTime,
    pub updated: JstDateTime,
}

/// One SKU of an item, read from its body.
#[derive(Clone, Debug, PartialEq)]
pub struct VariantView {
    pub variant_id: String,
    pub merchant_defined_sku_id: Option<String>,
    /// (displayName, displayValue) in selector order.
    pub selector_values: Vec<(String, String)>,
    pub standard_price: Option<i64>,
    pub hidden: bool,
    pub restock_on_cancel: bool,
}

impl VariantView {
    /// `skuInfo` as getOrder shows it: `"サイズ:M\nカラー:ブラック"`; None without selectors.
    pub fn sku_info(&self) -> Option<String> {
        if self.selector_values.is_empty() {
            return None;
        }
        Some(self.selector_values.iter().map(|(k, v)| format!("{k}:{v}")).collect::<Vec<_>>().join("\n"))
    }
}

impl Item {
    pub fn title(&self) -> &str {
        self.body.get("title").and_then(Value::as_str).unwrap_or("")
    }

    pub fn item_number(&self) -> &str {
        self.body.get("itemNumber").and_then(Value::as_str).unwrap_or(&self.manage_number)
    }

    pub fn str_field(&self, key: &str) -> Option<&str> {
        self.body.get(key).and_then(Value::as_str)
    }

    /// A JSON pointer into the body, e.g. `/features/searchVisibility`.
    pub fn pointer(&self, pointer: &str) -> Option<&Value> {
        let rest = pointer.strip_prefix('/')?;
        let (first, tail) = rest.split_once('/').map(|(a, b)| (a, Some(b))).unwrap_or((rest, None));
        let v = self.body.get(first)?;
        match tail {
            Some(t) => v.pointer(&format!("/{t}")),
            None => Some(v),
        }
    }

    pub fn flag(&self, key: &str) -> bool {
        self.body.get(key).and_then(Value::as_bool).unwrap_or(false)
    }

    fn variant_body(&self, id: &str) -> Option<&Map<String, Value>> {
        self.body.get("variants")?.get(id)?.as_object()
    }

    pub fn variant_ids(&self) -> Vec<String> {
        self.body.get("variants").and_then(Value::as_object).map(|m| m.keys().cloned().collect()).unwrap_or_default()
    }

    pub fn variant(&self, id: &str) -> Option<VariantView> {
        let v = self.variant_body(id)?;
        let selectors: Vec<(String, String)> = self
            .body
            .get("variantSelectors")
            .and_then(Value::as_array)
            .map(|l| {
                l.iter()
                    .filter_map(|s| {
                        let key = s.get("key")?.as_str()?.to_string();
                        let name = s.get("displayName").and_then(Value::as_str).unwrap_or(&key).to_string();
                        Some((key, name))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let sv = v.get("selectorValues").and_then(Value::as_object);
        let selector_values =
            selectors.iter().filter_map(|(k, name)| Some((name.clone(), sv?.get(k)?.as_str()?.to_string()))).collect();
        Some(VariantView {
            variant_id: id.to_string(),
            merchant_defined_sku_id: v.get("merchantDefinedSkuId").and_then(Value::as_str).map(String::from),
            selector_values,
            standard_price: v.get("standardPrice").and_then(price),
            hidden: v.get("hidden").and_then(Value::as_bool).unwrap_or(false),
            restock_on_cancel: v.get("restockOnCancel").and_then(Value::as_bool).unwrap_or(false),
        })
    }

    pub fn variants(&self) -> Vec<VariantView> {
        self.variant_ids().iter().filter_map(|id| self.variant(id)).collect()
    }

    /// The item as items.get answers it.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("manageNumber".into(), json!(self.manage_number));
        for (k, v) in &self.body {
            m.insert(k.clone(), v.clone());
        }
        m.insert("created".into(), json!(self.created.to_iso()));
        m.insert("updated".into(), json!(self.updated.to_iso()));
        Value::Object(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minimal() -> Value {
        json!({
            "title": "T", "itemType": "NORMAL", "genreId": "100000",
            "variantSelectors": [{"key": "size", "displayName": "サイズ", "values": [{"displayValue": "M"}, {"displayValue": "L"}]}],
            "variants": {
                "m": {"selectorValues": {"size": "M"}, "standardPrice": 1000, "articleNumber": {"exemptionReason": 5}},
                "l": {"selectorValues": {"size": "L"}, "standardPrice": "1200", "articleNumber": {"exemptionReason": 5}}
            }
        })
    }

    fn codes(e: &[ApiError]) -> Vec<(&str, Option<&str>)> {
        e.iter().map(|e| (e.code, e.property_path.as_deref())).collect()
    }

    #[test]
    fn upsert_applies_defaults_and_stores_prices_as_strings() {
        let b = validate_item(&minimal(), None).unwrap();
        assert_eq!(b["variants"]["m"]["standardPrice"], "1000");
        assert_eq!(b["hideItem"], false);
        assert_eq!(b["features"]["inventoryDisplay"], "HIDDEN_STOCK");
        assert_eq!(b["variants"]["m"]["shipping"]["okihaiSetting"], true);
        let keys: Vec<&String> = b.keys().collect();
        assert_eq!(keys.first().map(|s| s.as_str()), Some("title"));
        assert_eq!(keys.last().map(|s| s.as_str()), Some("variants"));
    }

    #[test]
    fn missing_and_bad_fields_are_all_reported_with_their_paths() {
        let mut b = minimal();
        b.as_object_mut().unwrap().remove("title");
        b["itemType"] = json!("NORML");
        b["variants"]["m"]["standardPrice"] = json!(-1);
        b["variants"]["l"]["colour"] = json!("x");
        let e = validate_item(&b, None).unwrap_err();
        assert_eq!(
            codes(&e),
            vec![
                ("IE0001", Some("title")),
                ("IE0007", Some("itemType")),
                ("IE0003", Some("variants.m.standardPrice")),
                ("IE0002", Some("variants.l.colour")),
            ]
        );
        assert_eq!(e[2].message, "variants.m.standardPrice must be between 0 and 999999999.");
    }

    #[test]
    fn selector_rules_are_enforced() {
        let mut b = minimal();
        b["variants"]["l"]["selectorValues"] = json!({"size": "M"});
        assert_eq!(codes(&validate_item(&b, None).unwrap_err()), vec![("IE0110", Some("variants.l.selectorValues"))]);
        let mut b = minimal();
        b.as_object_mut().unwrap().remove("variantSelectors");
        let e = validate_item(&b, None).unwrap_err();
        assert!(e.iter().any(|e| e.code == "IE0269"));
    }

    #[test]
    fn selector_values_cannot_change_under_the_same_variant_id() {
        let body = validate_item(&minimal(), None).unwrap();
        let t = JstDateTime::from_seconds(0);
        let stored = Item { manage_number: "x".into(), item_id: 1, body, created: t, updated: t };
        let mut b = minimal();
        b["variants"]["m"]["selectorValues"] = json!({"size": "L"});
        b["variants"]["l"]["selectorValues"] = json!({"size": "M"});
        let e = validate_item(&b, Some(&stored)).unwrap_err();
        assert!(e.iter().all(|e| e.code == "IE0416"), "{e:?}");
    }

    #[test]
    fn manage_numbers_are_lowered_and_checked() {
        assert_eq!(normalize_manage_number("AbC-1_2", "p").unwrap(), "abc-1_2");
        assert_eq!(normalize_manage_number("a b", "p").unwrap_err().code, "IE0220");
        assert_eq!(normalize_manage_number(&"a".repeat(33), "p").unwrap_err().code, "IE0004");
    }

    #[test]
    fn patch_merges_variants_per_id() {
        let body = validate_item(&minimal(), None).unwrap();
        let merged = merge_patch(&body, &json!({"variants": {"m": {"standardPrice": "810"}}})).unwrap();
        let again = validate_item(&merged, None).unwrap();
        assert_eq!(again["variants"]["m"]["standardPrice"], "810");
        assert_eq!(again["variants"]["l"]["standardPrice"], "1200");
    }

    #[test]
    fn full_width_characters_count_two_bytes() {
        assert_eq!(rms_len("abc"), 3);
        assert_eq!(rms_len("ＴシャツA"), 9);
    }
}
