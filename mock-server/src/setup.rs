//! Shop documents: one description of a shop, read from a TOML file (`--shop FILE`) or from
//! the control plane (JSON or TOML), and turned into a shop.
//!
//! Every problem is reported as `<source>: <key>: <problem>` so a support engineer can fix a
//! customer's file without reading our code.
//!
//! This file holds the document types and their parsing; `setup/build.rs` is the one place a
//! document becomes a shop, and `setup/builder.rs` the Rust builder steps.

use crate::domain::item::model::{
    ArticleNumber, DisplayValue, ItemData, ItemType, OrderedMap, Payment, Selector, Shipping, TaxRate, Variant,
};
use crate::domain::order::{SettlementMethod, MAX_AMOUNT, MAX_COUPON_UNITS};
use crate::domain::order_ops::DROP_OFF_LOCATIONS;
use crate::domain::shop::{valid_clock_speed, ClockMode, OrderLine, PlaceOrderError, MAX_CLOCK_SPEED};
use crate::domain::simulate::{self, Plan, PlanProblem};
use crate::domain::time::JstDateTime;
use crate::settings::{ShippingSettings, ShopSettings, SubStatusDef};
use serde::de::{Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

pub(crate) mod build;
mod builder;
mod fault_doc;
#[cfg(test)]
mod round_trip;
mod simulate_doc;
#[cfg(test)]
mod tests;

pub use fault_doc::{FaultKind, FaultSpec};
pub use simulate_doc::SimulateDoc;

/// The demo shop served by `rms-mock` with no arguments.
pub const DEMO_SHOP_TOML: &str = include_str!("../../fixtures/shops/demo.toml");

/// When a document gives no `clock_start`.
pub const DEFAULT_CLOCK_START: &str = "2026-11-28T09:00:00+0900";

/// One shop: identity, settings, catalog, existing orders. Read from TOML (a shop file) or
/// JSON (the control plane), or built in Rust:
///
/// ```
/// use rms_mock::{ItemDoc, OrderDoc, ShopDocument};
///
/// let doc = ShopDocument::new("123456")
///     .item(ItemDoc::new("tshirt", "Tシャツ").variant("m", 1980, 10))
///     .settings(|s| s.auto_confirm = true)
///     .order(OrderDoc::new().line("tshirt", "m", 2).settlement(9));
/// assert_eq!(doc.shop.service_secret, "SP123456_secret");
/// ```
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ShopDocument {
    /// Identity, credentials and clock (`[shop]`).
    pub shop: ShopSection,
    /// The shop settings (`[settings]`); every key has a default.
    #[serde(default)]
    pub settings: ShopSettings,
    /// Shipping settings (`[shipping]`).
    #[serde(default)]
    pub shipping: ShippingSettings,
    /// Sub-status definitions (`[[sub_statuses]]`).
    #[serde(default)]
    pub sub_statuses: Vec<SubStatusDef>,
    /// Items in shorthand (`[[items]]`).
    #[serde(default)]
    pub items: Vec<ItemDoc>,
    /// Orders that already exist when the shop is created.
    #[serde(default)]
    pub orders: Vec<OrderDoc>,
    /// A generated catalog on top of `items` (for big shops).
    pub generate: Option<GenerateDoc>,
    /// Simulated buyers who order as the shop's clock moves (`[simulate]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub simulate: Option<SimulateDoc>,
    /// RMS failing on purpose (`[[faults]]`): maintenance windows, 500s, lost answers, … for
    /// the shop's RMS requests, added in order (ids `f1`, `f2`, … unless given).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub faults: Vec<FaultSpec>,
}

/// The `[shop]` table.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ShopSection {
    /// Six digits.
    pub shop_id: String,
    /// Display name; defaults to `shop-<shop_id>`.
    pub name: Option<String>,
    /// The first half of the ESA credentials (no spaces or `:`).
    pub service_secret: String,
    /// The second half of the ESA credentials (no spaces or `:`).
    pub license_key: String,
    /// Defaults to `clock_start` (a fresh key).
    pub license_issued_at: Option<String>,
    /// The shop's virtual now at creation; defaults to [`DEFAULT_CLOCK_START`].
    pub clock_start: Option<String>,
    /// `manual` (default: moves only when told) or `wall` (follows real time from
    /// `clock_start` once the shop is served).
    pub clock: Option<ClockMode>,
    /// Virtual seconds per real second in wall mode; default 1 (real time), at most
    /// [`MAX_CLOCK_SPEED`](crate::MAX_CLOCK_SPEED).
    pub clock_speed: Option<f64>,
    /// Seed for ids and buyers; defaults to a hash of the shop id.
    pub seed: Option<u64>,
    /// A renewed licence key issued at `clock_start`, working `renewed_key_active_after_minutes`
    /// later (README "Keys"); the `license_key` keeps working until its own expiry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renewed_license_key: Option<String>,
    /// Minutes until the renewed key works; default 15, at most 1440.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renewed_key_active_after_minutes: Option<u32>,
    /// Keys the shop holds for other apps (`[[shop.other_keys]]`): refused like a wrong key.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_keys: Vec<OtherKeyDoc>,
}

/// A key pair of another app the shop holds (`[[shop.other_keys]]`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OtherKeyDoc {
    /// The app it was issued for (named in the journal's `auth_problem`).
    pub app: String,
    /// Its licence key.
    pub license_key: String,
    /// Its service secret (a vendor app's own): a request with it is refused like a wrong key
    /// (ES01-01), in this shop's journal, naming the app.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_secret: Option<String>,
}

/// An item in shop-file shorthand; it becomes an Item API 2.0 item (`NORMAL`, tax included
/// unless `tax_included = false`, `articleNumber.exemptionReason` 5) plus a stock record per
/// variant.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ItemDoc {
    /// 商品管理番号 (case-insensitive; stored lower case).
    pub manage_number: String,
    /// 商品番号; defaults to the manage number.
    pub item_number: Option<String>,
    /// The item's title.
    pub title: String,
    /// 6 digits; defaults to 559887.
    pub genre_id: Option<String>,
    /// `NORMAL` (default), `PRE_ORDER`, `BUYING_CLUB`.
    pub item_type: Option<String>,
    /// Hidden from the shop front.
    #[serde(default)]
    pub hide_item: bool,
    /// Eligible for 配送品質向上制度: an order of only such items has `deliveryCertPrgFlag` 1.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub delivery_cert_program: bool,
    /// An order of only such items has `oneDayOperationFlag` 1.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub one_day_operation: bool,
    /// Item API `payment.taxIncluded`; default true. With false, `price` is tax-exclusive and
    /// orders show `includeTaxFlag` 0 and `priceTaxIncl` with the tax.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_included: Option<bool>,
    /// Item API `payment.taxRate`: 0.1, 0.08 or 0; default: the shop's (10 %).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_rate: Option<f64>,
    /// Its SKUs (at least one).
    pub variants: Vec<VariantDoc>,
}

/// One SKU of an [`ItemDoc`].
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct VariantDoc {
    /// The SKU's variant id.
    pub variant_id: String,
    /// The merchant's own SKU id.
    pub merchant_defined_sku_id: Option<String>,
    /// Standard price in yen (ignored for `BUYING_CLUB` items); tax-exclusive when the item
    /// says `tax_included = false`.
    pub price: i64,
    /// The SKU's own postage in yen (Item API `shipping.fee`, 個別送料): an order line of it
    /// carries this instead of the shop's postage. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postage: Option<i64>,
    /// Stock on hand (0..=99999).
    #[serde(default)]
    pub quantity: i64,
    /// Selector name → value (`サイズ = "M"`), in the order written.
    #[serde(default)]
    pub selector_values: OrderedPairs,
    /// Item API `restockOnCancel`; true here by default so cancelled orders give stock back.
    #[serde(default = "yes")]
    pub restock_on_cancel: bool,
    /// Hidden SKU.
    #[serde(default)]
    pub hidden: bool,
}

fn yes() -> bool {
    true
}

impl ItemDoc {
    /// The Item API 2.0 item this shorthand stands for (checked when it is upserted).
    pub(crate) fn to_item(&self) -> ItemData {
        let mut selectors: Vec<(String, Vec<String>)> = Vec::new();
        for v in &self.variants {
            for (k, val) in &v.selector_values.0 {
                match selectors.iter_mut().find(|(n, _)| n == k) {
                    Some((_, vals)) if !vals.contains(val) => vals.push(val.clone()),
                    Some(_) => {}
                    None => selectors.push((k.clone(), vec![val.clone()])),
                }
            }
        }
        // An unknown type is left out, so the item rules report it as missing.
        let item_type = match self.item_type.as_deref() {
            None | Some("NORMAL") => Some(ItemType::Normal),
            Some("PRE_ORDER") => Some(ItemType::PreOrder),
            Some("BUYING_CLUB") => Some(ItemType::BuyingClub),
            Some(_) => None,
        };
        let variants = self
            .variants
            .iter()
            .map(|v| {
                let variant = Variant {
                    merchant_defined_sku_id: v.merchant_defined_sku_id.clone(),
                    selector_values: (!v.selector_values.0.is_empty()).then(|| OrderedMap(v.selector_values.0.clone())),
                    restock_on_cancel: Some(v.restock_on_cancel),
                    hidden: Some(v.hidden),
                    standard_price: (item_type != Some(ItemType::BuyingClub)).then(|| v.price.to_string()),
                    article_number: Some(ArticleNumber { value: None, exemption_reason: Some(5) }),
                    shipping: v.postage.map(|fee| Shipping { fee: Some(fee.to_string()), ..Shipping::default() }),
                    ..Variant::default()
                };
                (v.variant_id.clone(), variant)
            })
            .collect();
        let variant_selectors = (!selectors.is_empty()).then(|| {
            selectors
                .into_iter()
                .map(|(k, vals)| Selector {
                    key: Some(k.clone()),
                    display_name: Some(k),
                    values: Some(vals.into_iter().map(|v| DisplayValue { display_value: Some(v) }).collect()),
                })
                .collect()
        });
        ItemData {
            item_number: self.item_number.clone(),
            title: Some(self.title.clone()),
            item_type,
            genre_id: Some(self.genre_id.clone().unwrap_or_else(|| "559887".into())),
            hide_item: Some(self.hide_item),
            // Left out unless given, so items.get shows what the Item API would have stored.
            payment: (self.tax_included.is_some() || self.tax_rate.is_some()).then(|| Payment {
                tax_included: self.tax_included,
                tax_rate: self.tax_rate.and_then(tax_rate),
                cash_on_delivery_fee_included: None,
            }),
            variant_selectors,
            variants: Some(OrderedMap(variants)),
            ..ItemData::default()
        }
    }
}

/// The Item API tax rate a shop file's `tax_rate` stands for, if it is one (0.1, 0.08, 0).
pub(crate) fn tax_rate(rate: f64) -> Option<TaxRate> {
    [(0.1, TaxRate::Standard), (0.08, TaxRate::Reduced), (0.0, TaxRate::Zero)]
        .into_iter()
        .find(|(r, _)| (rate - r).abs() < 1e-9)
        .map(|(_, t)| t)
}

/// A string→string table that keeps the order it was written in (`サイズ` before `カラー`),
/// because `skuInfo` shows selectors in that order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderedPairs(pub Vec<(String, String)>);

impl<'de> Deserialize<'de> for OrderedPairs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = OrderedPairs;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a table of selector name = value strings")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<OrderedPairs, A::Error> {
                let mut v = Vec::new();
                while let Some((k, val)) = map.next_entry::<String, String>()? {
                    v.push((k, val));
                }
                Ok(OrderedPairs(v))
            }
        }
        d.deserialize_map(V)
    }
}

impl Serialize for OrderedPairs {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// An order a buyer places: in a shop document (an order that already exists) or as the
/// body of `POST /__admin/shops/{shop_id}/orders`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OrderDoc {
    /// Defaults to the shop's current time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    /// 1 card, 2 COD, 9 bank transfer, 13/14 convenience prepay, …
    #[serde(default = "card")]
    pub settlement_method_code: i64,
    /// What the buyer orders (at least one line).
    pub lines: Vec<LineDoc>,
    /// Rakuten points the buyer uses.
    #[serde(default)]
    pub used_point: i64,
    /// Coupons the buyer uses.
    #[serde(default)]
    pub coupons: Vec<CouponDoc>,
    /// `deliveryCertPrgFlag` of the order; default: 1 when every item is marked
    /// `delivery_cert_program`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_cert_program: Option<bool>,
    /// `oneDayOperationFlag` of the order; default: 1 when every item is marked
    /// `one_day_operation`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub one_day_operation: Option<bool>,
    /// 置き配場所 (`dropOffLocation`, `dropOffFlag` 1): 宅配ボックス, 玄関前, 玄関前鍵付容器,
    /// ポスト（郵便受箱）, メーターボックス, 物置 or 車庫; default none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drop_off_location: Option<String>,
    /// `orderType`: 1 通常購入 (default), 4 定期購入, 5 頒布会, 6 予約商品.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_type: Option<i64>,
    /// `reserveNumber` of a 4/5/6 order (`<shop>-<YYYYMMDD>-<digits>-r`); default: issued
    /// from the order's serial.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reserve_number: Option<String>,
    /// `reserveDeliveryCount` of a 4/5/6 order (from 1); default 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reserve_delivery_count: Option<u32>,
    /// 送料未確定: every basket's postage (and so the order's postage, total and request
    /// amounts) is −9999 until the shop sets it; default false (the shop's postage settings).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub postage_undetermined: bool,
    /// A social gift (getOrder v10 `socialGiftFlag` 1): the recipient is 入力待ち until the
    /// address is entered (`POST …/orders/{n}/gift-address`); default false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub social_gift: bool,
    /// Days the gift's recipient has to enter the address (`inputDueDate` = order date +
    /// this; default 7). After it Rakuten cancels the order (changeReasonDetail 16).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gift_input_days: Option<u32>,
    /// Further destinations (`severalSenderFlag` 1): each `{ lines = [...] }` is a basket of
    /// its own (own basketId, postage, recipient); `lines` above are the first basket.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub destinations: Vec<DestinationDoc>,
    /// `cautionDisplayType`: 0 (default), 1 要注意, 2 キャンセル確定.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caution_display_type: Option<u8>,
    /// `cautionDisplayDetailType` (v6): 101 前払い未払い, 102 受取拒否, 103 長期不在, 104 開梱後返品,
    /// 105 高サービス要望; default none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caution_display_detail_type: Option<i64>,
    /// `rakutenConfirmFlag` 1 (楽天確認中); default false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub rakuten_confirm: bool,
    /// Rakuten's fraud review says NG: `rakutenConfirmFlag` 1, and Rakuten cancels the order
    /// 24 hours after it was placed (cause `review_ng`, changeReasonDetail 14); default false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub review_ng: bool,
}

/// One further destination of an order (`destinations` of [`OrderDoc`]).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DestinationDoc {
    /// What goes to this recipient (at least one line).
    pub lines: Vec<LineDoc>,
}

/// Why an order document could not be placed, in its own words: the key of the document the
/// problem is about (None when the document is fine but the shop refuses, e.g. stock), and the
/// problem. The control plane and shop files both answer with these.
pub fn place_order_problem(e: &PlaceOrderError) -> (Option<String>, String) {
    use PlaceOrderError as E;
    let keyed = |k: String, p: String| (Some(k), p);
    match e {
        E::NegativePoints(_) => keyed("used_point".into(), "must not be negative".into()),
        E::BeforeNow { at, now } => keyed(
            "at".into(),
            format!("{at} is before the shop's current time {now}; orders are placed at or after now"),
        ),
        E::UnknownSettlement(code) => {
            let known: Vec<String> = SettlementMethod::known_codes().map(|c| c.to_string()).collect();
            keyed(
                "settlement_method_code".into(),
                format!("{code} is not a RakutenPay payment code (known: {})", known.join(", ")),
            )
        }
        E::NoLines => keyed("lines".into(), "an order needs at least one line".into()),
        E::UnitsOutOfRange { line, units } => {
            keyed(format!("lines[{line}].units"), format!("{units} is not between 1 and 999"))
        }
        E::UnknownItem { line, manage_number } => {
            keyed(format!("lines[{line}].manage_number"), format!("no item '{manage_number}' in this shop's catalog"))
        }
        E::UnknownVariant { line, manage_number, variant_id } => {
            keyed(format!("lines[{line}].variant_id"), format!("item '{manage_number}' has no variant '{variant_id}'"))
        }
        E::UnknownDropOffLocation(place) => keyed(
            "drop_off_location".into(),
            format!("'{place}' is not a drop-off location (one of {})", DROP_OFF_LOCATIONS.join(", ")),
        ),
        E::DiscountsExceedTotal { discounts, total } => {
            keyed("coupons".into(), format!("coupons and points ({discounts}) exceed the order total ({total})"))
        }
        E::NoOrderNumber => (None, "the shop cannot issue another order number".into()),
        E::Hidden { manage_number, variant_id } => {
            (None, format!("{manage_number}/{variant_id} is in the warehouse (hidden): not on sale"))
        }
        E::NoPrice { manage_number, variant_id } => {
            (None, format!("{manage_number}/{variant_id} has no standardPrice: not on sale"))
        }
        E::OutOfStock { manage_number, variant_id, left, needed } => {
            (None, format!("out of stock: {manage_number}/{variant_id} has {left} left, the order needs {needed}"))
        }
        E::ReservationOnNormalOrder => keyed(
            "order_type".into(),
            "reserve_number and reserve_delivery_count belong to order_type 4, 5 or 6, not 1".into(),
        ),
        E::BadReserveNumber(n) => {
            keyed("reserve_number".into(), format!("'{n}' is not a reserveNumber like 502763-20171027-00003701-r"))
        }
        E::BadReserveDeliveryCount(n) => keyed("reserve_delivery_count".into(), format!("{n} is not 1 or more")),
        E::SocialGiftWithDestinations => {
            keyed("destinations".into(), "a social gift goes to one recipient: leave destinations out".into())
        }
        E::TooManyDestinations(n) => keyed(
            "destinations".into(),
            format!("{n} destinations: an order has at most {}", crate::domain::shop::MAX_DESTINATIONS),
        ),
        E::BadCautionDisplay(n) => keyed("caution_display_type".into(), format!("{n} is not 0, 1 or 2")),
        E::BadCautionDetail(n) => {
            keyed("caution_display_detail_type".into(), format!("{n} is not 101, 102, 103, 104 or 105"))
        }
        E::InDestination { destination, problem } => match place_order_problem(problem) {
            (Some(key), p) => keyed(format!("destinations[{destination}].{key}"), p),
            (None, p) => (None, format!("destinations[{destination}]: {p}")),
        },
    }
}

/// What is wrong with a clock speed, if anything (shop documents, the control plane and the
/// CLI all say it in these words).
pub(crate) fn clock_speed_problem(speed: f64) -> Option<String> {
    (!valid_clock_speed(speed)).then(|| {
        format!("{speed} is not a clock speed: give a number above 0 and at most {MAX_CLOCK_SPEED} (1 = real time)")
    })
}

/// What is wrong with a time a clock should reach, if anything: one after
/// [`latest`](crate::domain::shop::latest) (shop documents, the control plane and the CLI all
/// say it in these words).
pub(crate) fn after_latest_problem(t: JstDateTime) -> Option<String> {
    let latest = crate::domain::shop::latest();
    (t > latest)
        .then(|| format!("{t} is after {latest}, the latest time a shop's clock reaches (dates keep four-digit years)"))
}

impl ShopDocument {
    /// Moves the document's timeline so that its clock starts at `anchor`: `clock_start`
    /// becomes `anchor`, and the licence issue date and the existing orders keep their distance
    /// to it. Times that do not parse are left for `build` to name.
    pub(crate) fn anchor_at(&mut self, anchor: JstDateTime) {
        let start = self.shop.clock_start.as_deref().unwrap_or(DEFAULT_CLOCK_START);
        let Ok(start) = JstDateTime::parse_flexible(start) else {
            return;
        };
        let shift = anchor.seconds() - start.seconds();
        let moved = |t: &mut Option<String>| {
            if let Some(at) = t.as_deref().and_then(|s| JstDateTime::parse_flexible(s).ok()) {
                *t = Some(at.plus_seconds(shift).to_rms());
            }
        };
        moved(&mut self.shop.license_issued_at);
        for o in &mut self.orders {
            moved(&mut o.at);
        }
        self.shop.clock_start = Some(anchor.to_rms());
    }
}

/// A coupon the buyer uses (RMS `CouponModel`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CouponDoc {
    /// The coupon code.
    pub code: String,
    /// Its name; defaults to ショップクーポン.
    #[serde(default = "coupon_name")]
    pub name: String,
    /// Its summary; defaults to `定額割引 <price>円`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// 1 ショップ (default), 2 メーカー, 3 サービス
    #[serde(default = "one_u8")]
    pub capital_code: u8,
    /// `YYYY-MM-DD`; default: 30 days after ordering.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiry_date: Option<String>,
    /// Discount per unit in yen.
    pub price: i64,
    /// How many times it applies.
    #[serde(default = "one")]
    pub unit: i64,
}

fn coupon_name() -> String {
    "ショップクーポン".into()
}

fn one_u8() -> u8 {
    1
}

impl OrderDoc {
    /// Points and coupons as the domain takes them; `at` dates the default expiry.
    pub(crate) fn extras(&self, at: JstDateTime) -> Result<crate::domain::shop::OrderExtras, (String, String)> {
        let order_type = match self.order_type {
            None => crate::domain::order_kind::OrderType::Normal,
            Some(code) => crate::domain::order_kind::OrderType::from_code(code)
                .ok_or_else(|| ("order_type".to_string(), format!("{code} is not 1, 4, 5 or 6")))?,
        };
        if let Some(days) = self.gift_input_days {
            if !self.social_gift {
                return Err(("gift_input_days".into(), "belongs to a social_gift order".into()));
            }
            if !(1..=365).contains(&days) {
                return Err(("gift_input_days".into(), format!("{days} is not between 1 and 365")));
            }
        }
        let destinations = self.destinations.iter().map(|d| d.lines.iter().map(LineDoc::to_line).collect()).collect();
        Ok(crate::domain::shop::OrderExtras {
            delivery_cert_program: self.delivery_cert_program,
            one_day_operation: self.one_day_operation,
            drop_off_location: self.drop_off_location.clone(),
            order_type,
            reserve_number: self.reserve_number.clone(),
            reserve_delivery_count: self.reserve_delivery_count,
            postage_undetermined: self.postage_undetermined,
            social_gift: self.social_gift,
            gift_input_days: self.gift_input_days,
            destinations,
            caution_display: self.caution_display_type.unwrap_or(0),
            caution_detail: self.caution_display_detail_type,
            rakuten_confirm: self.rakuten_confirm,
            review_ng: self.review_ng,
            ..to_extras(self.used_point, &self.coupons, at)?
        })
    }
}

/// Checks coupon documents and turns them into domain coupons.
pub(crate) fn to_extras(
    used_point: i64,
    coupons: &[CouponDoc],
    at: JstDateTime,
) -> Result<crate::domain::shop::OrderExtras, (String, String)> {
    // Amounts are held to RMS's range here, at the edge, so that no order's sums come near
    // i64's limits; the domain's refusals (negative points, discounts over the total) follow.
    if used_point > MAX_AMOUNT {
        return Err(("used_point".into(), format!("{used_point} is more than {MAX_AMOUNT}")));
    }
    let mut out = Vec::new();
    for (i, c) in coupons.iter().enumerate() {
        if !(1..=3).contains(&c.capital_code) {
            return Err((format!("coupons[{i}].capital_code"), format!("{} is not 1, 2 or 3", c.capital_code)));
        }
        if !(0..=MAX_AMOUNT).contains(&c.price) {
            return Err((format!("coupons[{i}].price"), format!("{} is not between 0 and {MAX_AMOUNT}", c.price)));
        }
        if !(1..=MAX_COUPON_UNITS).contains(&c.unit) {
            return Err((format!("coupons[{i}].unit"), format!("{} is not between 1 and {MAX_COUPON_UNITS}", c.unit)));
        }
        let expiry = match &c.expiry_date {
            Some(d) => crate::domain::time::JstDate::parse(d)
                .map_err(|_| (format!("coupons[{i}].expiry_date"), format!("'{d}' is not YYYY-MM-DD")))?,
            None => at.date().plus_days(30),
        };
        out.push(crate::domain::order::Coupon {
            code: c.code.clone(),
            name: c.name.clone(),
            summary: c.summary.clone().unwrap_or_else(|| format!("定額割引 {}円", c.price)),
            capital_code: c.capital_code,
            expiry,
            price: c.price,
            unit: c.unit,
        });
    }
    Ok(crate::domain::shop::OrderExtras { used_point, coupons: out, ..Default::default() })
}

/// A generated catalog: `items` items of `variants` SKUs, `quantity` in stock each.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GenerateDoc {
    /// How many items (≤ 100000).
    pub items: usize,
    /// SKUs per item (1..=400).
    #[serde(default = "one_usize")]
    pub variants: usize,
    /// Seed of the generated names (`gen-<seed>-<n>`), so generations never collide.
    #[serde(default)]
    pub seed: u64,
    /// Stock per SKU (0..=99999).
    #[serde(default = "hundred")]
    pub quantity: i64,
}

impl GenerateDoc {
    /// What is wrong with the request, if anything (the control plane and shop documents say
    /// it in these words): a count out of range, or more SKUs than one generation makes.
    pub(crate) fn problem(&self) -> Option<String> {
        use crate::domain::catalog::generate::MAX_GENERATED_SKUS;
        if self.items > 100_000 || !(1..=400).contains(&self.variants) || !(0..=99_999).contains(&self.quantity) {
            return Some("items ≤ 100000, variants 1..400, quantity 0..99999".into());
        }
        let skus = self.items * self.variants;
        (skus > MAX_GENERATED_SKUS).then(|| {
            format!(
                "items × variants is {skus} SKUs; one generation makes at most {MAX_GENERATED_SKUS} (call again with another seed for more)"
            )
        })
    }
}

fn one_usize() -> usize {
    1
}

fn hundred() -> i64 {
    100
}

fn card() -> i64 {
    1
}

fn one() -> i64 {
    1
}

/// One line of an [`OrderDoc`].
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LineDoc {
    /// The item's manage number.
    pub manage_number: String,
    /// The SKU's variant id.
    pub variant_id: String,
    /// How many (default 1).
    #[serde(default = "one")]
    pub units: i64,
}

impl LineDoc {
    /// A line of `units` of one SKU.
    pub fn new(manage_number: impl Into<String>, variant_id: impl Into<String>, units: i64) -> Self {
        LineDoc { manage_number: manage_number.into(), variant_id: variant_id.into(), units }
    }

    pub(crate) fn to_line(&self) -> OrderLine {
        OrderLine { manage_number: self.manage_number.clone(), variant_id: self.variant_id.clone(), units: self.units }
    }
}

/// A problem in a document, shown as `<source>: <key>: <problem>`.
///
/// (Display is written by hand: `thiserror` would take a field named `source` for the
/// underlying error.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetupError {
    /// The file (or `request body`).
    pub source: String,
    /// The key path, e.g. `items[0].variants[1].price`; empty for the document as a whole.
    pub key: String,
    /// What is wrong.
    pub problem: String,
}

impl fmt::Display for SetupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.key.is_empty() {
            write!(f, "{}: {}", self.source, self.problem)
        } else {
            write!(f, "{}: {}: {}", self.source, self.key, self.problem)
        }
    }
}

impl std::error::Error for SetupError {}

fn err(source: &str, key: impl Into<String>, problem: impl Into<String>) -> SetupError {
    SetupError { source: source.into(), key: key.into(), problem: problem.into() }
}

fn path_key(p: &serde_path_to_error::Path) -> String {
    let s = p.to_string();
    if s == "." {
        String::new()
    } else {
        s
    }
}

/// Reads a TOML document (a file's text; `source` names it in errors).
pub fn parse_toml<T: serde::de::DeserializeOwned>(text: &str, source: &str) -> Result<T, SetupError> {
    let de = toml::Deserializer::new(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let key = path_key(e.path());
        let inner = e.into_inner();
        let line = inner
            .span()
            .map(|s| text.as_bytes()[..s.start.min(text.len())].iter().filter(|b| **b == b'\n').count() + 1);
        let msg = inner.message().trim().to_string();
        let problem = match line {
            Some(l) => format!("{msg} (line {l})"),
            None => msg,
        };
        err(source, key, problem)
    })
}

/// Reads a JSON document.
pub fn parse_json<T: serde::de::DeserializeOwned>(text: &str, source: &str) -> Result<T, SetupError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let v: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let key = path_key(e.path());
        let inner = e.into_inner();
        err(source, key, inner.to_string())
    })?;
    de.end().map_err(|e| err(source, "", e.to_string()))?;
    Ok(v)
}
