//! Item bodies on the wire: the JSON of items.upsert / items.patch becomes typed
//! [`ItemData`] here, at the edge. What only JSON can get wrong is caught on the way — a
//! field the model does not have, a value of the wrong JSON type, an enum value that does
//! not exist — each as a [`WireProblem`] with its path, all of them at once. The item rules
//! then run on the typed data in `domain::item::rules`.
//!
//! Real clients send prices and some ids as numbers or as strings (the manual's own samples
//! mix them, item-api.md §4): both are accepted, and prices become strings.

use crate::domain::item::model::*;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// Top-level fields of the Item model, in the model's order.
pub const ITEM_FIELDS: [&str; 27] = [
    "itemNumber",
    "title",
    "tagline",
    "productDescription",
    "salesDescription",
    "precautions",
    "itemType",
    "images",
    "whiteBgImage",
    "video",
    "genreId",
    "tags",
    "hideItem",
    "unlimitedInventoryFlag",
    "customizationOptions",
    "releaseDate",
    "purchasablePeriod",
    "subscription",
    "buyingClub",
    "features",
    "accessControl",
    "payment",
    "pointCampaign",
    "itemDisplaySequence",
    "layout",
    "variantSelectors",
    "variants",
];

/// Read-only keys a client may echo back from items.get; ignored on write.
const READ_ONLY: [&str; 3] = ["manageNumber", "created", "updated"];

/// Fields of one variant, in the model's order.
pub const VARIANT_FIELDS: [&str; 18] = [
    "merchantDefinedSkuId",
    "selectorValues",
    "images",
    "restockOnCancel",
    "backOrderFlag",
    "normalDeliveryDateId",
    "backOrderDeliveryDateId",
    "orderQuantityLimit",
    "referencePrice",
    "features",
    "hidden",
    "standardPrice",
    "subscriptionPrice",
    "articleNumberForSet",
    "articleNumber",
    "shipping",
    "specs",
    "attributes",
];

/// What is wrong with a value as JSON.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WireKind {
    /// A key the model does not have.
    Unrecognized,
    /// The wrong JSON type; the value as sent.
    Invalid(String),
    /// Not one of the enum's values.
    Choice,
}

/// A problem of the JSON at `path`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WireProblem {
    pub path: String,
    pub kind: WireKind,
}

/// Collects the problems of one body.
#[derive(Default)]
pub struct Cx {
    pub problems: Vec<WireProblem>,
}

impl Cx {
    fn add(&mut self, path: &str, kind: WireKind) {
        self.problems.push(WireProblem { path: path.to_string(), kind });
    }

    fn invalid(&mut self, path: &str, v: &Value) {
        let shown = match v {
            Value::String(s) => s.clone(),
            v => v.to_string(),
        };
        self.add(path, WireKind::Invalid(shown));
    }
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

/// An object being read, with the path of its fields.
pub struct Obj<'a> {
    pub map: &'a Map<String, Value>,
    prefix: String,
}

/// Opens the object at `path`, reporting keys not in `fields`.
pub fn open<'a>(v: &'a Value, path: &str, fields: &[&str], cx: &mut Cx) -> Option<Obj<'a>> {
    let Some(map) = v.as_object() else {
        cx.invalid(path, v);
        return None;
    };
    for k in map.keys() {
        if !fields.contains(&k.as_str()) {
            cx.add(&join(path, k), WireKind::Unrecognized);
        }
    }
    Some(Obj { map, prefix: path.to_string() })
}

impl<'a> Obj<'a> {
    /// The value of `key`; `null` counts as left out.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    /// The path of `key`.
    pub fn path(&self, key: &str) -> String {
        join(&self.prefix, key)
    }

    /// A string field.
    pub fn string(&self, key: &str, cx: &mut Cx) -> Option<String> {
        match self.get(key)? {
            Value::String(s) => Some(s.clone()),
            v => {
                cx.invalid(&self.path(key), v);
                None
            }
        }
    }

    /// A boolean field.
    pub fn boolean(&self, key: &str, cx: &mut Cx) -> Option<bool> {
        let v = self.get(key)?;
        v.as_bool().or_else(|| {
            cx.invalid(&self.path(key), v);
            None
        })
    }

    /// An integer field.
    pub fn int(&self, key: &str, cx: &mut Cx) -> Option<i64> {
        let v = self.get(key)?;
        v.as_i64().or_else(|| {
            cx.invalid(&self.path(key), v);
            None
        })
    }

    /// An integer sent as a number or as a string of digits.
    pub fn loose_int(&self, key: &str, cx: &mut Cx) -> Option<i64> {
        let v = self.get(key)?;
        let n = match v {
            Value::String(s) => s.trim().parse().ok(),
            v => v.as_i64(),
        };
        n.or_else(|| {
            cx.invalid(&self.path(key), v);
            None
        })
    }

    /// A price-like field (or `genreId`): a number or a string, kept as text; whether the
    /// text is a valid number is an item rule.
    pub fn text(&self, key: &str, cx: &mut Cx) -> Option<String> {
        match self.get(key)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            v => {
                cx.invalid(&self.path(key), v);
                None
            }
        }
    }

    /// An enum field (`itemType`, `features.review`, …).
    pub fn choice<T: DeserializeOwned>(&self, key: &str, cx: &mut Cx) -> Option<T> {
        let v = self.get(key)?;
        T::deserialize(v).ok().or_else(|| {
            cx.add(&self.path(key), WireKind::Choice);
            None
        })
    }

    /// A nested object, read by `read`.
    pub fn object<T>(
        &self,
        key: &str,
        fields: &[&str],
        cx: &mut Cx,
        read: impl FnOnce(Obj<'a>, &mut Cx) -> T,
    ) -> Option<T> {
        let o = open(self.get(key)?, &self.path(key), fields, cx)?;
        Some(read(o, cx))
    }

    /// A list; `read` turns each entry (with its path) into a value, a placeholder when the
    /// entry is wrong, so the others keep their index.
    pub fn list<T>(
        &self,
        key: &str,
        cx: &mut Cx,
        mut read: impl FnMut(&'a Value, &str, &mut Cx) -> T,
    ) -> Option<Vec<T>> {
        let v = self.get(key)?;
        let path = self.path(key);
        let Some(list) = v.as_array() else {
            cx.invalid(&path, v);
            return None;
        };
        Some(list.iter().enumerate().map(|(i, x)| read(x, &format!("{path}[{i}]"), cx)).collect())
    }

    /// A list of strings.
    pub fn strings(&self, key: &str, cx: &mut Cx) -> Option<Vec<String>> {
        self.list(key, cx, |v, p, cx| match v {
            Value::String(s) => s.clone(),
            v => {
                cx.invalid(p, v);
                String::new()
            }
        })
    }
}

/// An item body (upsert, or a patch merged into the stored item) as typed data, with every
/// problem of its JSON.
pub fn item(body: &Value) -> (ItemData, Vec<WireProblem>) {
    let mut cx = Cx::default();
    let fields: Vec<&str> = ITEM_FIELDS.iter().chain(READ_ONLY.iter()).copied().collect();
    let Some(o) = open(body, "", &fields, &mut cx) else {
        return (ItemData::default(), cx.problems);
    };
    let cx = &mut cx;
    let data = ItemData {
        item_number: o.string("itemNumber", cx),
        title: o.string("title", cx),
        tagline: o.string("tagline", cx),
        product_description: o.object("productDescription", &["pc", "sp"], cx, |o, cx| ProductDescription {
            pc: o.string("pc", cx),
            sp: o.string("sp", cx),
        }),
        sales_description: o.string("salesDescription", cx),
        precautions: o.object("precautions", &["description", "agreement"], cx, |o, cx| Precautions {
            description: o.string("description", cx),
            agreement: o.string("agreement", cx),
        }),
        item_type: o.choice("itemType", cx),
        images: o.list("images", cx, image),
        white_bg_image: o.get("whiteBgImage").map(|v| image(v, &o.path("whiteBgImage"), cx)),
        video: o.object("video", &["type", "parameters"], cx, |o, cx| Video {
            video_type: o.string("type", cx),
            parameters: o
                .object("parameters", &["value"], cx, |o, cx| VideoParameters { value: o.string("value", cx) }),
        }),
        genre_id: o.text("genreId", cx),
        tags: o.list("tags", cx, |v, p, cx| {
            v.as_i64().unwrap_or_else(|| {
                cx.invalid(p, v);
                0
            })
        }),
        hide_item: o.boolean("hideItem", cx),
        unlimited_inventory_flag: o.boolean("unlimitedInventoryFlag", cx),
        customization_options: o.list("customizationOptions", cx, customization_option),
        release_date: o.string("releaseDate", cx),
        purchasable_period: o.object("purchasablePeriod", &["start", "end"], cx, period),
        subscription: o.object("subscription", &["shippingDateFlag", "shippingIntervalFlag"], cx, |o, cx| {
            Subscription {
                shipping_date_flag: o.boolean("shippingDateFlag", cx),
                shipping_interval_flag: o.boolean("shippingIntervalFlag", cx),
            }
        }),
        buying_club: o.object(
            "buyingClub",
            &["numberOfDeliveries", "displayItems", "items", "shippingDateFlag", "shippingIntervalFlag"],
            cx,
            |o, cx| BuyingClub {
                number_of_deliveries: o.int("numberOfDeliveries", cx),
                display_items: o.boolean("displayItems", cx),
                items: o.strings("items", cx),
                shipping_date_flag: o.boolean("shippingDateFlag", cx),
                shipping_interval_flag: o.boolean("shippingIntervalFlag", cx),
            },
        ),
        features: o.object("features", &FEATURE_FIELDS, cx, features),
        access_control: o.object("accessControl", &["accessPassword"], cx, |o, cx| AccessControl {
            access_password: o.string("accessPassword", cx),
        }),
        payment: o.object("payment", &["taxIncluded", "taxRate", "cashOnDeliveryFeeIncluded"], cx, payment),
        point_campaign: o.object("pointCampaign", &["applicablePeriod", "benefits", "optimization"], cx, |o, cx| {
            PointCampaign {
                applicable_period: o.object("applicablePeriod", &["start", "end"], cx, period),
                benefits: o.object("benefits", &["pointRate"], cx, |o, cx| PointBenefits {
                    point_rate: o.int("pointRate", cx),
                }),
                optimization: o.object("optimization", &["maxPointRate"], cx, |o, cx| PointOptimization {
                    max_point_rate: o.int("maxPointRate", cx),
                }),
            }
        }),
        item_display_sequence: o.int("itemDisplaySequence", cx),
        layout: o.object("layout", &LAYOUT_FIELDS, cx, |o, cx| Layout {
            item_layout_id: o.int("itemLayoutId", cx),
            navigation_id: o.int("navigationId", cx),
            layout_sequence_id: o.int("layoutSequenceId", cx),
            small_description_id: o.int("smallDescriptionId", cx),
            large_description_id: o.int("largeDescriptionId", cx),
            showcase_id: o.int("showcaseId", cx),
        }),
        variant_selectors: o.list("variantSelectors", cx, selector),
        variants: o.get("variants").and_then(|v| variants(v, cx)),
    };
    (data, std::mem::take(&mut cx.problems))
}

const FEATURE_FIELDS: [&str; 9] = [
    "searchVisibility",
    "displayNormalCartButton",
    "displaySubscriptionCartButton",
    "inventoryDisplay",
    "lowStockThreshold",
    "shopContact",
    "review",
    "displayManufacturerContents",
    "socialGiftFlag",
];

const LAYOUT_FIELDS: [&str; 6] =
    ["itemLayoutId", "navigationId", "layoutSequenceId", "smallDescriptionId", "largeDescriptionId", "showcaseId"];

fn image(v: &Value, path: &str, cx: &mut Cx) -> Image {
    match open(v, path, &["type", "location", "alt"], cx) {
        Some(o) => {
            Image { image_type: o.choice("type", cx), location: o.string("location", cx), alt: o.string("alt", cx) }
        }
        None => Image::default(),
    }
}

fn display_value(v: &Value, path: &str, cx: &mut Cx) -> DisplayValue {
    match open(v, path, &["displayValue"], cx) {
        Some(o) => DisplayValue { display_value: o.string("displayValue", cx) },
        None => DisplayValue::default(),
    }
}

fn customization_option(v: &Value, path: &str, cx: &mut Cx) -> CustomizationOption {
    match open(v, path, &["displayName", "inputType", "required", "selections"], cx) {
        Some(o) => CustomizationOption {
            display_name: o.string("displayName", cx),
            input_type: o.string("inputType", cx),
            required: o.boolean("required", cx),
            selections: o.list("selections", cx, display_value),
        },
        None => CustomizationOption::default(),
    }
}

fn period(o: Obj<'_>, cx: &mut Cx) -> Period {
    Period { start: o.string("start", cx), end: o.string("end", cx) }
}

fn features(o: Obj<'_>, cx: &mut Cx) -> Features {
    Features {
        search_visibility: o.choice("searchVisibility", cx),
        display_normal_cart_button: o.boolean("displayNormalCartButton", cx),
        display_subscription_cart_button: o.boolean("displaySubscriptionCartButton", cx),
        inventory_display: o.choice("inventoryDisplay", cx),
        shop_contact: o.boolean("shopContact", cx),
        review: o.choice("review", cx),
        display_manufacturer_contents: o.boolean("displayManufacturerContents", cx),
        social_gift_flag: o.boolean("socialGiftFlag", cx),
        low_stock_threshold: o.int("lowStockThreshold", cx),
    }
}

/// `payment`; `taxRate` is "0", "0.08", "0.1" (numbers accepted) or null for the shop's
/// setting, so here an explicit null is a value.
fn payment(o: Obj<'_>, cx: &mut Cx) -> Payment {
    let tax_rate = o.map.get("taxRate").and_then(|rate| {
        let parsed = match rate {
            Value::Null => Some(TaxRate::ShopSetting),
            Value::String(s) => match s.as_str() {
                "0" => Some(TaxRate::Zero),
                "0.08" => Some(TaxRate::Reduced),
                "0.1" => Some(TaxRate::Standard),
                _ => None,
            },
            Value::Number(n) => match n.as_f64() {
                Some(0.0) => Some(TaxRate::Zero),
                Some(f) if (f - 0.08).abs() < 1e-9 => Some(TaxRate::Reduced),
                Some(f) if (f - 0.1).abs() < 1e-9 => Some(TaxRate::Standard),
                _ => None,
            },
            _ => None,
        };
        if parsed.is_none() {
            cx.invalid(&o.path("taxRate"), rate);
        }
        parsed
    });
    Payment {
        tax_included: o.boolean("taxIncluded", cx),
        cash_on_delivery_fee_included: o.boolean("cashOnDeliveryFeeIncluded", cx),
        tax_rate,
    }
}

fn selector(v: &Value, path: &str, cx: &mut Cx) -> Selector {
    match open(v, path, &["key", "displayName", "values"], cx) {
        Some(o) => Selector {
            key: o.string("key", cx),
            display_name: o.string("displayName", cx),
            values: o.list("values", cx, display_value),
        },
        None => Selector::default(),
    }
}

fn variants(v: &Value, cx: &mut Cx) -> Option<OrderedMap<Variant>> {
    let Some(map) = v.as_object() else {
        cx.invalid("variants", v);
        return None;
    };
    Some(OrderedMap(map.iter().map(|(id, v)| (id.clone(), variant(v, &format!("variants.{id}"), cx))).collect()))
}

fn variant(v: &Value, path: &str, cx: &mut Cx) -> Variant {
    let Some(o) = open(v, path, &VARIANT_FIELDS, cx) else {
        return Variant::default();
    };
    Variant {
        merchant_defined_sku_id: o.string("merchantDefinedSkuId", cx),
        selector_values: o.get("selectorValues").and_then(|v| selector_values(v, &o.path("selectorValues"), cx)),
        images: o.list("images", cx, image),
        restock_on_cancel: o.boolean("restockOnCancel", cx),
        back_order_flag: o.boolean("backOrderFlag", cx),
        normal_delivery_date_id: o.int("normalDeliveryDateId", cx),
        back_order_delivery_date_id: o.int("backOrderDeliveryDateId", cx),
        order_quantity_limit: o.int("orderQuantityLimit", cx),
        reference_price: o.object("referencePrice", &["displayType", "type", "value"], cx, |o, cx| ReferencePrice {
            display_type: o.string("displayType", cx),
            price_type: o.int("type", cx),
            value: o.text("value", cx),
        }),
        features: o.object("features", &["restockNotification", "noshi"], cx, |o, cx| VariantFeatures {
            restock_notification: o.boolean("restockNotification", cx),
            noshi: o.boolean("noshi", cx),
        }),
        hidden: o.boolean("hidden", cx),
        standard_price: o.text("standardPrice", cx),
        subscription_price: o.object("subscriptionPrice", &["basePrice", "individualPrices"], cx, |o, cx| {
            SubscriptionPrice {
                base_price: o.text("basePrice", cx),
                individual_prices: o.object("individualPrices", &["firstPrice"], cx, |o, cx| IndividualPrices {
                    first_price: o.text("firstPrice", cx),
                }),
            }
        }),
        article_number_for_set: o.strings("articleNumberForSet", cx),
        article_number: o.object("articleNumber", &["value", "exemptionReason"], cx, |o, cx| ArticleNumber {
            value: o.string("value", cx),
            exemption_reason: o.loose_int("exemptionReason", cx),
        }),
        shipping: o.object("shipping", &SHIPPING_FIELDS, cx, |o, cx| Shipping {
            postage_included: o.boolean("postageIncluded", cx),
            single_item_shipping: o.int("singleItemShipping", cx),
            okihai_setting: o.boolean("okihaiSetting", cx),
            fee: o.text("fee", cx),
            shop_area_soryo_pattern_id: o.int("shopAreaSoryoPatternId", cx),
            shipping_method_group: o.string("shippingMethodGroup", cx),
            postage_segment: o.object("postageSegment", &["local", "overseas"], cx, |o, cx| PostageSegment {
                local: o.int("local", cx),
                overseas: o.int("overseas", cx),
            }),
            overseas_delivery_id: o.int("overseasDeliveryId", cx),
        }),
        specs: o.list("specs", cx, |v, p, cx| match open(v, p, &["label", "value"], cx) {
            Some(o) => Spec { label: o.string("label", cx), value: o.string("value", cx) },
            None => Spec::default(),
        }),
        attributes: o.list("attributes", cx, |v, p, cx| match open(v, p, &["name", "values", "unit"], cx) {
            Some(o) => {
                Attribute { name: o.string("name", cx), values: o.strings("values", cx), unit: o.string("unit", cx) }
            }
            None => Attribute::default(),
        }),
    }
}

const SHIPPING_FIELDS: [&str; 8] = [
    "fee",
    "postageIncluded",
    "shopAreaSoryoPatternId",
    "shippingMethodGroup",
    "postageSegment",
    "overseasDeliveryId",
    "singleItemShipping",
    "okihaiSetting",
];

/// `selectorValues`: selector key → displayValue. A value of another JSON type is reported
/// and kept as its text, so the SKU's other rules still see the key.
fn selector_values(v: &Value, path: &str, cx: &mut Cx) -> Option<OrderedMap<String>> {
    let Some(map) = v.as_object() else {
        cx.invalid(path, v);
        return None;
    };
    let pairs = map
        .iter()
        .map(|(k, x)| {
            let text = match x {
                Value::String(s) => s.clone(),
                other => {
                    cx.invalid(&join(path, k), other);
                    other.to_string()
                }
            };
            (k.clone(), text)
        })
        .collect();
    Some(OrderedMap(pairs))
}
