//! What getOrder shows of an order where RMS applies a rule rather than copying a field: an
//! ordered line before and after SKU migration, the tax summary, and the cancel due date.
//! `api/order/model.rs` renders these; the rules live here.

use super::order::{Order, OrderItem};
use super::time::JstDate;
use crate::settings::{CancelDueDates, CancelDueRule};

/// An ordered line as getOrder shows it, which depends on the shop's SKU migration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineView<'a> {
    /// `itemNumber`: before migration the option ids are appended.
    pub item_number: String,
    /// `selectedChoice`: the option text before migration, none after.
    pub selected_choice: Option<&'a str>,
    /// The `SkuModelList` entry after migration; none before.
    pub sku: Option<SkuView<'a>>,
    /// `inventoryType`: 1 通常在庫, 2 項目選択肢別在庫 (an item with options).
    pub inventory_type: u8,
}

/// One `SkuModel` of an ordered line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SkuView<'a> {
    /// `variantId`
    pub variant_id: &'a str,
    /// `merchantDefinedSkuId`
    pub merchant_defined_sku_id: Option<&'a str>,
    /// `skuInfo`
    pub sku_info: Option<&'a str>,
}

impl OrderItem {
    /// How RMS shows this line. Before SKU migration (未移行) the variation is option text in
    /// `selectedChoice`, its id is appended to `itemNumber` and there is no SKU; after it,
    /// the SKU is shown and `selectedChoice` is empty (sku-migration.md §5, §7).
    pub fn view(&self, sku_migrated: bool) -> LineView<'_> {
        let has_options = self.sku_info.is_some();
        LineView {
            item_number: if !sku_migrated && has_options {
                format!("{}{}", self.item_number, self.variant_id)
            } else {
                self.item_number.clone()
            },
            selected_choice: if sku_migrated { None } else { self.selected_choice.as_deref() },
            sku: sku_migrated.then(|| SkuView {
                variant_id: &self.variant_id,
                merchant_defined_sku_id: self.merchant_defined_sku_id.as_deref(),
                sku_info: self.sku_info.as_deref(),
            }),
            inventory_type: if has_options { 2 } else { 1 },
        }
    }
}

/// One `TaxSummaryModel`: what the buyer pays at one tax rate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TaxSummary {
    /// Tax rate in per-mille (100 = 10%).
    pub rate_permille: i64,
    /// `reqPrice`: the amount requested at this rate, points not subtracted.
    pub req_price: i64,
    /// `reqPriceTax`: the tax included in `reqPrice`.
    pub req_price_tax: i64,
    /// `totalPrice`
    pub total_price: i64,
    /// `couponPrice`
    pub coupon_price: i64,
}

/// Tax included in a tax-inclusive amount, rounded half up (the M-pi sample: 8235 at 10 % →
/// 749).
pub fn included_tax(amount: i64, permille: i64) -> i64 {
    let num = amount.saturating_mul(permille);
    let den = 1000 + permille;
    if den <= 0 {
        return 0;
    }
    num.saturating_mul(2).saturating_add(den) / (2 * den)
}

impl Order {
    /// `cancelDueDate` (キャンセル期限日) under the shop's per-status `rules`: in 100 the day
    /// the clock auto-cancels the order (order-api.md §0: ordered `2024-06-24T13:40:33` →
    /// `2024-07-08`), in 300 the order date a year later, in 500 none; the other statuses are
    /// the shop's choice (see [`CancelDueDates`]).
    pub fn cancel_due_date(&self, rules: &CancelDueDates) -> Option<JstDate> {
        match rules.rule(self.progress) {
            CancelDueRule::AutoCancelDay => Some(self.unconfirmed_cancel_at.date()),
            CancelDueRule::OneYear => Some(self.order_datetime.date().plus_years(1)),
            CancelDueRule::NoDate => None,
        }
    }

    /// `TaxSummaryModelList`: one entry per rate; every item the fake sells is 10 %. Points
    /// are not subtracted (the rule since 2022-04, order-api.md §8.4).
    pub fn tax_summary(&self) -> Vec<TaxSummary> {
        let req = self.amount_before_points();
        vec![TaxSummary {
            rate_permille: 100,
            req_price: req,
            req_price_tax: included_tax(req, 100),
            total_price: self.total_price(),
            coupon_price: self.coupon_total(),
        }]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::order::tests::order_at;

    #[test]
    fn included_tax_rounds_like_the_manual_sample() {
        assert_eq!(included_tax(8235, 100), 749);
        assert_eq!(included_tax(1100, 100), 100);
        assert_eq!(included_tax(1080, 80), 80);
        assert_eq!(included_tax(-9999, 100), -908, "as before: truncated toward zero");
    }

    #[test]
    fn cancel_due_date_follows_the_status_as_the_real_samples_show() {
        use crate::domain::order::OrderProgress;
        use crate::domain::time::JstDateTime;
        let mut o = order_at("2024-06-24T13:40:33+0900");
        o.unconfirmed_cancel_at = o.order_datetime.plus_days(14);
        let rules = CancelDueDates::default();
        let due = |o: &Order| o.cancel_due_date(&rules).map(JstDate::to_wire);
        assert_eq!(due(&o).as_deref(), Some("2024-07-08"), "100: the auto-cancel day");
        o.progress = OrderProgress::WaitingForShipment;
        assert_eq!(due(&o).as_deref(), Some("2025-06-24"), "300: a year after ordering");
        o.progress = OrderProgress::Shipped;
        assert_eq!(due(&o), None, "500: none");
        o.progress = OrderProgress::WaitingForConfirmation;
        o.unconfirmed_cancel_at = JstDateTime::parse_rms("2024-07-01T13:40:33+0900").unwrap();
        assert_eq!(due(&o).as_deref(), Some("2024-07-01"), "whatever day the clock cancels on");
    }

    #[test]
    fn an_unmigrated_shop_shows_options_as_text_and_no_sku() {
        let o = order_at("2026-11-28T09:00:00+0900");
        let mut line = o.packages[0].items[0].clone();
        line.sku_info = Some("サイズ:M".into());
        line.selected_choice = line.sku_info.clone();
        let before = line.view(false);
        assert_eq!((before.item_number.as_str(), before.selected_choice, before.sku), ("tm", Some("サイズ:M"), None));
        assert_eq!(before.inventory_type, 2);
        let after = line.view(true);
        assert_eq!((after.item_number.as_str(), after.selected_choice), ("t", None));
        assert_eq!(after.sku.map(|s| s.variant_id), Some("m"));
    }
}
