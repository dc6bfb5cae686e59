//! Item rules and JSON problems become RMS errors here: the `IE…` code, the message text and
//! the `propertyPath` of each (item-api.md §10), in one report: the item's fields before its
//! SKUs', and in each, unknown fields first, then the fields in [`ITEM_REPORT_ORDER`] /
//! [`VARIANT_REPORT_ORDER`] (the order this fake has always listed them in), list entries by
//! index.
//!
//! The message texts (and those of `api::rest`, `items`, `search` and `api::inventory`) are
//! the templates of the official response-code tables, "RMS WEB SERVICE : ItemAPI 2.0
//! Response Codes Reference" (`itemapi2_0/responsecodesreference/`) and "InventoryAPI 2.1
//! Response Codes Reference" (`inventoryapi2_1/codereference/`), read from public copies, with
//! `${fieldName}` filled with the field's path as in `propertyPath` (except the identifier
//! checks of bulk bodies, below). Where an official page's sample or a live answer words one
//! differently, the doc comment at that text says which was chosen.

use super::wire::{WireKind, WireProblem};
use crate::api::rest::ApiError;
use crate::domain::item::{AttributeGaps, ItemViolation, ViolationKind};

/// IE0003 as the Item API words it: the items.patch page's sample reads
/// `variants.433913.standardPrice must be between 0 to 999999999.`, an answer as RMS wrote it,
/// where the response-code table's template has "and" (the Inventory API's samples say "and",
/// so [`ApiError::range`] keeps it). Samples win over templates (README, inferred behaviour).
pub fn item_range(path: &str, min: i64, max: i64) -> ApiError {
    ApiError::bad("IE0003", format!("{path} must be between {min} to {max}."), path)
}

/// The RMS error for one broken item rule.
pub fn violation(v: &ItemViolation) -> ApiError {
    let p = v.path.as_str();
    match &v.kind {
        ViolationKind::Missing => ApiError::mandatory(p),
        ViolationKind::Invalid { value } => ApiError::invalid_shown(p, value),
        ViolationKind::OutOfRange { min, max } => item_range(p, *min, *max),
        ViolationKind::TooLong { max_bytes } => ApiError::too_long(p, *max_bytes),
        ViolationKind::TooMany => ApiError::too_many(p),
        ViolationKind::ManageNumberCharacters => {
            ApiError::bad("IE0220", "manageNumber is only allowed alphanumeric, \"-\" and \"_\".", p)
        }
        ViolationKind::UnsupportedImageExtension => {
            ApiError::bad("IE0224", "Invalid file extension. Only gif, jpg, jpeg, and png are allowed.", p)
        }
        ViolationKind::LowStockThresholdRequired => ApiError::bad(
            "IE0162",
            "When features.inventoryDisplay is \"DISPLAY_LOW_STOCK\", features.lowStockThreshold is mandatory.",
            p,
        ),
        ViolationKind::LowStockThresholdNotAllowed => ApiError::bad(
            "IE0163",
            "When features.lowStockThreshold is set, features.inventoryDisplay should be \"DISPLAY_LOW_STOCK\".",
            p,
        ),
        ViolationKind::BackOrderDateRequired => {
            let id = p.strip_prefix("variants.").and_then(|r| r.strip_suffix(".backOrderDeliveryDateId")).unwrap_or(p);
            let text = format!(
                "When variants.{id}.backOrderFlag is true, variants.{id}.backOrderDeliveryDateId must be registered."
            );
            ApiError::bad("IE0164", text, p)
        }
        ViolationKind::DuplicateSelectorKey { .. } => {
            ApiError::bad("IE0135", "There are duplicate value for variantSelectors.key.", p)
        }
        ViolationKind::DuplicateSelectorValue { .. } => {
            ApiError::bad("IE0211", format!("Cannot set same value in {p}."), p)
        }
        // The table writes `{fieldName}` without the `$` of its other placeholders.
        ViolationKind::ColonInSelectorValue => ApiError::bad("IE0278", format!("Invalid character is set in {p}."), p),
        // No full stop, as in the table.
        ViolationKind::SelectorCountMismatch => ApiError::bad(
            "IE0156",
            "Number of variants.selectorValues should be equal to number of variantSelector.values",
            p,
        ),
        ViolationKind::SelectorKeysMismatch { expected, given } => ApiError::bad(
            "IE0114",
            format!(
                "Missing or unexpected element in {p}. Expected selectors : {}, given set : {}.",
                java_list(expected),
                java_list(given)
            ),
            p,
        ),
        ViolationKind::DuplicateSelectorCombination { combination } => ApiError::bad(
            "IE0110",
            format!(
                "There are multiple occurrences of the same variant selectorValue content : {}.",
                java_map(combination)
            ),
            p,
        ),
        ViolationKind::SelectorValuesChanged => {
            ApiError::bad("IE0416", "Cannot update selectorValues for the same variantId.", p)
        }
        ViolationKind::ArticleNumberRequired => ApiError::bad(
            "IE0229",
            "Either articleNumber.value or articleNumber.exemptionReason should be mandatory.",
            p,
        ),
        ViolationKind::SelectorsRequiredForVariants => {
            ApiError::bad("IE0269", "When variantSelectors is null, only can set max 1 variants.", p)
        }
        ViolationKind::InvalidArticleNumber => ApiError::bad("IE0228", "Invalid articleNumber is set.", p),
        ViolationKind::MachineDependentCharacters => {
            ApiError::bad("IE0270", "Machine dependent characters cannot be registered.", p)
        }
        ViolationKind::MandatoryAttributes(gaps) => {
            ApiError::bad("IE0418", "Invalid attribute or genreId is set.", p).with_details(attribute_details(gaps))
        }
    }
}

/// A list in a message as the table's Java EL template prints one (`[a, b]`), `none` when
/// empty (`${empty x ? 'none' : x}`); IE0114 (the form is inferred: no answer is public).
fn java_list(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_string()
    } else {
        format!("[{}]", items.join(", "))
    }
}

/// A SKU's selectorValues as Java prints a map (`{size=M, colour=Black}`); IE0110's
/// `${invalidValue}` (inferred: no answer is public).
fn java_map(pairs: &[(String, String)]) -> String {
    let inner: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("{{{}}}", inner.join(", "))
}

/// IE0418's `details`: the missing names as a live answer words them, then the official
/// `invalidMandatoryValue` once when mandatory attributes came without values (one entry per
/// SKU, as its text names no attribute: inferred).
fn attribute_details(gaps: &AttributeGaps) -> Vec<(&'static str, String)> {
    let mut details = Vec::new();
    if !gaps.missing.is_empty() {
        let names = gaps.missing.join(", ");
        details.push((
            "invalidAllMandatoryAttributes",
            format!("The mandatory attributes are missing. attributeNames: {names}"),
        ));
    }
    if !gaps.without_values.is_empty() {
        details.push(("invalidMandatoryValue", "attributes.values is mandatory.".to_string()));
    }
    details
}

/// A violation at `path` (ids in paths and bodies).
pub fn at(path: &str, kind: ViolationKind) -> ApiError {
    violation(&ItemViolation::new(path, kind))
}

/// A broken identifier (`manageNumber`, `variantId`) at `path` in a bulk body: the text names
/// the field, the `propertyPath` keeps the index, as the official bulk pages' samples show
/// (`Max length of manageNumber must be within 32 bytes.` at `manageNumbers[0]` or
/// `inventories[0].manageNumber`).
pub fn identifier_at(path: &str, field: &str, kind: ViolationKind) -> ApiError {
    ApiError { property_path: Some(path.to_string()), ..at(field, kind) }
}

fn wire(w: &WireProblem) -> ApiError {
    match &w.kind {
        WireKind::Unrecognized => ApiError::unrecognized(&w.path),
        WireKind::Invalid(shown) => ApiError::invalid_shown(&w.path, shown),
        WireKind::Choice => ApiError::choice(&w.path),
    }
}

/// True when `path` is `base` or inside it.
fn within(path: &str, base: &str) -> bool {
    path == base || path.strip_prefix(base).is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
}

/// The order of the item's fields in a report: the plainly stored fields, then the ones
/// with rules, as the checks run.
const ITEM_REPORT_ORDER: [&str; 27] = [
    "precautions",
    "whiteBgImage",
    "video",
    "hideItem",
    "unlimitedInventoryFlag",
    "customizationOptions",
    "releaseDate",
    "purchasablePeriod",
    "subscription",
    "buyingClub",
    "accessControl",
    "pointCampaign",
    "layout",
    "title",
    "itemNumber",
    "tagline",
    "productDescription",
    "salesDescription",
    "itemType",
    "genreId",
    "tags",
    "images",
    "features",
    "payment",
    "itemDisplaySequence",
    "variantSelectors",
    "variants",
];

/// The order of a SKU's fields in a report, after its variantId.
const VARIANT_REPORT_ORDER: [&str; 18] = [
    "images",
    "restockOnCancel",
    "backOrderFlag",
    "normalDeliveryDateId",
    "referencePrice",
    "features",
    "hidden",
    "subscriptionPrice",
    "articleNumberForSet",
    "shipping",
    "specs",
    "merchantDefinedSkuId",
    "selectorValues",
    "standardPrice",
    "articleNumber",
    "backOrderDeliveryDateId",
    "orderQuantityLimit",
    "attributes",
];

/// Where a problem sits in the report: (section: 0 the item, 1+i its i-th SKU; 0 the
/// variantId, 1 an unknown field, 2+ the field's place; the index in a list field).
fn place(path: &str, unknown: bool, variant_ids: &[String]) -> (usize, usize, usize) {
    let field = |rest: &str, order: &[&str]| {
        let first = rest.split(['.', '[']).next().unwrap_or("");
        let index = rest[first.len()..]
            .strip_prefix('[')
            .and_then(|r| r.split(']').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        let rank = order.iter().position(|f| *f == first).map_or(order.len(), |i| i);
        (if unknown { 1 } else { 2 + rank }, index)
    };
    let sku = path.strip_prefix("variants.").and_then(|rest| {
        variant_ids
            .iter()
            .enumerate()
            .filter(|(_, id)| rest == id.as_str() || rest.strip_prefix(id.as_str()).is_some_and(|r| r.starts_with('.')))
            .max_by_key(|(_, id)| id.len())
            .map(|(i, id)| (i, rest[id.len()..].trim_start_matches('.')))
    });
    match sku {
        Some((i, "")) => (1 + i, 0, 0),
        Some((i, rest)) => {
            let (order, index) = field(rest, &VARIANT_REPORT_ORDER);
            (1 + i, order, index)
        }
        None => {
            let (order, index) = field(path, &ITEM_REPORT_ORDER);
            (0, order, index)
        }
    }
}

/// Every problem of an item body as RMS lists them. A JSON problem hides the rules about
/// the value it is in (a wrong type is not also "mandatory").
pub fn report(problems: &[WireProblem], violations: &[ItemViolation], variant_ids: &[String]) -> Vec<ApiError> {
    let mut all: Vec<((usize, usize, usize), ApiError)> =
        problems.iter().map(|w| (place(&w.path, w.kind == WireKind::Unrecognized, variant_ids), wire(w))).collect();
    for v in violations {
        if problems.iter().any(|w| within(&v.path, &w.path)) {
            continue;
        }
        all.push((place(&v.path, false, variant_ids), violation(v)));
    }
    all.sort_by_key(|(k, _)| *k);
    all.into_iter().map(|(_, e)| e).collect()
}
