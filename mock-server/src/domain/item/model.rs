//! The Item API 2.0 item as typed data (item-api.md §4–§5): one cohesive file of serde
//! structs whose field order is the wire order, so `items.get` answers with the same keys in
//! the same order as the model tables.
//!
//! Every field is an `Option`: the same types carry a client's draft (where anything may be
//! left out) and a checked item (where [`super::rules`] has filled the defaults). A `None`
//! is left out of the JSON, as real RMS leaves out unset fields. Prices are strings, as the
//! wire has them. The wire layer builds the structs itself, so it can report every problem of
//! a body at once with its path (the enums' `Deserialize` is how it reads one value); the
//! structs' `Deserialize` reads an item back from a state document (`crate::state`), which
//! holds items exactly as `items.get` shows them.

use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

/// A string-keyed map that keeps the order it was given in, serialized as a JSON object
/// (`variants`, `selectorValues`): the order is what clients and `skuInfo` see.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderedMap<V>(pub Vec<(String, V)>);

impl<V> Default for OrderedMap<V> {
    fn default() -> Self {
        OrderedMap(Vec::new())
    }
}

impl<V> OrderedMap<V> {
    /// The value under `key`.
    pub fn get(&self, key: &str) -> Option<&V> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The value under `key`, to change it.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        self.0.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// True when `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Replaces the value under `key` in place, or appends it.
    pub fn insert(&mut self, key: String, value: V) {
        match self.get_mut(&key) {
            Some(v) => *v = value,
            None => self.0.push((key, value)),
        }
    }

    /// Keys in order.
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(k, _)| k)
    }

    /// Entries in order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &V)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there is no entry.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<V: Serialize> Serialize for OrderedMap<V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// `itemType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ItemType {
    Normal,
    PreOrder,
    BuyingClub,
}

impl ItemType {
    /// Whether each SKU needs a `standardPrice` (NORMAL, PRE_ORDER) or must not have one
    /// (BUYING_CLUB, priced per delivery).
    pub fn has_standard_price(self) -> bool {
        !matches!(self, ItemType::BuyingClub)
    }
}

/// `features.searchVisibility`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SearchVisibility {
    AlwaysVisible,
    AlwaysHidden,
}

/// `features.inventoryDisplay`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum InventoryDisplay {
    DisplayAbsoluteStockCount,
    HiddenStock,
    DisplayLowStock,
}

/// `features.review`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Review {
    ShopSetting,
    Visible,
    Hidden,
}

/// Where an image lives: the shop's cabinet, GOLD, or an absolute URL (seen in samples).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ImageType {
    Cabinet,
    Gold,
    Absolute,
}

/// `payment.taxRate`: a string on the wire; `null` means "the shop's setting".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaxRate {
    /// "0"
    Zero,
    /// "0.08"
    Reduced,
    /// "0.1"
    Standard,
    /// null: the shop's setting applies.
    ShopSetting,
}

impl Serialize for TaxRate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            TaxRate::Zero => s.serialize_str("0"),
            TaxRate::Reduced => s.serialize_str("0.08"),
            TaxRate::Standard => s.serialize_str("0.1"),
            TaxRate::ShopSetting => s.serialize_none(),
        }
    }
}

/// A state document reads a tax rate back as it was written: `null` is the shop's setting.
impl<'de> Deserialize<'de> for TaxRate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match <Option<String>>::deserialize(d)?.as_deref() {
            None => Ok(TaxRate::ShopSetting),
            Some("0") => Ok(TaxRate::Zero),
            Some("0.08") => Ok(TaxRate::Reduced),
            Some("0.1") => Ok(TaxRate::Standard),
            Some(other) => Err(serde::de::Error::custom(format_args!("{other:?} is not a taxRate (0, 0.08, 0.1)"))),
        }
    }
}

/// `payment.taxRate` present (even as `null`) is `Some`: [`TaxRate`] reads the `null`.
fn present_tax_rate<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<TaxRate>, D::Error> {
    TaxRate::deserialize(d).map(Some)
}

/// Read back in the order written (a JSON object's keys, in the document's order).
impl<'de, V: Deserialize<'de>> Deserialize<'de> for OrderedMap<V> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Entries<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> serde::de::Visitor<'de> for Entries<V> {
            type Value = OrderedMap<V>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, V>()? {
                    out.push((k, v));
                }
                Ok(OrderedMap(out))
            }
        }
        d.deserialize_map(Entries(std::marker::PhantomData))
    }
}

/// One Item API 2.0 item, without `manageNumber`/`created`/`updated` (those are the
/// catalog's; see [`super::Item`]).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemData {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tagline: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_description: Option<ProductDescription>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sales_description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub precautions: Option<Precautions>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item_type: Option<ItemType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub images: Option<Vec<Image>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub white_bg_image: Option<Image>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub video: Option<Video>,
    /// Six digits, kept as a string as the wire has it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub genre_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<i64>>,
    /// The item is in the warehouse (not on sale).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hide_item: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unlimited_inventory_flag: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customization_options: Option<Vec<CustomizationOption>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub release_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purchasable_period: Option<Period>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subscription: Option<Subscription>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub buying_club: Option<BuyingClub>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub features: Option<Features>,
    /// The black-market (闇市) password.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_control: Option<AccessControl>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment: Option<Payment>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub point_campaign: Option<PointCampaign>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item_display_sequence: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layout: Option<Layout>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variant_selectors: Option<Vec<Selector>>,
    /// SKUs by variantId, in the order the client gave them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variants: Option<OrderedMap<Variant>>,
}

/// `productDescription`: the PC and smartphone texts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductDescription {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pc: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sp: Option<String>,
}

/// `precautions` (medicine genres).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Precautions {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agreement: Option<String>,
}

/// An image: `images[]`, `whiteBgImage`, a variant's `images[]`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Image {
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub image_type: Option<ImageType>,
    /// The path part for CABINET/GOLD, a URL for ABSOLUTE.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alt: Option<String>,
}

/// `video`: an HTML script tag of Rakuten's video player.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Video {
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub video_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameters: Option<VideoParameters>,
}

/// `video.parameters`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VideoParameters {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// `customizationOptions[]`: a question the buyer answers when ordering.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomizationOption {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// `SINGLE_SELECTION`, `MULTIPLE_SELECTION`, `FREE_TEXT`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selections: Option<Vec<DisplayValue>>,
}

/// `{displayValue}`: a selector value or a customization choice.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DisplayValue {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_value: Option<String>,
}

/// `{start, end}` in ISO 8601 JST (`purchasablePeriod`, `pointCampaign.applicablePeriod`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Period {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
}

/// `subscription` (NORMAL items with a subscription button).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Subscription {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping_date_flag: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping_interval_flag: Option<bool>,
}

/// `buyingClub` (頒布会 items).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BuyingClub {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number_of_deliveries: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_items: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping_date_flag: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping_interval_flag: Option<bool>,
}

/// `features`. The order is the order `items.get` has always answered with: the defaults
/// first, `lowStockThreshold` (set only with DISPLAY_LOW_STOCK) last.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Features {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub search_visibility: Option<SearchVisibility>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_normal_cart_button: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_subscription_cart_button: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inventory_display: Option<InventoryDisplay>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shop_contact: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review: Option<Review>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_manufacturer_contents: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub social_gift_flag: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub low_stock_threshold: Option<i64>,
}

/// `accessControl`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessControl {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_password: Option<String>,
}

/// `payment`, defaults first as `items.get` has always answered.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Payment {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tax_included: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cash_on_delivery_fee_included: Option<bool>,
    /// Absent: not set; `null`: [`TaxRate::ShopSetting`] (as it is written).
    #[serde(skip_serializing_if = "Option::is_none", default, deserialize_with = "present_tax_rate")]
    pub tax_rate: Option<TaxRate>,
}

/// `pointCampaign`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PointCampaign {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applicable_period: Option<Period>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub benefits: Option<PointBenefits>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub optimization: Option<PointOptimization>,
}

/// `pointCampaign.benefits`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PointBenefits {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub point_rate: Option<i64>,
}

/// `pointCampaign.optimization`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PointOptimization {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_point_rate: Option<i64>,
}

/// `layout`: design template ids.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Layout {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item_layout_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub navigation_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layout_sequence_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub small_description_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub large_description_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub showcase_id: Option<i64>,
}

/// `variantSelectors[]`: one axis of the SKUs (size, colour).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Selector {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Shown to buyers and in `skuInfo`; the key stands in when left out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<DisplayValue>>,
}

/// One SKU (`variants.{variantId}`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Variant {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merchant_defined_sku_id: Option<String>,
    /// selector key → displayValue, in the selectors' order once checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selector_values: Option<OrderedMap<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub images: Option<Vec<Image>>,
    /// Give stock back when an order of this SKU is cancelled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restock_on_cancel: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub back_order_flag: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub normal_delivery_date_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub back_order_delivery_date_id: Option<i64>,
    /// 0 hides the quantity box (max 1); None is free input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_quantity_limit: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference_price: Option<ReferencePrice>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub features: Option<VariantFeatures>,
    /// SKU-level warehouse flag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hidden: Option<bool>,
    /// A string of digits once checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub standard_price: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subscription_price: Option<SubscriptionPrice>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub article_number_for_set: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub article_number: Option<ArticleNumber>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping: Option<Shipping>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub specs: Option<Vec<Spec>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Vec<Attribute>>,
}

/// `referencePrice` (二重価格).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReferencePrice {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_type: Option<String>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub price_type: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// A variant's `features`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VariantFeatures {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restock_notification: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub noshi: Option<bool>,
}

/// `subscriptionPrice`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionPrice {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_price: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub individual_prices: Option<IndividualPrices>,
}

/// `subscriptionPrice.individualPrices`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IndividualPrices {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_price: Option<String>,
}

/// `articleNumber`: a JAN/EAN, or the reason there is none.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ArticleNumber {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// 1 set, 2 service, 3 shop original, 5 no product code, 6 buying club (4 is retired).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exemption_reason: Option<i64>,
}

/// A variant's `shipping`, defaults first as `items.get` has always answered.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Shipping {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postage_included: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub single_item_shipping: Option<i64>,
    /// Kept from the stored SKU when an upsert leaves it out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub okihai_setting: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fee: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shop_area_soryo_pattern_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping_method_group: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postage_segment: Option<PostageSegment>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overseas_delivery_id: Option<i64>,
}

/// `shipping.postageSegment`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PostageSegment {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub local: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overseas: Option<i64>,
}

/// `specs[]`: a label and a value shown on the item page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Spec {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// `attributes[]`: a product attribute of the genre.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attribute {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
}
