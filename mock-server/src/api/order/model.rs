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

use crate::domain::buyer::Buyer;
use crate::domain::order::{Carrier, ChangeReason, Coupon, DueDate, Order, OrderItem, Package, ShippingRow};
use crate::domain::shop::Shop;
use crate::domain::time::{JstDate, JstDateTime};
use serde_json::{json, Map, Value};

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

fn dt(t: Option<JstDateTime>) -> Value {
    t.map(|t| Value::String(t.to_rms())).unwrap_or(Value::Null)
}

fn opt_str<S: AsRef<str>>(s: &Option<S>) -> Value {
    s.as_ref().map(|s| Value::String(s.as_ref().to_string())).unwrap_or(Value::Null)
}

/// Tax rate as RMS writes it: `0.1`, `0.08`, `0`.
fn rate(permille: i64) -> Value {
    match permille {
        0 => json!(0),
        80 => json!(0.08),
        100 => json!(0.1),
        p => json!(p as f64 / 1000.0),
    }
}

/// One `OrderModel` of getOrder version `v`, keys in the order of Rakuten's v9 samples.
pub fn order_model(o: &Order, shop: &Shop, v: Version) -> Value {
    let v = v.get();
    let mut m = Map::new();
    let mut put = |k: &str, val: Value| {
        m.insert(k.to_string(), val);
    };
    put("orderNumber", json!(o.number));
    put("orderProgress", json!(o.progress.code()));
    put("subStatusId", o.sub_status.as_ref().map(|s| json!(s.0)).unwrap_or(Value::Null));
    put("subStatusName", o.sub_status.as_ref().map(|s| json!(s.1)).unwrap_or(Value::Null));
    put("orderDatetime", json!(o.order_datetime.to_rms()));
    put("shopOrderCfmDatetime", dt(o.shop_order_cfm_datetime));
    put("orderFixDatetime", dt(o.order_fix_datetime));
    put("shippingInstDatetime", dt(o.shipping_inst_datetime));
    put("shippingCmplRptDatetime", dt(o.shipping_cmpl_rpt_datetime));
    put("cancelDueDate", date(o.cancel_due_date(&shop.settings().cancel_due_date)));
    put("deliveryDate", date(o.delivery_date));
    put("shippingTerm", o.shipping_term.map(|t| json!(t)).unwrap_or(Value::Null));
    put("remarks", opt_str(&o.remarks));
    put("giftCheckFlag", json!(i32::from(o.gift_check)));
    if v >= 10 {
        // No v10 sample exists: placed where the manual's field list has it (inferred).
        put("socialGiftFlag", json!(0));
    }
    put("severalSenderFlag", json!(i32::from(o.packages.len() > 1)));
    put("equalSenderFlag", json!(i32::from(o.packages.iter().all(|p| p.sender == o.orderer))));
    put("isolatedIslandFlag", json!(0));
    put("rakutenMemberFlag", json!(1));
    put("carrierCode", json!(o.orderer.carrier_code));
    put("emailCarrierCode", json!(o.orderer.email_carrier_code));
    put("orderType", json!(1));
    put("reserveNumber", Value::Null);
    put("reserveDeliveryCount", Value::Null);
    put("cautionDisplayType", json!(i32::from(o.caution_detail.is_some())));
    if v >= 6 {
        put("cautionDisplayDetailType", o.caution_detail.map(|c| json!(c)).unwrap_or(Value::Null));
    }
    put("rakutenConfirmFlag", json!(i32::from(o.review_ng)));
    put("goodsPrice", json!(o.goods_price()));
    if v < 8 {
        // 0 for tax-inclusive items (order-api.md §4); the tax added to tax-exclusive ones.
        // Placed where v1 captures have it.
        put("goodsTax", json!(o.goods_tax()));
    }
    put("postagePrice", json!(o.postage_price()));
    put("deliveryPrice", json!(o.delivery_price()));
    put("paymentCharge", json!(0));
    put("paymentChargeTaxRate", rate(100));
    put("totalPrice", json!(o.total_price()));
    put("requestPrice", json!(o.request_price()));
    put("couponAllTotalPrice", json!(o.coupon_total()));
    put("couponShopPrice", json!(o.coupon_shop()));
    put("couponOtherPrice", json!(o.coupon_total() - o.coupon_shop()));
    put("additionalFeeOccurAmountToUser", json!(0));
    put("additionalFeeOccurAmountToShop", json!(0));
    put("asurakuFlag", json!(0));
    put("drugFlag", json!(0));
    put("dealFlag", json!(0));
    if v >= 8 {
        put("deliveryCertPrgFlag", json!(i32::from(o.delivery_cert_program)));
        put("oneDayOperationFlag", json!(i32::from(o.one_day_operation)));
    }
    put("membershipType", json!(0));
    put("memo", opt_str(&o.memo));
    put("operator", opt_str(&o.operator));
    put("mailPlugSentence", opt_str(&o.mail_plug_sentence));
    put("modifyFlag", json!(i32::from(o.modified)));
    if v < 8 {
        put("isTaxRecalc", json!(0));
    }
    if v >= 5 {
        put("receiptIssueCount", json!(0));
        put("receiptIssueHistoryList", json!([]));
    }
    put("OrdererModel", orderer(&o.orderer));
    put("SettlementModel", settlement(o));
    put("DeliveryModel", json!({"deliveryName": o.delivery_name, "deliveryClass": o.delivery_class}));
    put("PointModel", json!({"usedPoint": o.used_point}));
    put("WrappingModel1", Value::Null);
    put("WrappingModel2", Value::Null);
    put("PackageModelList", Value::Array(o.packages.iter().map(|p| package(p, shop, v)).collect()));
    // The one list that is `null` when empty (captures and the v9 samples).
    put("CouponModelList", if o.coupons.is_empty() { Value::Null } else { list(&o.coupons, coupon) });
    put("ChangeReasonModelList", list(&o.change_reasons, change_reason));
    put("TaxSummaryModelList", tax_summary(o));
    if v >= 5 {
        put("DueDateModelList", list(&o.due_dates, due_date));
    }
    Value::Object(m)
}

/// A JSON array of `items` rendered with `f`: `[]` when there are none.
fn list<T>(items: &[T], f: impl Fn(&T) -> Value) -> Value {
    Value::Array(items.iter().map(f).collect())
}

fn date(d: Option<JstDate>) -> Value {
    d.map(|d| json!(d.to_wire())).unwrap_or(Value::Null)
}

fn coupon(c: &Coupon) -> Value {
    json!({
        "couponCode": c.code, "itemId": 0, "couponName": c.name, "couponSummary": c.summary,
        "couponCapital": c.capital(), "couponCapitalCode": c.capital_code, "expiryDate": c.expiry.to_wire(),
        "couponPrice": c.price, "couponUnit": c.unit, "couponTotalPrice": c.total(), "itemDetailId": 0,
    })
}

fn due_date(d: &DueDate) -> Value {
    json!({"dueDateType": d.due_date_type.code(), "dueDate": d.due_date.to_wire()})
}

fn address_and_name(b: &Buyer, m: &mut Map<String, Value>) {
    m.insert("zipCode1".into(), json!(b.place.zip_code1));
    m.insert("zipCode2".into(), json!(b.place.zip_code2));
    m.insert("prefecture".into(), json!(b.place.prefecture));
    m.insert("city".into(), json!(b.place.city));
    m.insert("subAddress".into(), json!(b.sub_address));
    m.insert("familyName".into(), json!(b.name.family_name));
    m.insert("firstName".into(), json!(b.name.first_name));
    m.insert("familyNameKana".into(), json!(b.name.family_name_kana));
    m.insert("firstNameKana".into(), json!(b.name.first_name_kana));
    m.insert("phoneNumber1".into(), json!(b.phone[0]));
    m.insert("phoneNumber2".into(), json!(b.phone[1]));
    m.insert("phoneNumber3".into(), json!(b.phone[2]));
}

fn orderer(b: &Buyer) -> Value {
    let mut m = Map::new();
    address_and_name(b, &mut m);
    m.insert("emailAddress".into(), json!(b.email));
    m.insert("sex".into(), json!(b.name.sex));
    m.insert("birthYear".into(), json!(b.birth.0));
    m.insert("birthMonth".into(), json!(b.birth.1));
    m.insert("birthDay".into(), json!(b.birth.2));
    Value::Object(m)
}

fn sender(b: &Buyer) -> Value {
    let mut m = Map::new();
    address_and_name(b, &mut m);
    m.insert("isolatedIslandFlag".into(), json!(0));
    Value::Object(m)
}

fn settlement(o: &Order) -> Value {
    let card = o.settlement.is_card();
    let c = |v: Value| if card { v } else { Value::Null };
    json!({
        "settlementMethodCode": o.settlement.code(),
        "settlementMethod": o.settlement.name(),
        "rpaySettlementFlag": 1,
        "cardName": c(json!("VISA")),
        "cardNumber": c(json!(format!("XXXX-XXXX-XXXX-{}", o.card_last4))),
        "cardOwner": c(json!(o.orderer.name.romaji)),
        "cardYm": c(json!(format!("{}-{:02}", o.order_datetime.civil().0 + 3, o.order_datetime.civil().1))),
        "cardPayType": c(json!(0)),
        "cardInstallmentDesc": Value::Null,
    })
}

fn package(p: &Package, shop: &Shop, v: u8) -> Value {
    let mut m = Map::new();
    m.insert("basketId".into(), json!(p.basket_id));
    m.insert("postagePrice".into(), json!(p.postage_price));
    m.insert("postageTaxRate".into(), rate(100));
    m.insert("deliveryPrice".into(), json!(p.delivery_price));
    m.insert("deliveryTaxRate".into(), rate(100));
    if v < 8 {
        m.insert("goodsTax".into(), json!(p.goods_tax()));
    }
    m.insert("goodsPrice".into(), json!(p.goods_price()));
    m.insert("totalPrice".into(), json!(p.total_price()));
    m.insert("noshi".into(), p.noshi.as_ref().map(|n| json!(n)).unwrap_or(Value::Null));
    if v >= 4 {
        m.insert("defaultDeliveryCompanyCode".into(), json!(p.default_delivery_company));
    }
    if v >= 9 {
        m.insert("dropOffFlag".into(), json!(i32::from(p.drop_off_location.is_some())));
        m.insert("dropOffLocation".into(), p.drop_off_location.as_ref().map(|d| json!(d)).unwrap_or(Value::Null));
    }
    m.insert("packageDeleteFlag".into(), json!(0));
    m.insert("SenderModel".into(), sender(&p.sender));
    m.insert("ItemModelList".into(), list(&p.items, |i| item(i, shop, v)));
    m.insert("ShippingModelList".into(), list(&p.shipping, shipping_row));
    m.insert("DeliveryCvsModel".into(), Value::Null);
    if v >= 10 {
        // No v10 sample exists: last, where the manual's field list has it (inferred).
        m.insert("SocialGiftModel".into(), Value::Null);
    }
    Value::Object(m)
}

fn shipping_row(s: &ShippingRow) -> Value {
    json!({
        "shippingDetailId": s.shipping_detail_id,
        "shippingNumber": s.shipping_number,
        "deliveryCompany": s.delivery_company.map(|c| c.code().to_string()),
        "deliveryCompanyName": s.delivery_company.map(Carrier::name),
        "shippingDate": s.shipping_date.map(|d| d.to_wire()),
    })
}

/// An ordered line, as [`OrderItem::view`] says the shop's SKU migration shows it.
fn item(i: &OrderItem, shop: &Shop, v: u8) -> Value {
    let view = i.view(shop.settings().sku_migrated);
    let mut m = Map::new();
    m.insert("itemDetailId".into(), json!(i.item_detail_id));
    m.insert("itemName".into(), json!(i.sku.item_name));
    m.insert("itemId".into(), json!(i.sku.item_id));
    m.insert("itemNumber".into(), json!(view.item_number));
    m.insert("manageNumber".into(), json!(i.sku.manage_number));
    m.insert("price".into(), json!(i.price));
    m.insert("units".into(), json!(i.units));
    m.insert("includePostageFlag".into(), json!(0));
    m.insert("includeTaxFlag".into(), json!(i32::from(i.sku.tax_included)));
    m.insert("includeCashOnDeliveryPostageFlag".into(), json!(0));
    m.insert("selectedChoice".into(), json!(view.selected_choice));
    m.insert("pointRate".into(), json!(1));
    m.insert("pointType".into(), json!(0));
    m.insert("inventoryType".into(), json!(view.inventory_type));
    m.insert("delvdateInfo".into(), Value::Null);
    m.insert("restoreInventoryFlag".into(), json!(i32::from(i.sku.restore_inventory)));
    m.insert("dealFlag".into(), json!(0));
    m.insert("drugFlag".into(), json!(0));
    m.insert("deleteItemFlag".into(), json!(0));
    m.insert("taxRate".into(), rate(i.sku.tax_rate_permille));
    m.insert("priceTaxIncl".into(), json!(i.price_tax_incl));
    if v >= 4 {
        m.insert("isSingleItemShipping".into(), json!(0));
    }
    if v >= 7 {
        let skus = match view.sku {
            Some(sku) => json!([{
                "variantId": sku.variant_id,
                "merchantDefinedSkuId": sku.merchant_defined_sku_id,
                "skuInfo": sku.sku_info,
            }]),
            None => json!([]),
        };
        m.insert("SkuModelList".into(), skus);
    }
    Value::Object(m)
}

fn change_reason(c: &ChangeReason) -> Value {
    json!({
        "changeId": c.change_id,
        "changeType": c.change_type.code(),
        "changeTypeDetail": c.change_type_detail.map(|d| d.code()),
        "changeReason": c.change_reason.map(|r| r.code()),
        "changeReasonDetail": c.change_reason_detail.map(|d| d.code()),
        "changeApplyDatetime": dt(c.apply),
        "changeFixDatetime": dt(c.fix),
        "changeCmplDatetime": dt(c.complete),
    })
}

/// `TaxSummaryModelList`, rendered from [`Order::tax_summary`].
fn tax_summary(o: &Order) -> Value {
    Value::Array(
        o.tax_summary()
            .iter()
            .map(|t| {
                json!({
                    "taxRate": rate(t.rate_permille),
                    "reqPrice": t.req_price,
                    "reqPriceTax": t.req_price_tax,
                    "totalPrice": t.total_price,
                    "paymentCharge": 0,
                    "couponPrice": t.coupon_price,
                    "point": 0,
                })
            })
            .collect(),
    )
}
