//! The getOrder `OrderModel` on the wire, per `version`.
//!
//! **Key order** is that of Rakuten's own version 9 samples (order-api.md §0, S-OFF): in
//! `OrderModel` `deliveryCertPrgFlag` and `oneDayOperationFlag` follow `dealFlag`; in
//! `PackageModel` `defaultDeliveryCompanyCode`, `dropOffFlag` and `dropOffLocation` follow
//! `noshi`; the top level of the answer starts with `version` (see `get_order.rs`). Earlier
//! versions leave fields out without moving the others (inferred). The fields v8 removed keep
//! the places real version 1 captures show (§8.3): `goodsTax` after `goodsPrice` (and after
//! `deliveryTaxRate` in a package), `isTaxRecalc` after `modifyFlag`. No v10 sample exists, so
//! `socialGiftFlag` after `giftCheckFlag` and `SocialGiftModel` last in a package, as the
//! manual lists them, are inferred.
//!
//! **Nulls and empty lists.** A field that exists in a version is always emitted. A scalar or
//! object without a value is `null`. Lists are `[]` when empty (`ChangeReasonModelList` of an
//! order nothing happened to, `DueDateModelList`, `receiptIssueHistoryList`,
//! `ShippingModelList`, `SkuModelList` before SKU migration), with one exception seen in every
//! capture and sample: `CouponModelList` is `null` without coupons.
//!
//! | version | adds / removes |
//! |---|---|
//! | 3 | tax fields (baseline of the fake) |
//! | 4 | `defaultDeliveryCompanyCode`, `isSingleItemShipping` |
//! | 5 | `receiptIssueCount`, `receiptIssueHistoryList`, `DueDateModelList` |
//! | 6 | `cautionDisplayDetailType`, top-level `version` |
//! | 7 | `SkuModelList` |
//! | 8 | `deliveryCertPrgFlag`, `oneDayOperationFlag`; removes `goodsTax`, `isTaxRecalc` |
//! | 9 | `dropOffFlag`, `dropOffLocation` |
//! | 10 | `socialGiftFlag`, `SocialGiftModel` |
//!
//! **Typed, not a tree.** Each model is a struct borrowing the order's data whose fields are in
//! wire order; `serde` writes it straight into the answer's bytes. A field a version lacks is
//! an `Option` left out when `None` (`#[serde(skip_serializing_if)]`), so a field that exists
//! but has no value is an inner `None` (or `()`), written `null`. Lists are written item by
//! item as they are serialised ([`Each`]), datetimes from a fixed buffer ([`Rms`], [`Day`]): an
//! answer allocates almost nothing but its own bytes.

use crate::domain::buyer::Buyer;
use crate::domain::order::{
    CardDigits, Carrier, ChangeReason, Coupon, DueDate, Order, OrderItem, Package, ShippingRow,
};
use crate::domain::order_kind::SocialGift;
use crate::domain::order_view::{SkuView, TaxSummary};
use crate::domain::shop::Shop;
use crate::domain::time::{JstDate, JstDateTime};
use crate::settings::CancelDueDates;
use serde::{Serialize, Serializer};
use std::fmt::Display;

/// A getOrder version the fake serves (3–10).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version(u8);

impl Version {
    pub const MIN: u8 = 3;
    pub const MAX: u8 = 10;

    pub fn new(v: u8) -> Self {
        Version(v.clamp(Self::MIN, Self::MAX))
    }

    pub fn get(self) -> u8 {
        self.0
    }

    pub fn has_top_level_version(self) -> bool {
        self.0 >= 6
    }
}

/// A datetime as the order API writes it: `2026-11-28T09:00:00+0900`.
pub struct Rms(pub JstDateTime);

impl Serialize for Rms {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.rms_text())
    }
}

/// A date as the order API writes it: `2026-11-28`.
pub struct Day(pub JstDate);

impl Serialize for Day {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.wire_text())
    }
}

/// Tax rate as RMS writes it: `0.1`, `0.08`, `0` (an integer), from per-mille.
pub struct Rate(pub i64);

impl Serialize for Rate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            0 => s.serialize_i32(0),
            80 => s.serialize_f64(0.08),
            100 => s.serialize_f64(0.1),
            p => s.serialize_f64(p as f64 / 1000.0),
        }
    }
}

/// A string written from its `Display` (a card number, a carrier code), with no `String`
/// in between.
struct Shown<T>(T);

impl<T: Display> Serialize for Shown<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

/// A JSON array of `items`, each rendered by `model` with the context `cx` as it is written:
/// `[]` when there are none, and no list of models in between.
pub struct Each<'a, T, X, U> {
    items: &'a [T],
    cx: X,
    model: fn(&'a T, X) -> U,
}

impl<'a, T, X: Copy, U: Serialize> Serialize for Each<'a, T, X, U> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.items.iter().map(|item| (self.model)(item, self.cx)))
    }
}

impl<'a, T, X, U> Each<'a, T, X, U> {
    /// `items`, each rendered by `model` with `cx` when written.
    pub fn new(items: &'a [T], cx: X, model: fn(&'a T, X) -> U) -> Self {
        Each { items, cx, model }
    }
}

fn each<'a, T, X, U>(items: &'a [T], cx: X, model: fn(&'a T, X) -> U) -> Each<'a, T, X, U> {
    Each::new(items, cx, model)
}

/// `Some(value)` in the versions that have the field (then written, `null` or not), `None`
/// in the others (then left out).
fn since<T>(v: u8, first: u8, value: T) -> Option<T> {
    (v >= first).then_some(value)
}

fn until<T>(v: u8, last: u8, value: T) -> Option<T> {
    (v <= last).then_some(value)
}

/// Every shop setting an `OrderModel` depends on; nothing else of the shop is read. A model
/// is a function of the order, the version and these alone, which is what lets getOrder keep
/// encoded models (`get_order.rs`): a setting added here is part of that cache's key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelSettings {
    sku_migrated: bool,
    cancel_due_date: CancelDueDates,
}

impl ModelSettings {
    pub fn of(shop: &Shop) -> Self {
        let s = shop.settings();
        ModelSettings { sku_migrated: s.sku_migrated, cancel_due_date: s.cancel_due_date.clone() }
    }
}

/// What the models of one answer share: the version and the shop settings they follow.
#[derive(Clone, Copy)]
struct Cx {
    v: u8,
    sku_migrated: bool,
}

/// One `OrderModel` of getOrder version `v`, keys in the order of Rakuten's v9 samples.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderModel<'a> {
    order_number: &'a str,
    order_progress: u16,
    sub_status_id: Option<i64>,
    sub_status_name: Option<&'a str>,
    order_datetime: Rms,
    shop_order_cfm_datetime: Option<Rms>,
    order_fix_datetime: Option<Rms>,
    shipping_inst_datetime: Option<Rms>,
    shipping_cmpl_rpt_datetime: Option<Rms>,
    cancel_due_date: Option<Day>,
    delivery_date: Option<Day>,
    shipping_term: Option<i64>,
    remarks: Option<&'a str>,
    gift_check_flag: i32,
    /// No v10 sample exists: placed where the manual's field list has it (inferred).
    #[serde(skip_serializing_if = "Option::is_none")]
    social_gift_flag: Option<i32>,
    several_sender_flag: i32,
    equal_sender_flag: i32,
    isolated_island_flag: i32,
    rakuten_member_flag: i32,
    carrier_code: u32,
    email_carrier_code: u32,
    order_type: u8,
    reserve_number: Option<&'a str>,
    reserve_delivery_count: Option<u32>,
    caution_display_type: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    caution_display_detail_type: Option<Option<i64>>,
    rakuten_confirm_flag: i32,
    goods_price: i64,
    /// 0 for tax-inclusive items (order-api.md §4); the tax added to tax-exclusive ones.
    /// Placed where v1 captures have it.
    #[serde(skip_serializing_if = "Option::is_none")]
    goods_tax: Option<i64>,
    postage_price: i64,
    delivery_price: i64,
    payment_charge: i32,
    payment_charge_tax_rate: Rate,
    total_price: i64,
    request_price: i64,
    coupon_all_total_price: i64,
    coupon_shop_price: i64,
    coupon_other_price: i64,
    additional_fee_occur_amount_to_user: i32,
    additional_fee_occur_amount_to_shop: i32,
    asuraku_flag: i32,
    drug_flag: i32,
    deal_flag: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    delivery_cert_prg_flag: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    one_day_operation_flag: Option<i32>,
    membership_type: i32,
    memo: Option<&'a str>,
    operator: Option<&'a str>,
    mail_plug_sentence: Option<&'a str>,
    modify_flag: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    is_tax_recalc: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    receipt_issue_count: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    receipt_issue_history_list: Option<[(); 0]>,
    #[serde(rename = "OrdererModel")]
    orderer_model: OrdererModel<'a>,
    #[serde(rename = "SettlementModel")]
    settlement_model: SettlementModel<'a>,
    #[serde(rename = "DeliveryModel")]
    delivery_model: DeliveryModel<'a>,
    #[serde(rename = "PointModel")]
    point_model: PointModel,
    #[serde(rename = "WrappingModel1")]
    wrapping_model1: (),
    #[serde(rename = "WrappingModel2")]
    wrapping_model2: (),
    #[serde(rename = "PackageModelList")]
    package_model_list: Each<'a, Package, Cx, PackageModel<'a>>,
    /// The one list that is `null` when empty (captures and the v9 samples).
    #[serde(rename = "CouponModelList")]
    coupon_model_list: Option<Each<'a, Coupon, (), CouponModel<'a>>>,
    #[serde(rename = "ChangeReasonModelList")]
    change_reason_model_list: Each<'a, ChangeReason, (), ChangeReasonModel>,
    #[serde(rename = "TaxSummaryModelList")]
    tax_summary_model_list: Vec<TaxSummaryModel>,
    #[serde(rename = "DueDateModelList", skip_serializing_if = "Option::is_none")]
    due_date_model_list: Option<Each<'a, DueDate, (), DueDateModel>>,
}

/// One `OrderModel` of getOrder version `v`.
pub fn order_model<'a>(o: &'a Order, settings: &ModelSettings, v: Version) -> OrderModel<'a> {
    let v = v.get();
    let cx = Cx { v, sku_migrated: settings.sku_migrated };
    OrderModel {
        order_number: &o.number,
        order_progress: o.progress.code(),
        sub_status_id: o.sub_status.as_ref().map(|s| s.0),
        sub_status_name: o.sub_status.as_ref().map(|s| &*s.1),
        order_datetime: Rms(o.order_datetime),
        shop_order_cfm_datetime: o.shop_order_cfm_datetime.map(Rms),
        order_fix_datetime: o.order_fix_datetime.map(Rms),
        shipping_inst_datetime: o.shipping_inst_datetime.map(Rms),
        shipping_cmpl_rpt_datetime: o.shipping_cmpl_rpt_datetime.map(Rms),
        cancel_due_date: o.cancel_due_date(&settings.cancel_due_date).map(Day),
        delivery_date: o.delivery_date.map(Day),
        shipping_term: o.shipping_term,
        remarks: o.remarks.as_deref(),
        gift_check_flag: i32::from(o.gift_check),
        social_gift_flag: since(v, 10, i32::from(o.is_social_gift())),
        several_sender_flag: i32::from(o.packages.len() > 1),
        equal_sender_flag: i32::from(o.packages.iter().all(|p| p.sender == o.orderer)),
        isolated_island_flag: 0,
        rakuten_member_flag: 1,
        carrier_code: o.orderer.carrier_code,
        email_carrier_code: o.orderer.email_carrier_code,
        order_type: o.order_type.code(),
        reserve_number: o.reservation.as_ref().map(|r| r.number.as_str()),
        reserve_delivery_count: o.reservation.as_ref().map(|r| r.delivery_count),
        caution_display_type: o.caution_display_type(),
        caution_display_detail_type: since(v, 6, o.caution_detail),
        rakuten_confirm_flag: i32::from(o.rakuten_confirm_flag()),
        goods_price: o.goods_price(),
        goods_tax: until(v, 7, o.goods_tax()),
        postage_price: o.postage_price(),
        delivery_price: o.delivery_price(),
        payment_charge: 0,
        payment_charge_tax_rate: Rate(100),
        total_price: o.total_price(),
        request_price: o.request_price(),
        coupon_all_total_price: o.coupon_total(),
        coupon_shop_price: o.coupon_shop(),
        coupon_other_price: o.coupon_total() - o.coupon_shop(),
        additional_fee_occur_amount_to_user: 0,
        additional_fee_occur_amount_to_shop: 0,
        asuraku_flag: 0,
        drug_flag: 0,
        deal_flag: 0,
        delivery_cert_prg_flag: since(v, 8, i32::from(o.delivery_cert_program)),
        one_day_operation_flag: since(v, 8, i32::from(o.one_day_operation)),
        membership_type: 0,
        memo: o.memo.as_deref(),
        operator: o.operator.as_deref(),
        mail_plug_sentence: o.mail_plug_sentence.as_deref(),
        modify_flag: i32::from(o.modified),
        is_tax_recalc: until(v, 7, 0),
        receipt_issue_count: since(v, 5, 0),
        receipt_issue_history_list: since(v, 5, []),
        orderer_model: orderer(&o.orderer),
        settlement_model: settlement(o),
        delivery_model: DeliveryModel { delivery_name: &o.delivery_name, delivery_class: o.delivery_class },
        point_model: PointModel { used_point: o.used_point },
        wrapping_model1: (),
        wrapping_model2: (),
        package_model_list: each(&o.packages, cx, package),
        coupon_model_list: (!o.coupons.is_empty()).then(|| each(&o.coupons, (), coupon)),
        change_reason_model_list: each(&o.change_reasons, (), change_reason),
        tax_summary_model_list: o.tax_summary().iter().map(tax_summary).collect(),
        due_date_model_list: since(v, 5, each(&o.due_dates, (), due_date)),
    }
}

/// `CouponModel`
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CouponModel<'a> {
    coupon_code: &'a str,
    item_id: i32,
    coupon_name: &'a str,
    coupon_summary: &'a str,
    coupon_capital: &'static str,
    coupon_capital_code: u8,
    expiry_date: Day,
    coupon_price: i64,
    coupon_unit: i64,
    coupon_total_price: i64,
    item_detail_id: i32,
}

fn coupon(c: &Coupon, _: ()) -> CouponModel<'_> {
    CouponModel {
        coupon_code: &c.code,
        item_id: 0,
        coupon_name: &c.name,
        coupon_summary: &c.summary,
        coupon_capital: c.capital(),
        coupon_capital_code: c.capital_code,
        expiry_date: Day(c.expiry),
        coupon_price: c.price,
        coupon_unit: c.unit,
        coupon_total_price: c.total(),
        item_detail_id: 0,
    }
}

/// `DueDateModel`
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DueDateModel {
    due_date_type: u8,
    due_date: Day,
}

fn due_date(d: &DueDate, _: ()) -> DueDateModel {
    DueDateModel { due_date_type: d.due_date_type.code(), due_date: Day(d.due_date) }
}

/// The address and name an `OrdererModel` and a `SenderModel` share, first in both.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AddressAndName<'a> {
    zip_code1: &'a str,
    zip_code2: &'a str,
    prefecture: &'a str,
    city: &'a str,
    sub_address: &'a str,
    family_name: &'a str,
    first_name: &'a str,
    family_name_kana: &'a str,
    first_name_kana: &'a str,
    phone_number1: &'a str,
    phone_number2: &'a str,
    phone_number3: &'a str,
}

fn address_and_name(b: &Buyer) -> AddressAndName<'_> {
    AddressAndName {
        zip_code1: &b.place.zip_code1,
        zip_code2: &b.place.zip_code2,
        prefecture: &b.place.prefecture,
        city: &b.place.city,
        sub_address: &b.sub_address,
        family_name: &b.name.family_name,
        first_name: &b.name.first_name,
        family_name_kana: &b.name.family_name_kana,
        first_name_kana: &b.name.first_name_kana,
        phone_number1: &b.phone[0],
        phone_number2: &b.phone[1],
        phone_number3: &b.phone[2],
    }
}

/// `OrdererModel`
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrdererModel<'a> {
    #[serde(flatten)]
    address: AddressAndName<'a>,
    email_address: &'a str,
    sex: &'a str,
    birth_year: u32,
    birth_month: u32,
    birth_day: u32,
}

fn orderer(b: &Buyer) -> OrdererModel<'_> {
    OrdererModel {
        address: address_and_name(b),
        email_address: &b.email,
        sex: &b.name.sex,
        birth_year: b.birth.0,
        birth_month: b.birth.1,
        birth_day: b.birth.2,
    }
}

/// `SenderModel`
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SenderModel<'a> {
    #[serde(flatten)]
    address: AddressAndName<'a>,
    isolated_island_flag: i32,
}

/// `SettlementModel`: the card fields are `null` for other methods.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SettlementModel<'a> {
    settlement_method_code: u16,
    settlement_method: &'static str,
    rpay_settlement_flag: i32,
    card_name: Option<&'static str>,
    card_number: Option<Shown<CardNumber>>,
    card_owner: Option<&'a str>,
    card_ym: Option<Shown<CardYm>>,
    card_pay_type: Option<i32>,
    card_installment_desc: (),
}

/// `XXXX-XXXX-XXXX-<last four digits>`
struct CardNumber(CardDigits);

impl Display for CardNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "XXXX-XXXX-XXXX-{}", self.0)
    }
}

/// The card's expiry, `YYYY-MM`: three years after the order's month.
struct CardYm(i64, u32);

impl Display for CardYm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{:02}", self.0 + 3, self.1)
    }
}

fn settlement(o: &Order) -> SettlementModel<'_> {
    let card = o.settlement.is_card();
    let (year, month, ..) = o.order_datetime.civil();
    SettlementModel {
        settlement_method_code: o.settlement.code(),
        settlement_method: o.settlement.name(),
        rpay_settlement_flag: 1,
        card_name: card.then_some("VISA"),
        card_number: card.then_some(Shown(CardNumber(o.card_last4))),
        card_owner: card.then_some(&*o.orderer.name.romaji),
        card_ym: card.then_some(Shown(CardYm(year, month))),
        card_pay_type: card.then_some(0),
        card_installment_desc: (),
    }
}

/// `DeliveryModel`
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryModel<'a> {
    delivery_name: &'a str,
    delivery_class: Option<i64>,
}

/// `PointModel`
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PointModel {
    used_point: i64,
}

/// `PackageModel`
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PackageModel<'a> {
    basket_id: u64,
    postage_price: i64,
    postage_tax_rate: Rate,
    delivery_price: i64,
    delivery_tax_rate: Rate,
    #[serde(skip_serializing_if = "Option::is_none")]
    goods_tax: Option<i64>,
    goods_price: i64,
    total_price: i64,
    noshi: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    default_delivery_company_code: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    drop_off_flag: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    drop_off_location: Option<Option<&'a str>>,
    package_delete_flag: i32,
    #[serde(rename = "SenderModel")]
    sender_model: SenderModel<'a>,
    #[serde(rename = "ItemModelList")]
    item_model_list: Each<'a, OrderItem, Cx, ItemModel<'a>>,
    #[serde(rename = "ShippingModelList")]
    shipping_model_list: Each<'a, ShippingRow, (), ShippingModel<'a>>,
    #[serde(rename = "DeliveryCvsModel")]
    delivery_cvs_model: (),
    /// No v10 sample exists: last, where the manual's field list has it (inferred).
    #[serde(rename = "SocialGiftModel", skip_serializing_if = "Option::is_none")]
    social_gift_model: Option<Option<SocialGiftModel<'a>>>,
}

/// `SocialGiftModel` (v10), fields in the manual's order (order-api.md §4).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SocialGiftModel<'a> {
    sg_mng_number: &'a str,
    input_due_date: Day,
    input_flag: i32,
    input_comp_datetime: Option<Rms>,
    receiver_email_address: Option<&'a str>,
}

fn social_gift(g: &SocialGift) -> SocialGiftModel<'_> {
    SocialGiftModel {
        sg_mng_number: &g.number,
        input_due_date: Day(g.input_due_date),
        input_flag: i32::from(g.entered()),
        input_comp_datetime: g.input_at.map(Rms),
        receiver_email_address: g.receiver_email.as_deref(),
    }
}

fn package(p: &Package, cx: Cx) -> PackageModel<'_> {
    let v = cx.v;
    PackageModel {
        basket_id: p.basket_id,
        postage_price: p.postage_price,
        postage_tax_rate: Rate(100),
        delivery_price: p.delivery_price,
        delivery_tax_rate: Rate(100),
        goods_tax: until(v, 7, p.goods_tax()),
        goods_price: p.goods_price(),
        total_price: p.total_price(),
        noshi: p.noshi.as_deref(),
        default_delivery_company_code: since(v, 4, &*p.default_delivery_company),
        drop_off_flag: since(v, 9, i32::from(p.drop_off_location.is_some())),
        drop_off_location: since(v, 9, p.drop_off_location.as_deref()),
        package_delete_flag: 0,
        sender_model: SenderModel { address: address_and_name(&p.sender), isolated_island_flag: 0 },
        item_model_list: each(&p.items, cx, item),
        shipping_model_list: each(&p.shipping, (), shipping_row),
        delivery_cvs_model: (),
        social_gift_model: since(v, 10, p.social_gift.as_ref().map(social_gift)),
    }
}

/// `ShippingModel`: the carrier's code is a string on the wire.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ShippingModel<'a> {
    shipping_detail_id: u64,
    shipping_number: Option<&'a str>,
    delivery_company: Option<Shown<u16>>,
    delivery_company_name: Option<&'static str>,
    shipping_date: Option<Day>,
}

fn shipping_row(s: &ShippingRow, _: ()) -> ShippingModel<'_> {
    ShippingModel {
        shipping_detail_id: s.shipping_detail_id,
        shipping_number: s.shipping_number.as_deref(),
        delivery_company: s.delivery_company.map(|c| Shown(c.code())),
        delivery_company_name: s.delivery_company.map(Carrier::name),
        shipping_date: s.shipping_date.map(Day),
    }
}

/// `ItemModel`: an ordered line, as [`OrderItem::view`] says the shop's SKU migration shows it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemModel<'a> {
    item_detail_id: u64,
    item_name: &'a str,
    item_id: u64,
    item_number: String,
    manage_number: &'a str,
    price: i64,
    units: i64,
    include_postage_flag: i32,
    include_tax_flag: i32,
    include_cash_on_delivery_postage_flag: i32,
    selected_choice: Option<&'a str>,
    point_rate: i32,
    point_type: i32,
    inventory_type: u8,
    delvdate_info: (),
    restore_inventory_flag: i32,
    deal_flag: i32,
    drug_flag: i32,
    delete_item_flag: i32,
    tax_rate: Rate,
    price_tax_incl: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    is_single_item_shipping: Option<i32>,
    #[serde(rename = "SkuModelList", skip_serializing_if = "Option::is_none")]
    sku_model_list: Option<SkuList<'a>>,
}

/// `SkuModelList`: one entry after SKU migration, `[]` before.
pub struct SkuList<'a>(Option<SkuModel<'a>>);

impl Serialize for SkuList<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(&self.0)
    }
}

/// `SkuModel`
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SkuModel<'a> {
    variant_id: &'a str,
    merchant_defined_sku_id: Option<&'a str>,
    sku_info: Option<&'a str>,
}

fn item<'a>(i: &'a OrderItem, cx: Cx) -> ItemModel<'a> {
    let view = i.view(cx.sku_migrated);
    let sku = |sku: SkuView<'a>| SkuModel {
        variant_id: sku.variant_id,
        merchant_defined_sku_id: sku.merchant_defined_sku_id,
        sku_info: sku.sku_info,
    };
    ItemModel {
        item_detail_id: i.item_detail_id,
        item_name: &i.sku.item_name,
        item_id: i.sku.item_id,
        item_number: view.item_number,
        manage_number: &i.sku.manage_number,
        price: i.price,
        units: i.units,
        include_postage_flag: 0,
        include_tax_flag: i32::from(i.sku.tax_included),
        include_cash_on_delivery_postage_flag: 0,
        selected_choice: view.selected_choice,
        point_rate: 1,
        point_type: 0,
        inventory_type: view.inventory_type,
        delvdate_info: (),
        restore_inventory_flag: i32::from(i.sku.restore_inventory),
        deal_flag: 0,
        drug_flag: 0,
        delete_item_flag: 0,
        tax_rate: Rate(i.sku.tax_rate_permille),
        price_tax_incl: i.price_tax_incl,
        is_single_item_shipping: since(cx.v, 4, 0),
        sku_model_list: since(cx.v, 7, SkuList(view.sku.map(sku))),
    }
}

/// `ChangeReasonModel`
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangeReasonModel {
    change_id: u64,
    change_type: u8,
    change_type_detail: Option<u8>,
    change_reason: Option<u8>,
    change_reason_detail: Option<u8>,
    change_apply_datetime: Option<Rms>,
    change_fix_datetime: Option<Rms>,
    change_cmpl_datetime: Option<Rms>,
}

fn change_reason(c: &ChangeReason, _: ()) -> ChangeReasonModel {
    ChangeReasonModel {
        change_id: c.change_id,
        change_type: c.change_type.code(),
        change_type_detail: c.change_type_detail.map(|d| d.code()),
        change_reason: c.change_reason.map(|r| r.code()),
        change_reason_detail: c.change_reason_detail.map(|d| d.code()),
        change_apply_datetime: c.apply.map(Rms),
        change_fix_datetime: c.fix.map(Rms),
        change_cmpl_datetime: c.complete.map(Rms),
    }
}

/// `TaxSummaryModel`, rendered from [`Order::tax_summary`].
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaxSummaryModel {
    tax_rate: Rate,
    req_price: i64,
    req_price_tax: i64,
    total_price: i64,
    payment_charge: i32,
    coupon_price: i64,
    point: i32,
}

fn tax_summary(t: &TaxSummary) -> TaxSummaryModel {
    TaxSummaryModel {
        tax_rate: Rate(t.rate_permille),
        req_price: t.req_price,
        req_price_tax: t.req_price_tax,
        total_price: t.total_price,
        payment_charge: 0,
        coupon_price: t.coupon_price,
        point: 0,
    }
}
