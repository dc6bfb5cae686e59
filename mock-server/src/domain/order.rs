//! One RakutenPay order and its state machine.
//!
//! The status codes and transitions follow order-api.md §5. An [`Order`] only changes through
//! the methods here, each of which appends a [`StatusChange`] when `orderProgress` moves, so the
//! history (what the conformance ledger shows) can never miss a change.

use super::buyer::Buyer;
use super::function::OrderOperation;
use super::order_kind::{is_normal, OrderType, Reservation, SocialGift};
use super::tax::{LineTax, TaxRounding};
use super::text::Text;
use super::time::{JstDate, JstDateTime};
use std::sync::Arc;

pub use super::order_number::OrderNumber;

pub use super::order_codes::{
    Carrier, ChangeType, ChangeTypeDetail, DateType, DueDateType, OrderProgress, PaymentStatus, ReasonDetail,
    ReasonParty, SettlementMethod,
};

/// What moved an order: an RMS API call (named by its operation) or a rule of RMS.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Cause {
    /// The buyer placed the order.
    Placed,
    /// An RMS API operation, e.g. confirmOrder (the ledger shows its name, `confirmOrder`).
    Api(OrderOperation),
    /// RMS 自動注文確認.
    AutoConfirm,
    /// Rakuten finished processing (審査OK), 200 → 300.
    Processing,
    /// The buyer paid a prepaid order.
    Payment,
    /// Unconfirmed for too long (14 days by default), 100 → 900.
    AutoCancel,
    /// A prepaid order's payment deadline passed, → 900 (changeReasonDetail 4 未入金).
    PaymentDeadline,
    /// The buyer cancelled within the self-cancel window.
    BuyerCancel,
    /// Rakuten's payment processing after shipping, 500 → 600.
    PaymentProcessing,
    /// Payment processing finished, 600 → 700.
    PaymentSettled,
    /// A cancellation request was confirmed, 800 → 900.
    CancelConfirmed,
    /// A change of amount was confirmed, 400 → back.
    ChangeConfirmed,
    /// The buyer did not change the payment after a card review NG, → 900.
    ReviewDeadline,
    /// Rakuten cancelled an order its fraud review found NG, the next day (→ 900).
    ReviewNg,
    /// A social gift's recipient did not enter the address by `inputDueDate` (→ 900).
    GiftInputExpired,
    /// The shop's staff confirmed the order in the RMS screens (受注確認), 100 → 200.
    StaffConfirm,
    /// The shop's staff cancelled the order in the RMS screens, → 900.
    StaffCancel,
    /// The shop's staff edited the order in the RMS screens (amount, postage, items, address);
    /// a confirmed order whose amount changed waits in 400.
    StaffEdit,
    /// A shipping report made while the order waited in 400 (変更確定待ち) took effect when
    /// it reached 300: 300 → 500 (inferred, README "Inferred behaviour").
    HeldShippingReport,
}

impl Cause {
    /// The cause [`Cause::as_str`] writes as `name`; None for any other text.
    pub fn from_name(name: &str) -> Option<Cause> {
        const RULES: [Cause; 18] = [
            Cause::Placed,
            Cause::AutoConfirm,
            Cause::Processing,
            Cause::Payment,
            Cause::AutoCancel,
            Cause::PaymentDeadline,
            Cause::BuyerCancel,
            Cause::PaymentProcessing,
            Cause::PaymentSettled,
            Cause::CancelConfirmed,
            Cause::ChangeConfirmed,
            Cause::ReviewDeadline,
            Cause::ReviewNg,
            Cause::GiftInputExpired,
            Cause::StaffConfirm,
            Cause::StaffCancel,
            Cause::StaffEdit,
            Cause::HeldShippingReport,
        ];
        RULES.into_iter().find(|c| c.as_str() == name).or_else(|| OrderOperation::from_name(name).map(Cause::Api))
    }

    /// The cause as the ledger and the control plane write it (conformance snapshots compare
    /// these texts byte for byte).
    pub fn as_str(self) -> &'static str {
        match self {
            Cause::Placed => "placed",
            Cause::Api(op) => op.name(),
            Cause::AutoConfirm => "auto_confirm",
            Cause::Processing => "processing",
            Cause::Payment => "payment",
            Cause::AutoCancel => "auto_cancel",
            Cause::PaymentDeadline => "payment_deadline",
            Cause::BuyerCancel => "buyer_cancel",
            Cause::PaymentProcessing => "payment_processing",
            Cause::PaymentSettled => "payment_settled",
            Cause::CancelConfirmed => "cancel_confirmed",
            Cause::ChangeConfirmed => "change_confirmed",
            Cause::ReviewDeadline => "review_ng_deadline",
            Cause::ReviewNg => "review_ng",
            Cause::GiftInputExpired => "gift_input_expired",
            Cause::StaffConfirm => "staff_confirm",
            Cause::StaffCancel => "staff_cancel",
            Cause::StaffEdit => "staff_edit",
            Cause::HeldShippingReport => "held_shipping_report",
        }
    }
}

/// Written in a state document as the ledger writes it (`confirmOrder`, `auto_confirm`).
impl serde::Serialize for Cause {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Cause {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = <String as serde::Deserialize>::deserialize(d)?;
        Cause::from_name(&name).ok_or_else(|| serde::de::Error::custom(format_args!("{name:?} is not a cause")))
    }
}

/// One entry of an order's history.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    /// When it happened (shop time).
    pub at: JstDateTime,
    /// The status before; None when the order was placed.
    pub from: Option<OrderProgress>,
    /// The status after.
    pub to: OrderProgress,
    /// What moved it.
    pub cause: Cause,
}

/// RMS `ChangeReasonModel`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeReason {
    /// `changeId`
    pub change_id: u64,
    /// `changeType`
    pub change_type: ChangeType,
    /// `changeTypeDetail`
    pub change_type_detail: Option<ChangeTypeDetail>,
    /// `changeReason`: whose reason.
    pub change_reason: Option<ReasonParty>,
    /// `changeReasonDetail`
    pub change_reason_detail: Option<ReasonDetail>,
    /// `changeApplyDatetime`
    pub apply: Option<JstDateTime>,
    /// `changeFixDatetime`
    pub fix: Option<JstDateTime>,
    /// `changeCmplDatetime`
    pub complete: Option<JstDateTime>,
}

/// RMS `DueDateModel` (v5+).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DueDate {
    /// Which deadline.
    pub due_date_type: DueDateType,
    /// The day.
    pub due_date: JstDate,
}

/// What an ordered line copied from the catalog when it was ordered: the item and SKU as they
/// were then. Every line of the same SKU ordered while the item stayed the same shares one
/// (the shop interns them), so a million lines hold a few hundred of these.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderedSku {
    /// The item title when ordered.
    pub item_name: Text,
    /// RMS `itemId` (商品ID).
    pub item_id: u64,
    /// 商品番号 (`itemNumber`).
    pub item_number: Text,
    /// 商品管理番号 (`manageNumber`).
    pub manage_number: Text,
    /// `"項目:選択肢\n項目:選択肢"` as RMS shows it, or None.
    pub selected_choice: Option<Text>,
    /// SKU管理番号 (`variantId`).
    pub variant_id: Text,
    /// システム連携用SKU番号.
    pub merchant_defined_sku_id: Option<Text>,
    /// `"サイズ:M\nカラー:ブラック"`, built from the variant's selector values.
    pub sku_info: Option<Text>,
    /// Tax rate in per-mille (100 = 10%), kept integral so amounts stay exact.
    pub tax_rate_permille: i64,
    /// `includeTaxFlag`: the price includes the tax (the item's `payment.taxIncluded`).
    pub tax_included: bool,
    /// Whether cancelling puts the units back (the variant's `restockOnCancel` when ordered;
    /// `restoreInventoryFlag` on the wire).
    pub restore_inventory: bool,
}

/// One ordered line (RMS `ItemModel`): the SKU as ordered, and what the order itself says
/// about it (units and prices, which updateOrderSender may change).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderItem {
    /// `itemDetailId`
    pub item_detail_id: u64,
    /// The item and SKU as they were when ordered (shared with other lines of that SKU).
    pub sku: Arc<OrderedSku>,
    /// Unit price in yen as the shop sells it (`price`): tax-inclusive, or tax-exclusive when
    /// the SKU's `tax_included` is false.
    pub price: i64,
    /// Units ordered.
    pub units: i64,
    /// `priceTaxIncl`: the unit price with tax, fixed when ordered (or repriced).
    pub price_tax_incl: i64,
}

/// RMS `ShippingModel` (a row of a basket's shipping report).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShippingRow {
    /// `shippingDetailId`
    pub shipping_detail_id: u64,
    /// Tracking number (お問い合わせ番号).
    pub shipping_number: Option<String>,
    /// Carrier code, `"1001"` …
    pub delivery_company: Option<Carrier>,
    /// 発送日.
    pub shipping_date: Option<JstDate>,
}

/// RMS `PackageModel`: one basket (送付先).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Package {
    /// `basketId` (送付先ID).
    pub basket_id: u64,
    /// のし
    pub noshi: Option<Text>,
    /// 置き配場所 (v9), None = not used.
    pub drop_off_location: Option<Text>,
    /// The recipient (`SenderModel`); the orderer's own `Arc` until either changes.
    pub sender: Arc<Buyer>,
    /// The lines shipped to this recipient (fixed when ordered; their units and prices change).
    pub items: Box<[OrderItem]>,
    /// Shipping report rows.
    pub shipping: Vec<ShippingRow>,
    /// Postage in yen, or [`UNDETERMINED`].
    pub postage_price: i64,
    /// COD fee (`deliveryPrice`), 0 unless 代金引換.
    pub delivery_price: i64,
    /// `defaultDeliveryCompanyCode`
    pub default_delivery_company: Text,
    /// `SocialGiftModel` (v10) of a social gift; None for any other basket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub social_gift: Option<SocialGift>,
}

impl OrderItem {
    /// price × units: tax-exclusive for a tax-exclusive line (what `goodsPrice` adds up).
    pub fn amount(&self) -> i64 {
        self.price.saturating_mul(self.units)
    }

    /// priceTaxIncl × units: what the buyer pays for the line.
    pub fn amount_tax_incl(&self) -> i64 {
        self.price_tax_incl.saturating_mul(self.units)
    }

    /// Sets a new unit price (updateOrderSender), as the shop sells it, with its `priceTaxIncl`.
    pub fn reprice(&mut self, price: i64, rounding: TaxRounding) {
        self.price = price;
        self.price_tax_incl = self.tax().price_tax_incl(price, rounding);
    }

    /// How this line is taxed.
    pub fn tax(&self) -> LineTax {
        LineTax { included: self.sku.tax_included, rate_permille: self.sku.tax_rate_permille }
    }
}

impl Package {
    /// `PackageModel.goodsPrice`: Σ price × units, tax-exclusive for tax-exclusive lines as in
    /// Rakuten's sample (saturating, so no document can overflow it).
    pub fn goods_price(&self) -> i64 {
        self.items.iter().map(OrderItem::amount).fold(0, i64::saturating_add)
    }

    /// Σ priceTaxIncl × units: the goods as the buyer pays them.
    pub fn goods_price_tax_incl(&self) -> i64 {
        self.items.iter().map(OrderItem::amount_tax_incl).fold(0, i64::saturating_add)
    }

    /// `goodsTax` (v≤7): the tax added to tax-exclusive lines; 0 when every line includes
    /// its tax (order-api.md §4). That it is this difference is inferred.
    pub fn goods_tax(&self) -> i64 {
        self.goods_price_tax_incl().saturating_sub(self.goods_price())
    }

    /// `PackageModel.totalPrice`: Σ priceTaxIncl × units + postage, without the COD fee
    /// (sample: goods 1500 tax-exclusive, priceTaxIncl 1650, postage 500 → 2150).
    pub fn total_price(&self) -> i64 {
        if self.postage_price == UNDETERMINED {
            return UNDETERMINED;
        }
        self.goods_price_tax_incl().saturating_add(self.postage_price)
    }
}

/// Appends to one of an order's lists, kept as boxed slices: they stay short (a handful of
/// entries in an order's life), and a `Vec` would cost a capacity field and, by its usual
/// doubling, room for four entries on the first push, for each of a million orders.
pub fn push_exact<T>(list: &mut Box<[T]>, item: T) {
    let mut v = std::mem::take(list).into_vec();
    v.reserve_exact(1);
    v.push(item);
    *list = v.into_boxed_slice();
}

/// The last four digits of the buyer's card, as `SettlementModel.cardNumber` ends
/// (`XXXX-XXXX-XXXX-0015`): shown with leading zeros.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct CardDigits(pub u16);

impl std::fmt::Display for CardDigits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}", self.0)
    }
}

/// RMS's sentinel for an amount not determined yet (e.g. postage the shop must still set).
pub const UNDETERMINED: i64 = -9999;

/// The largest amount of yen one field takes: RMS's bound on item prices (IE0003, "between 0
/// to 999999999") and on the order API's amounts (updateOrderSender's prices and fees,
/// simulateCouponAmount's `couponPrice`). The fake holds every amount a buyer or a shop
/// document brings to it (points, coupon prices, postage, fees) to the same range, so that no
/// sum of an order's amounts comes near `i64`'s limits.
pub const MAX_AMOUNT: i64 = 999_999_999;

/// The most units one coupon may count (`couponUnit`), as simulateCouponAmount reads it and
/// as an order line's units.
pub const MAX_COUPON_UNITS: i64 = 999;

/// A RakutenPay order as the fake keeps it.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Order {
    /// The order number, `<shop id>-<YYYYMMDD>-<serial>`.
    pub number: OrderNumber,
    /// `orderProgress`; changed only through [`Order::move_to`].
    pub progress: OrderProgress,
    /// The shop's sub-status (id, name).
    pub sub_status: Option<(i64, Text)>,
    /// 注文日時.
    pub order_datetime: JstDateTime,
    /// 注文確認日時 (confirmOrder or 自動注文確認).
    pub shop_order_cfm_datetime: Option<JstDateTime>,
    /// 注文確定日時 (Rakuten finished processing).
    pub order_fix_datetime: Option<JstDateTime>,
    /// 発送指示日時.
    pub shipping_inst_datetime: Option<JstDateTime>,
    /// 発送完了報告日時.
    pub shipping_cmpl_rpt_datetime: Option<JstDateTime>,
    /// 決済確定日 (searchOrder dateType 6).
    pub payment_fix_datetime: Option<JstDateTime>,
    /// How the buyer pays.
    pub settlement: SettlementMethod,
    /// When the buyer paid a prepaid order.
    pub paid_at: Option<JstDateTime>,
    /// The orderer (`OrdererModel`); shared with the baskets' recipients until either changes.
    pub orderer: Arc<Buyer>,
    /// Baskets, one per recipient (fixed when ordered).
    pub packages: Box<[Package]>,
    /// 配送方法 (`deliveryName`).
    pub delivery_name: Text,
    /// Rakuten points used.
    pub used_point: i64,
    /// ひとことメモ.
    pub memo: Option<Text>,
    /// 担当者.
    pub operator: Option<Text>,
    /// メール差込文.
    pub mail_plug_sentence: Option<Text>,
    /// 備考.
    pub remarks: Option<Text>,
    /// `ChangeReasonModelList`, oldest first (grown with [`push_exact`], as the lists below).
    pub change_reasons: Box<[ChangeReason]>,
    /// `DueDateModelList`.
    pub due_dates: Box<[DueDate]>,
    /// Every status change, oldest first (what the ledger shows).
    pub history: Box<[StatusChange]>,
    /// Card fields shown in `SettlementModel` for card payments.
    pub card_last4: CardDigits,
    /// ギフト配送希望 (`giftCheckFlag`).
    pub gift_check: bool,
    /// お届け日指定.
    pub delivery_date: Option<JstDate>,
    /// お届け時間帯: 0, 1, 2, 9 or h1h2 such as 1416.
    pub shipping_term: Option<i64>,
    /// 配送区分 0–8.
    pub delivery_class: Option<i64>,
    /// Coupons the buyer used.
    pub coupons: Box<[Coupon]>,
    /// The shop changed the order (`modifyFlag`).
    pub modified: bool,
    /// Rakuten's card review said NG and the buyer must change the payment (楽天確認中).
    pub review_ng: bool,
    /// `cautionDisplayDetailType` (v6+), e.g. 101 前払い未払い.
    pub caution_detail: Option<i64>,
    /// When RMS cancels the order if it is still unconfirmed (order time +
    /// `unconfirmed_cancel_days` when it was placed): the clock's auto-cancel and the
    /// `cancelDueDate` of an order in 100 both read it, so they cannot disagree.
    pub unconfirmed_cancel_at: JstDateTime,
    /// 配送品質向上制度 対象 (`deliveryCertPrgFlag`, v8+).
    pub delivery_cert_program: bool,
    /// `oneDayOperationFlag` (v8+), which searchOrder's `oneDayOperationFlag` filters on.
    pub one_day_operation: bool,
    /// `orderType`; 1 通常購入 unless the buyer side placed another kind. (Left out of a
    /// state document when 1, as are the placement keys below at their defaults, so that
    /// documents of plain orders read as they did before these existed.)
    #[serde(default, skip_serializing_if = "is_normal")]
    pub order_type: OrderType,
    /// `reserveNumber` and `reserveDeliveryCount` of a 定期購入 / 頒布会 / 予約 order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reservation: Option<Reservation>,
    /// `cautionDisplayType` as placed: 1 要注意, 2 キャンセル確定; 0 shows 1 when
    /// [`Order::caution_detail`] is set, as before this existed.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub caution_display: u8,
    /// `rakutenConfirmFlag` 1 as placed (楽天確認中, Rakuten's fraud review); a card review NG
    /// ([`Order::review_ng`]) shows it too.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub rakuten_confirm: bool,
}

fn is_zero(n: &u8) -> bool {
    *n == 0
}

/// RMS `CouponModel`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Coupon {
    /// `couponCode`
    pub code: String,
    /// `couponName`
    pub name: String,
    /// `couponSummary`
    pub summary: String,
    /// 1 ショップ, 2 メーカー, 3 サービス
    pub capital_code: u8,
    /// `expiryDate`
    pub expiry: JstDate,
    /// `couponPrice` per unit, in yen.
    pub price: i64,
    /// `couponUnit`
    pub unit: i64,
}

impl Coupon {
    /// `couponTotalPrice`: price × units (saturating: documents can hold any number).
    pub fn total(&self) -> i64 {
        self.price.saturating_mul(self.unit)
    }

    /// `couponCapital`, the name of who pays the coupon.
    pub fn capital(&self) -> &'static str {
        match self.capital_code {
            1 => "ショップ",
            2 => "メーカー",
            _ => "サービス",
        }
    }
}

impl Order {
    /// `goodsPrice`: the baskets' goods together (tax-exclusive lines without their tax).
    pub fn goods_price(&self) -> i64 {
        self.packages.iter().map(Package::goods_price).fold(0, i64::saturating_add)
    }

    /// The baskets' goods as the buyer pays them (Σ priceTaxIncl × units).
    pub fn goods_price_tax_incl(&self) -> i64 {
        self.packages.iter().map(Package::goods_price_tax_incl).fold(0, i64::saturating_add)
    }

    /// `goodsTax` (v≤7): the tax added to the tax-exclusive lines of every basket.
    pub fn goods_tax(&self) -> i64 {
        self.packages.iter().map(Package::goods_tax).fold(0, i64::saturating_add)
    }

    /// `socialGiftFlag` (v10): some basket is a social gift.
    pub fn is_social_gift(&self) -> bool {
        self.packages.iter().any(|p| p.social_gift.is_some())
    }

    /// True while some social gift's recipient has not entered the address (`inputFlag` 0).
    pub fn awaiting_gift_address(&self) -> bool {
        self.packages.iter().any(|p| p.social_gift.as_ref().is_some_and(|g| !g.entered()))
    }

    /// `cautionDisplayType` as getOrder shows it.
    pub fn caution_display_type(&self) -> u8 {
        if self.caution_display != 0 {
            self.caution_display
        } else {
            u8::from(self.caution_detail.is_some())
        }
    }

    /// `rakutenConfirmFlag`: Rakuten is reviewing the order (fraud review, or a card review NG).
    pub fn rakuten_confirm_flag(&self) -> bool {
        self.rakuten_confirm || self.review_ng
    }

    /// True while some basket's postage is undetermined (-9999).
    pub fn amounts_undetermined(&self) -> bool {
        self.packages.iter().any(|p| p.postage_price == UNDETERMINED)
    }

    /// `postagePrice`: the baskets' postage, or [`UNDETERMINED`].
    pub fn postage_price(&self) -> i64 {
        if self.amounts_undetermined() {
            return UNDETERMINED;
        }
        self.packages.iter().map(|p| p.postage_price).fold(0, i64::saturating_add)
    }

    /// `deliveryPrice`: COD fees.
    pub fn delivery_price(&self) -> i64 {
        self.packages.iter().map(|p| p.delivery_price).fold(0, i64::saturating_add)
    }

    /// `totalPrice`: Σ priceTaxIncl × units + postage (+ wrapping, which the fake does not
    /// sell): tax-exclusive lines count with their tax (order-api.md §0).
    pub fn total_price(&self) -> i64 {
        if self.amounts_undetermined() {
            return UNDETERMINED;
        }
        self.goods_price_tax_incl().saturating_add(self.postage_price())
    }

    /// `couponAllTotalPrice`.
    pub fn coupon_total(&self) -> i64 {
        self.coupons.iter().map(Coupon::total).fold(0, i64::saturating_add)
    }

    /// Coupons paid by the shop (couponCapitalCode 1).
    pub fn coupon_shop(&self) -> i64 {
        self.coupons.iter().filter(|c| c.capital_code == 1).map(Coupon::total).fold(0, i64::saturating_add)
    }

    /// 総合計 without points: total − coupons + COD fee (order-api.md §4, "Totals").
    pub fn amount_before_points(&self) -> i64 {
        if self.amounts_undetermined() {
            return UNDETERMINED;
        }
        // Saturating, as every sum here: the inputs are held to [`MAX_AMOUNT`], and an
        // amount that still came from elsewhere must never overflow (a panic in debug builds).
        self.total_price().saturating_sub(self.coupon_total()).saturating_add(self.delivery_price())
    }

    /// `requestPrice`: what the buyer is asked to pay (order-api.md §4).
    pub fn request_price(&self) -> i64 {
        if self.amounts_undetermined() {
            return UNDETERMINED;
        }
        self.amount_before_points().saturating_sub(self.used_point)
    }

    /// Every line of every basket.
    pub fn items(&self) -> impl Iterator<Item = &OrderItem> {
        self.packages.iter().flat_map(|p| p.items.iter())
    }

    /// The first shipping date of any basket (searchOrder dateType 4 発送日).
    pub fn shipping_date(&self) -> Option<JstDate> {
        self.packages.iter().flat_map(|p| p.shipping.iter()).filter_map(|s| s.shipping_date).min()
    }

    /// True when some shipping row has a tracking number.
    pub fn has_shipping_number(&self) -> bool {
        self.packages.iter().flat_map(|p| p.shipping.iter()).any(|s| s.shipping_number.is_some())
    }

    /// The datetime searchOrder's `dateType` filters on, if the order has one.
    pub fn date_for(&self, date_type: DateType) -> Option<JstDateTime> {
        match date_type {
            DateType::Ordered => Some(self.order_datetime),
            DateType::Confirmed => self.shop_order_cfm_datetime,
            DateType::Fixed => self.order_fix_datetime,
            DateType::ShippingDate => self.shipping_date().map(JstDate::start),
            DateType::ShippingReported => self.shipping_cmpl_rpt_datetime,
            DateType::PaymentFixed => self.payment_fix_datetime,
        }
    }

    /// getPayment's `paymentStatus` for this order. Which status each stage shows is not
    /// documented (order-api.md §3.5); this mapping is the fake's (inferred).
    pub fn payment_status(&self) -> PaymentStatus {
        if self.is_cancelled() {
            return PaymentStatus::Cancelled;
        }
        if self.review_ng {
            return PaymentStatus::Ng;
        }
        let s = self.settlement;
        if s.is_prepaid() {
            return if self.paid_at.is_some() { PaymentStatus::Settled } else { PaymentStatus::Waiting };
        }
        match self.progress {
            OrderProgress::PaymentProcessed => PaymentStatus::Settled,
            _ if s.is_cash_on_delivery() => PaymentStatus::NoPayment,
            OrderProgress::WaitingForConfirmation | OrderProgress::RakutenProcessing => PaymentStatus::Waiting,
            OrderProgress::PaymentProcessing => PaymentStatus::Requested,
            _ => PaymentStatus::Completed,
        }
    }

    /// 800 or 900: the order is (being) cancelled.
    pub fn is_cancelled(&self) -> bool {
        matches!(self.progress, OrderProgress::Cancelled | OrderProgress::WaitingForCancellation)
    }

    /// Moves to `to` and records it. Every status change goes through here.
    pub fn move_to(&mut self, to: OrderProgress, at: JstDateTime, cause: Cause) {
        let from = Some(self.progress);
        self.progress = to;
        push_exact(&mut self.history, StatusChange { at, from, to, cause });
    }

    /// 注文確認 (confirmOrder or 自動注文確認): 100 → 200, `shopOrderCfmDatetime`, and the
    /// changeType 8 entry whose three datetimes all equal the confirmation time, exactly as in
    /// real captures (order-api.md §5.3).
    pub fn confirm(&mut self, at: JstDateTime, change_id: u64, cause: Cause) {
        self.shop_order_cfm_datetime = Some(at);
        push_exact(
            &mut self.change_reasons,
            ChangeReason {
                change_id,
                change_type: ChangeType::OrderConfirmed,
                change_type_detail: None,
                change_reason: None,
                change_reason_detail: None,
                apply: Some(at),
                fix: Some(at),
                complete: Some(at),
            },
        );
        self.move_to(OrderProgress::RakutenProcessing, at, cause);
    }

    /// Whether the shipping report is complete: every basket has a row with carrier, tracking
    /// number and date (what moves a 300 order to 500).
    pub fn shipping_reported(&self) -> bool {
        !self.packages.is_empty()
            && self.packages.iter().all(|p| {
                p.shipping
                    .iter()
                    .any(|s| s.delivery_company.is_some() && s.shipping_number.is_some() && s.shipping_date.is_some())
            })
    }

    /// Rakuten's processing ended OK: 200 → 300; `orderFixDatetime` = `shippingInstDatetime`
    /// as in every capture.
    pub fn finish_processing(&mut self, at: JstDateTime, cause: Cause) {
        self.order_fix_datetime = Some(at);
        self.shipping_inst_datetime = Some(at);
        self.move_to(OrderProgress::WaitingForShipment, at, cause);
    }

    /// Cancels in one step (→ 900) and records the cancellation in `ChangeReasonModelList`.
    pub fn cancel(&mut self, at: JstDateTime, change_id: u64, reason_detail: ReasonDetail, cause: Cause) {
        push_exact(
            &mut self.change_reasons,
            ChangeReason {
                change_id,
                change_type: ChangeType::CancelCompleted,
                change_type_detail: None,
                change_reason: Some(reason_detail.party()),
                change_reason_detail: Some(reason_detail),
                apply: Some(at),
                fix: Some(at),
                complete: Some(at),
            },
        );
        self.move_to(OrderProgress::Cancelled, at, cause);
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::domain::buyer;
    use crate::domain::rng::Rng;

    pub(crate) fn order_at(t: &str) -> Order {
        let at = JstDateTime::parse_rms(t).unwrap();
        let b = Arc::new(buyer::generate(&mut Rng::new(1), &mut Default::default(), &mut Default::default()));
        Order {
            number: OrderNumber::issue("123456", at.date(), 1).unwrap(),
            progress: OrderProgress::WaitingForConfirmation,
            sub_status: None,
            order_datetime: at,
            shop_order_cfm_datetime: None,
            order_fix_datetime: None,
            shipping_inst_datetime: None,
            shipping_cmpl_rpt_datetime: None,
            payment_fix_datetime: None,
            settlement: SettlementMethod::CARD,
            paid_at: None,
            orderer: b.clone(),
            packages: Box::new([Package {
                basket_id: 9_500_000,
                noshi: None,
                drop_off_location: None,
                sender: b,
                items: Box::new([OrderItem {
                    item_detail_id: 9_500_000,
                    sku: Arc::new(OrderedSku {
                        item_name: "T".into(),
                        item_id: 10_000_001,
                        item_number: "t".into(),
                        manage_number: "t".into(),
                        selected_choice: None,
                        variant_id: "m".into(),
                        merchant_defined_sku_id: None,
                        sku_info: None,
                        tax_rate_permille: 100,
                        tax_included: true,
                        restore_inventory: true,
                    }),
                    price: 1980,
                    units: 2,
                    price_tax_incl: 1980,
                }]),
                shipping: vec![],
                postage_price: 550,
                delivery_price: 0,
                default_delivery_company: "1001".into(),
                social_gift: None,
            }]),
            delivery_name: "宅配便".into(),
            used_point: 10,
            memo: None,
            operator: None,
            mail_plug_sentence: None,
            remarks: None,
            change_reasons: Box::default(),
            due_dates: Box::default(),
            history: Box::default(),
            card_last4: CardDigits(15),
            gift_check: false,
            delivery_date: None,
            shipping_term: None,
            delivery_class: None,
            coupons: Box::default(),
            modified: false,
            review_ng: false,
            caution_detail: None,
            unconfirmed_cancel_at: at.plus_days(14),
            delivery_cert_program: false,
            one_day_operation: false,
            order_type: OrderType::Normal,
            reservation: None,
            caution_display: 0,
            rakuten_confirm: false,
        }
    }

    #[test]
    fn confirm_moves_100_to_200_and_records_change_type_8() {
        let mut o = order_at("2026-11-28T09:00:00+0900");
        let t = JstDateTime::parse_rms("2026-11-28T10:00:00+0900").unwrap();
        o.confirm(t, 7, Cause::Api(OrderOperation::ConfirmOrder));
        assert_eq!(o.progress, OrderProgress::RakutenProcessing);
        assert_eq!(o.shop_order_cfm_datetime, Some(t));
        let cr = &o.change_reasons[0];
        assert_eq!((cr.change_type.code(), cr.apply, cr.fix, cr.complete), (8, Some(t), Some(t), Some(t)));
        assert_eq!(o.history.last().unwrap().cause.as_str(), "confirmOrder");
        assert_eq!(o.history.last().unwrap().from, Some(OrderProgress::WaitingForConfirmation));
    }

    #[test]
    fn processing_sets_fix_and_instruction_datetimes_to_the_same_instant() {
        let mut o = order_at("2026-11-28T09:00:00+0900");
        let t = JstDateTime::parse_rms("2026-11-28T09:30:00+0900").unwrap();
        o.finish_processing(t, Cause::Processing);
        assert_eq!(o.order_fix_datetime, o.shipping_inst_datetime);
        assert_eq!(o.progress.code(), 300);
    }

    #[test]
    fn amounts_add_up() {
        let o = order_at("2026-11-28T09:00:00+0900");
        assert_eq!(o.goods_price(), 3960);
        assert_eq!(o.total_price(), 4510);
        assert_eq!(o.request_price(), 4500);
    }

    #[test]
    fn tax_exclusive_lines_count_with_their_tax_in_totals_but_not_in_goods() {
        let mut o = order_at("2026-11-28T09:00:00+0900");
        let line = &mut o.packages[0].items[0];
        Arc::make_mut(&mut line.sku).tax_included = false;
        line.units = 1;
        line.reprice(1500, TaxRounding::Floor);
        o.packages[0].postage_price = 500;
        o.used_point = 0;
        assert_eq!(o.packages[0].items[0].price_tax_incl, 1650);
        assert_eq!((o.goods_price(), o.goods_tax(), o.total_price(), o.request_price()), (1500, 150, 2150, 2150));
        assert_eq!((o.packages[0].goods_price(), o.packages[0].total_price()), (1500, 2150));
        o.packages[0].postage_price = UNDETERMINED;
        assert_eq!((o.total_price(), o.packages[0].total_price(), o.goods_price()), (UNDETERMINED, UNDETERMINED, 1500));
    }

    #[test]
    fn date_types_map_to_the_right_fields() {
        let mut o = order_at("2026-11-28T09:00:00+0900");
        assert_eq!(o.date_for(DateType::Ordered), Some(o.order_datetime));
        assert_eq!(o.date_for(DateType::Confirmed), None);
        let t = o.order_datetime.plus_minutes(5);
        o.confirm(t, 1, Cause::AutoConfirm);
        assert_eq!(o.date_for(DateType::Confirmed), Some(t));
    }

    #[test]
    fn payment_status_follows_the_order_through_its_stages() {
        let mut o = order_at("2026-11-28T09:00:00+0900");
        assert_eq!(o.payment_status(), PaymentStatus::Waiting);
        o.settlement = SettlementMethod::from_code(12).unwrap();
        assert_eq!(o.payment_status().code(), 30100);
        o.progress = OrderProgress::WaitingForShipment;
        assert_eq!(o.payment_status(), PaymentStatus::Completed);
        o.progress = OrderProgress::PaymentProcessing;
        assert_eq!(o.payment_status(), PaymentStatus::Requested);
        o.progress = OrderProgress::PaymentProcessed;
        assert_eq!(o.payment_status().code(), 30600);
        o.settlement = SettlementMethod::COD;
        o.progress = OrderProgress::WaitingForShipment;
        assert_eq!(o.payment_status().code(), 30000);
        o.settlement = SettlementMethod::from_code(9).unwrap();
        assert_eq!(o.payment_status(), PaymentStatus::Waiting);
        o.paid_at = Some(o.order_datetime);
        assert_eq!(o.payment_status(), PaymentStatus::Settled);
        o.review_ng = true;
        assert_eq!(o.payment_status().code(), 30400);
        o.progress = OrderProgress::Cancelled;
        assert_eq!(o.payment_status().code(), 31100);
    }
}
