//! The rules of `items.upsert` / `items.patch` on typed data (item-api.md §0, §4–§6): what is
//! required, ranges, lengths in RMS bytes, machine-dependent characters in texts, selectors
//! and SKUs, JAN check digits, the genre's mandatory attributes, images, features, and the
//! defaults an upsert fills in. A rule that fails is an [`ItemViolation`] with the field's
//! path; which code and text RMS answers with is the wire's business (`api/item/`).

use super::charset::has_machine_dependent;
use super::genre::{attribute_gaps, AttributeGaps, GenreRules};
use super::jan::valid_jan;
use super::model::{
    Features, InventoryDisplay, ItemData, ItemType, Layout, OrderedMap, Payment, Review, SearchVisibility, Selector,
    Shipping, Variant, VariantFeatures,
};

/// Most SKUs one item may have.
pub const MAX_VARIANTS: usize = 400;
/// `itemDisplaySequence` when left out, and its upper bound.
pub const LAST_DISPLAY_SEQUENCE: i64 = 999_999_999;
/// Upper bound of `standardPrice`.
pub const MAX_PRICE: i64 = 999_999_999;

/// What is wrong with one field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ViolationKind {
    /// A required field is missing.
    Missing,
    /// The value is not allowed here; `value` is the value as the client sent it.
    Invalid { value: String },
    /// A number outside `min..=max`.
    OutOfRange { min: i64, max: i64 },
    /// Longer than `max_bytes` RMS bytes (full-width characters count two).
    TooLong { max_bytes: usize },
    /// A list or map with more entries than allowed.
    TooMany,
    /// A manageNumber with characters other than `a-z A-Z 0-9 - _`.
    ManageNumberCharacters,
    /// An image whose file is not jpg, jpeg, png or gif.
    UnsupportedImageExtension,
    /// DISPLAY_LOW_STOCK without `lowStockThreshold`.
    LowStockThresholdRequired,
    /// `lowStockThreshold` without DISPLAY_LOW_STOCK.
    LowStockThresholdNotAllowed,
    /// `backOrderFlag` true without `backOrderDeliveryDateId`.
    BackOrderDateRequired,
    /// Two selectors with the same key.
    DuplicateSelectorKey { key: String },
    /// Two values of one selector with the same displayValue.
    DuplicateSelectorValue { value: String },
    /// A selector value containing `:` (it would break `skuInfo`).
    ColonInSelectorValue,
    /// A SKU with more or fewer selectorValues than there are selectors.
    SelectorCountMismatch,
    /// A SKU whose selectorValues keys are not the selectors' keys: the selectors' keys in
    /// order, and the keys the SKU gave.
    SelectorKeysMismatch { expected: Vec<String>, given: Vec<String> },
    /// Two SKUs with the same combination of selector values: (key, value) in the selectors'
    /// order.
    DuplicateSelectorCombination { combination: Vec<(String, String)> },
    /// A stored SKU's selectorValues changed under the same variantId.
    SelectorValuesChanged,
    /// A SKU with neither an articleNumber value nor an exemption reason.
    ArticleNumberRequired,
    /// More than one SKU on an item without selectors.
    SelectorsRequiredForVariants,
    /// An `articleNumber.value` that is not a JAN with its check digit.
    InvalidArticleNumber,
    /// A text with machine-dependent characters (機種依存文字, see [`super::charset`]).
    MachineDependentCharacters,
    /// A SKU without the mandatory attributes of its item's genre.
    MandatoryAttributes(AttributeGaps),
}

/// A broken rule and where: `variants.m-black.standardPrice`, `variantSelectors[1].key`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemViolation {
    /// The field's path as RMS writes it (`propertyPath`).
    pub path: String,
    pub kind: ViolationKind,
}

impl ItemViolation {
    /// A violation at `path`.
    pub fn new(path: impl Into<String>, kind: ViolationKind) -> Self {
        ItemViolation { path: path.into(), kind }
    }
}

/// An item that passed every rule, with its defaults filled: the only thing the catalog
/// stores.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckedItem(ItemData);

/// The first of the violations a failed [`ItemData::check`] reports (it reports at least
/// one), for callers that show a single problem.
pub fn first_violation(violations: Vec<ItemViolation>) -> ItemViolation {
    violations.into_iter().next().unwrap_or_else(|| ItemViolation::new("", ViolationKind::Missing))
}

impl CheckedItem {
    /// The checked data (tests only; the stored item is read through `Item::data`).
    #[cfg(test)]
    pub fn data(&self) -> &ItemData {
        &self.0
    }

    /// The checked data, to store it.
    pub fn into_data(self) -> ItemData {
        self.0
    }
}

/// Length as RMS counts it: full-width characters take two bytes (Shift_JIS-like), so a
/// 255-byte title holds 127 Japanese characters; half-width kana take one.
pub fn rms_len(s: &str) -> usize {
    s.chars().map(|c| if (c as u32) < 0x80 || ('\u{FF61}'..='\u{FF9F}').contains(&c) { 1 } else { 2 }).sum()
}

fn id_chars_ok(raw: &str) -> bool {
    !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// `manageNumber`: `a-z A-Z 0-9 - _`, ≤32 bytes; upper case becomes lower case.
pub fn manage_number(raw: &str) -> Result<String, ViolationKind> {
    if !id_chars_ok(raw) {
        return Err(ViolationKind::ManageNumberCharacters);
    }
    if raw.len() > 32 {
        return Err(ViolationKind::TooLong { max_bytes: 32 });
    }
    Ok(raw.to_ascii_lowercase())
}

/// `variantId`: `A-Z a-z 0-9 - _`, ≤32 bytes, case-sensitive.
pub fn variant_id(raw: &str) -> Result<(), ViolationKind> {
    if raw.len() > 32 {
        return Err(ViolationKind::TooLong { max_bytes: 32 });
    }
    if !id_chars_ok(raw) {
        return Err(ViolationKind::Invalid { value: raw.to_string() });
    }
    Ok(())
}

/// A price-like text: digits, surrounding blanks allowed (clients send numbers or strings).
fn number(s: &str) -> Option<i64> {
    s.trim().parse().ok()
}

/// Collects violations in the order the rules run.
struct Found(Vec<ItemViolation>);

impl Found {
    fn add(&mut self, path: impl Into<String>, kind: ViolationKind) {
        self.0.push(ItemViolation::new(path, kind));
    }

    fn too_long(&mut self, path: impl Into<String>, text: &str, max_bytes: usize) {
        if rms_len(text) > max_bytes {
            self.add(path, ViolationKind::TooLong { max_bytes });
        }
    }

    /// A text buyers read on the item page: no machine-dependent characters.
    fn page_text(&mut self, path: impl Into<String>, text: &str) {
        if has_machine_dependent(text) {
            self.add(path, ViolationKind::MachineDependentCharacters);
        }
    }
}

impl ItemData {
    /// Checks a whole item (an upsert, or a patch merged into the stored item) and fills the
    /// defaults. `existing` is the stored item, for the rules that compare with it
    /// (selectorValues fixed per variantId) and for the two fields an upsert keeps when left
    /// out (`socialGiftFlag`, `okihaiSetting`); `genres` says which attributes each SKU must
    /// carry. Every violation is reported, in the order the fields are checked.
    pub fn check(
        mut self,
        existing: Option<&ItemData>,
        genres: GenreRules<'_>,
    ) -> Result<CheckedItem, Vec<ItemViolation>> {
        let mut found = Found(Vec::new());
        match &self.title {
            None => found.add("title", ViolationKind::Missing),
            Some(t) if t.trim().is_empty() => found.add("title", ViolationKind::Invalid { value: t.clone() }),
            Some(t) => {
                found.too_long("title", t, 255);
                found.page_text("title", t);
            }
        }
        if let Some(n) = &self.item_number {
            found.too_long("itemNumber", n, 32);
        }
        if let Some(t) = &self.tagline {
            found.too_long("tagline", t, 174);
            found.page_text("tagline", t);
        }
        // The texts of the item page; the live answer named `productDescription.pc`. Selector
        // values, option names and specs are not checked (inferred: no source shows them).
        if let Some(d) = &self.product_description {
            for (key, text) in [("pc", &d.pc), ("sp", &d.sp)] {
                if let Some(t) = text {
                    found.page_text(format!("productDescription.{key}"), t);
                }
            }
        }
        if let Some(t) = &self.sales_description {
            found.page_text("salesDescription", t);
        }
        if self.item_type.is_none() {
            found.add("itemType", ViolationKind::Missing);
        }
        let genre = match self.genre_id.as_deref().map(|g| (g, number(g))) {
            None => {
                found.add("genreId", ViolationKind::Missing);
                None
            }
            Some((_, Some(g))) if (100_000..=999_999).contains(&g) => Some(g.to_string()),
            Some((raw, _)) => {
                found.add("genreId", ViolationKind::Invalid { value: raw.to_string() });
                None
            }
        };
        // Only a valid genre has attributes to require.
        let mandatory = genre.as_deref().map(|g| genres.mandatory(g)).unwrap_or_default();
        if genre.is_some() {
            self.genre_id = genre;
        }
        if let Some(tags) = &self.tags {
            if tags.len() > 32 {
                found.add("tags", ViolationKind::TooMany);
            }
            for (i, tag) in tags.iter().enumerate() {
                if !(5_000_000..=9_999_999).contains(tag) {
                    found.add(format!("tags[{i}]"), ViolationKind::Invalid { value: tag.to_string() });
                }
            }
        }
        if let Some(images) = &self.images {
            check_images(images, &mut found);
        }
        let kept_gift = existing.and_then(|e| e.features.as_ref()).and_then(|f| f.social_gift_flag);
        let features = with_feature_defaults(self.features.take().unwrap_or_default(), kept_gift);
        check_features(&features, &mut found);
        self.features = Some(features);
        let payment = self.payment.take().unwrap_or_default();
        self.payment = Some(Payment {
            tax_included: payment.tax_included.or(Some(true)),
            cash_on_delivery_fee_included: payment.cash_on_delivery_fee_included.or(Some(false)),
            tax_rate: payment.tax_rate,
        });
        self.hide_item.get_or_insert(false);
        self.unlimited_inventory_flag.get_or_insert(false);
        match self.item_display_sequence {
            None => self.item_display_sequence = Some(LAST_DISPLAY_SEQUENCE),
            Some(n) if (1..=LAST_DISPLAY_SEQUENCE).contains(&n) => {}
            Some(_) => {
                found.add("itemDisplaySequence", ViolationKind::OutOfRange { min: 1, max: LAST_DISPLAY_SEQUENCE })
            }
        }
        let layout = self.layout.take().unwrap_or_default();
        self.layout = Some(Layout {
            item_layout_id: layout.item_layout_id.or(Some(1)),
            navigation_id: layout.navigation_id.or(Some(0)),
            layout_sequence_id: layout.layout_sequence_id.or(Some(0)),
            small_description_id: layout.small_description_id.or(Some(0)),
            large_description_id: layout.large_description_id.or(Some(0)),
            showcase_id: layout.showcase_id.or(Some(0)),
        });
        let selectors = check_selectors(self.variant_selectors.as_deref(), &mut found);
        match self.variants.take() {
            None => found.add("variants", ViolationKind::Missing),
            Some(variants) => {
                let stored = existing.and_then(|e| e.variants.as_ref());
                let sku_rules = SkuRules { item_type: self.item_type, selectors: &selectors, mandatory: &mandatory };
                self.variants = Some(check_variants(variants, &sku_rules, stored, &mut found));
            }
        }
        if found.0.is_empty() {
            Ok(CheckedItem(self))
        } else {
            Err(found.0)
        }
    }
}

fn check_images(images: &[super::model::Image], found: &mut Found) {
    if images.len() > 20 {
        found.add("images", ViolationKind::TooMany);
    }
    for (i, img) in images.iter().enumerate() {
        let p = format!("images[{i}]");
        if img.image_type.is_none() {
            found.add(format!("{p}.type"), ViolationKind::Missing);
        }
        match &img.location {
            None => found.add(format!("{p}.location"), ViolationKind::Missing),
            Some(loc) => {
                let ext = loc.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
                if !["jpg", "jpeg", "png", "gif"].contains(&ext.as_str()) {
                    found.add(format!("{p}.location"), ViolationKind::UnsupportedImageExtension);
                } else if loc.len() > 255 {
                    found.add(format!("{p}.location"), ViolationKind::TooLong { max_bytes: 255 });
                }
            }
        }
    }
}

/// The upsert defaults under what the client gave; `socialGiftFlag` keeps the stored value.
fn with_feature_defaults(f: Features, kept_gift: Option<bool>) -> Features {
    Features {
        search_visibility: f.search_visibility.or(Some(SearchVisibility::AlwaysVisible)),
        display_normal_cart_button: f.display_normal_cart_button.or(Some(true)),
        display_subscription_cart_button: f.display_subscription_cart_button.or(Some(false)),
        inventory_display: f.inventory_display.or(Some(InventoryDisplay::HiddenStock)),
        shop_contact: f.shop_contact.or(Some(true)),
        review: f.review.or(Some(Review::ShopSetting)),
        display_manufacturer_contents: f.display_manufacturer_contents.or(Some(false)),
        social_gift_flag: f.social_gift_flag.or(kept_gift).or(Some(false)),
        low_stock_threshold: f.low_stock_threshold,
    }
}

fn check_features(f: &Features, found: &mut Found) {
    let low = f.inventory_display == Some(InventoryDisplay::DisplayLowStock);
    let path = "features.lowStockThreshold";
    match f.low_stock_threshold {
        Some(_) if !low => found.add(path, ViolationKind::LowStockThresholdNotAllowed),
        Some(t) if !(1..=20).contains(&t) => found.add(path, ViolationKind::OutOfRange { min: 1, max: 20 }),
        None if low => found.add(path, ViolationKind::LowStockThresholdRequired),
        _ => {}
    }
}

/// Checks the selectors; returns (key, displayName) of each, in order.
fn check_selectors(selectors: Option<&[Selector]>, found: &mut Found) -> Vec<(String, String)> {
    let Some(list) = selectors else {
        return vec![];
    };
    if list.len() > 6 {
        found.add("variantSelectors", ViolationKind::TooMany);
    }
    let mut out: Vec<(String, String)> = Vec::new();
    for (i, s) in list.iter().enumerate() {
        let p = format!("variantSelectors[{i}]");
        let Some(key) = s.key.as_deref() else {
            found.add(format!("{p}.key"), ViolationKind::Missing);
            continue;
        };
        if out.iter().any(|(k, _)| k == key) {
            found.add(format!("{p}.key"), ViolationKind::DuplicateSelectorKey { key: key.to_string() });
        }
        let display = s.display_name.clone().unwrap_or_else(|| key.to_string());
        found.too_long(format!("{p}.displayName"), &display, 32);
        match &s.values {
            Some(vals) if !vals.is_empty() && vals.len() <= 40 => {
                let mut seen: Vec<&str> = Vec::new();
                for (j, dv) in vals.iter().enumerate() {
                    let vp = format!("{p}.values[{j}].displayValue");
                    match dv.display_value.as_deref() {
                        Some(d) if d.contains(':') => found.add(vp, ViolationKind::ColonInSelectorValue),
                        Some(d) if rms_len(d) > 32 => found.add(vp, ViolationKind::TooLong { max_bytes: 32 }),
                        Some(d) if seen.contains(&d) => {
                            found.add(vp, ViolationKind::DuplicateSelectorValue { value: d.to_string() })
                        }
                        Some(d) => seen.push(d),
                        None => found.add(vp, ViolationKind::Missing),
                    }
                }
            }
            Some(vals) if vals.len() > 40 => found.add(format!("{p}.values"), ViolationKind::TooMany),
            _ => found.add(format!("{p}.values"), ViolationKind::Missing),
        }
        out.push((key.to_string(), display));
    }
    out
}

/// What every SKU of one item is checked against.
struct SkuRules<'a> {
    item_type: Option<ItemType>,
    /// (key, displayName) of each selector, in order.
    selectors: &'a [(String, String)],
    /// The attributes the item's genre requires.
    mandatory: &'a [&'a str],
}

fn check_variants(
    variants: OrderedMap<Variant>,
    rules: &SkuRules<'_>,
    stored: Option<&OrderedMap<Variant>>,
    found: &mut Found,
) -> OrderedMap<Variant> {
    if variants.is_empty() {
        found.add("variants", ViolationKind::Missing);
    }
    if variants.len() > MAX_VARIANTS {
        found.add("variants", ViolationKind::TooMany);
    }
    if rules.selectors.is_empty() && variants.len() > 1 {
        found.add("variants", ViolationKind::SelectorsRequiredForVariants);
    }
    let mut combos: Vec<Vec<String>> = Vec::new();
    let mut out = OrderedMap::default();
    for (id, v) in variants.0 {
        let prev = stored.and_then(|s| s.get(&id));
        let v = check_variant(&id, v, rules, prev, &mut combos, found);
        out.0.push((id, v));
    }
    out
}

fn check_variant(
    id: &str,
    mut v: Variant,
    rules: &SkuRules<'_>,
    prev: Option<&Variant>,
    combos: &mut Vec<Vec<String>>,
    found: &mut Found,
) -> Variant {
    let (item_type, selectors) = (rules.item_type, rules.selectors);
    let p = format!("variants.{id}");
    if let Err(kind) = variant_id(id) {
        found.add(&p, kind);
    }
    if v.merchant_defined_sku_id.as_ref().is_some_and(|s| s.len() > 96) {
        found.add(format!("{p}.merchantDefinedSkuId"), ViolationKind::TooLong { max_bytes: 96 });
    }
    if !selectors.is_empty() {
        let path = format!("{p}.selectorValues");
        match &v.selector_values {
            None => found.add(path, ViolationKind::Missing),
            Some(sv) if sv.len() != selectors.len() => found.add(path, ViolationKind::SelectorCountMismatch),
            Some(sv) if selectors.iter().any(|(k, _)| !sv.contains_key(k)) => found.add(
                path,
                ViolationKind::SelectorKeysMismatch {
                    expected: selectors.iter().map(|(k, _)| k.clone()).collect(),
                    given: sv.0.iter().map(|(k, _)| k.clone()).collect(),
                },
            ),
            Some(sv) => {
                // Stored in the selectors' order, so skuInfo lists them as the item does.
                let ordered: Vec<(String, String)> =
                    selectors.iter().map(|(k, _)| (k.clone(), sv.get(k).cloned().unwrap_or_default())).collect();
                let combo: Vec<String> = ordered.iter().map(|(_, x)| x.clone()).collect();
                if combos.contains(&combo) {
                    found.add(path, ViolationKind::DuplicateSelectorCombination { combination: ordered.clone() });
                }
                combos.push(combo);
                v.selector_values = Some(OrderedMap(ordered));
            }
        }
    }
    if let (Some(old), Some(new)) = (prev.and_then(|p| p.selector_values.as_ref()), &v.selector_values) {
        let same = old.len() == new.len() && old.iter().all(|(k, x)| new.get(k) == Some(x));
        if !old.is_empty() && !same {
            found.add(format!("{p}.selectorValues"), ViolationKind::SelectorValuesChanged);
        }
    }
    let price_path = format!("{p}.standardPrice");
    match (v.standard_price.take(), item_type) {
        (None, Some(t)) if t.has_standard_price() => found.add(price_path, ViolationKind::Missing),
        (Some(raw), Some(ItemType::BuyingClub)) => found.add(price_path, ViolationKind::Invalid { value: raw }),
        (Some(raw), _) => match number(&raw) {
            Some(n) if (0..=MAX_PRICE).contains(&n) => v.standard_price = Some(n.to_string()),
            Some(_) => found.add(price_path, ViolationKind::OutOfRange { min: 0, max: MAX_PRICE }),
            None => found.add(price_path, ViolationKind::Invalid { value: raw }),
        },
        (None, _) => {}
    }
    match &v.article_number {
        None => found.add(format!("{p}.articleNumber"), ViolationKind::ArticleNumberRequired),
        Some(a) => {
            let has_value = a.value.as_ref().is_some_and(|s| !s.is_empty());
            if !has_value && a.exemption_reason.is_none() {
                found.add(format!("{p}.articleNumber"), ViolationKind::ArticleNumberRequired);
            }
            if let Some(r) = a.exemption_reason {
                // 4 (option stock) is no longer accepted.
                if !(1..=6).contains(&r) || r == 4 {
                    found.add(
                        format!("{p}.articleNumber.exemptionReason"),
                        ViolationKind::Invalid { value: r.to_string() },
                    );
                }
            }
            // A value is checked even beside an exemption reason: RMS stores it either way.
            if let Some(value) = a.value.as_deref().filter(|s| !s.is_empty()) {
                if !valid_jan(value) {
                    found.add(format!("{p}.articleNumber.value"), ViolationKind::InvalidArticleNumber);
                }
            }
        }
    }
    if v.back_order_flag == Some(true) && v.back_order_delivery_date_id.is_none() {
        found.add(format!("{p}.backOrderDeliveryDateId"), ViolationKind::BackOrderDateRequired);
    }
    if v.order_quantity_limit.is_some_and(|n| !(0..=400).contains(&n)) {
        found.add(format!("{p}.orderQuantityLimit"), ViolationKind::OutOfRange { min: 0, max: 400 });
    }
    // One error per SKU that lacks something, at `variants.<id>.attributes` as RMS answers.
    let gaps = attribute_gaps(rules.mandatory, v.attributes.as_deref());
    if !gaps.is_empty() {
        found.add(format!("{p}.attributes"), ViolationKind::MandatoryAttributes(gaps));
    }
    let kept_okihai = prev.and_then(|p| p.shipping.as_ref()).and_then(|s| s.okihai_setting);
    let s = v.shipping.take().unwrap_or_default();
    v.shipping = Some(Shipping {
        postage_included: s.postage_included.or(Some(false)),
        single_item_shipping: s.single_item_shipping.or(Some(0)),
        okihai_setting: s.okihai_setting.or(kept_okihai).or(Some(true)),
        ..s
    });
    let f = v.features.take().unwrap_or_default();
    v.features = Some(VariantFeatures {
        restock_notification: f.restock_notification.or(Some(false)),
        noshi: f.noshi.or(Some(false)),
    });
    v.restock_on_cancel.get_or_insert(false);
    v.back_order_flag.get_or_insert(false);
    v.hidden.get_or_insert(false);
    v
}
