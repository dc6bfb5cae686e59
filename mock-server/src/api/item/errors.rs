//! Item rules and JSON problems become RMS errors here: the `IE…` code, the message text and
//! the `propertyPath` of each (item-api.md §10), in one report: the item's fields before its
//! SKUs', and in each, unknown fields first, then the fields in [`ITEM_REPORT_ORDER`] /
//! [`VARIANT_REPORT_ORDER`] (the order this fake has always listed them in), list entries by
//! index.

use super::wire::{WireKind, WireProblem};
use crate::api::rest::ApiError;
use crate::domain::item::{AttributeGaps, ItemViolation, ViolationKind};

/// The RMS error for one broken item rule.
pub fn violation(v: &ItemViolation) -> ApiError {
    let p = v.path.as_str();
    match &v.kind {
        ViolationKind::Missing => ApiError::mandatory(p),
        ViolationKind::Invalid { value } => ApiError::invalid_shown(p, value),
        ViolationKind::OutOfRange { min, max } => ApiError::range(p, *min, *max),
        ViolationKind::TooLong { max_bytes } => ApiError::too_long(p, *max_bytes),
        ViolationKind::TooMany => ApiError::too_many(p),
        ViolationKind::ManageNumberCharacters => {
            ApiError::bad("IE0220", "manageNumber is only allowed alphanumeric, \"-\" and \"_\".", p)
        }
        ViolationKind::UnsupportedImageExtension => {
            ApiError::bad("IE0224", format!("{p} has an unsupported file extension."), p)
        }
        ViolationKind::LowStockThresholdRequired => {
            ApiError::bad("IE0162", "lowStockThreshold is mandatory when inventoryDisplay is DISPLAY_LOW_STOCK.", p)
        }
        ViolationKind::LowStockThresholdNotAllowed => {
            ApiError::bad("IE0163", "lowStockThreshold can be set only when inventoryDisplay is DISPLAY_LOW_STOCK.", p)
        }
        ViolationKind::BackOrderDateRequired => {
            ApiError::bad("IE0164", "backOrderDeliveryDateId is mandatory when backOrderFlag is true.", p)
        }
        ViolationKind::DuplicateSelectorKey { key } => {
            ApiError::bad("IE0135", format!("{p} is duplicated : {key}."), p)
        }
        ViolationKind::DuplicateSelectorValue { value } => {
            ApiError::bad("IE0211", format!("{p} is duplicated : {value}."), p)
        }
        ViolationKind::ColonInSelectorValue => ApiError::bad("IE0278", format!("{p} must not contain ':'."), p),
        ViolationKind::SelectorCountMismatch => {
            ApiError::bad("IE0156", format!("{p} must have as many values as variantSelectors."), p)
        }
        ViolationKind::SelectorKeysMismatch => {
            ApiError::bad("IE0114", format!("{p} do not match variantSelectors."), p)
        }
        ViolationKind::DuplicateSelectorCombination => {
            ApiError::bad("IE0110", format!("{p} duplicate another variant."), p)
        }
        ViolationKind::SelectorValuesChanged => {
            ApiError::bad("IE0416", "Cannot update selectorValues for the same variantId.", p)
        }
        ViolationKind::ArticleNumberRequired => {
            ApiError::bad("IE0229", format!("{p} must have either value or exemptionReason."), p)
        }
        ViolationKind::SelectorsRequiredForVariants => {
            ApiError::bad("IE0269", "When variantSelectors is null, only can set max 1 variants.", p)
        }
        // The official texts of the response-code table (M-ITEMCODES).
        ViolationKind::InvalidArticleNumber => ApiError::bad("IE0228", "Invalid articleNumber is set.", p),
        ViolationKind::MachineDependentCharacters => {
            ApiError::bad("IE0270", "Machine dependent characters cannot be registered.", p)
        }
        ViolationKind::MandatoryAttributes(gaps) => {
            ApiError::bad("IE0418", "Invalid attribute or genreId is set.", p).with_details(attribute_details(gaps))
        }
    }
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
