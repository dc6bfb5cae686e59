//! What getOrder shows of an order where RMS applies a rule rather than copying a field: an
//! ordered line before and after SKU migration, the tax summary, and the cancel due date.
//! `api/order/model.rs` renders these; the rules live here.

use super::order::{Order, OrderItem, UNDETERMINED};
use super::tax::STANDARD_RATE_PERMILLE;
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
        let has_options = self.sku.sku_info.is_some();
        LineView {
            item_number: if !sku_migrated && has_options {
                format!("{}{}", self.sku.item_number, self.sku.variant_id)
            } else {
                self.sku.item_number.to_string()
            },
            selected_choice: if sku_migrated { None } else { self.sku.selected_choice.as_deref() },
            sku: sku_migrated.then(|| SkuView {
                variant_id: &self.sku.variant_id,
                merchant_defined_sku_id: self.sku.merchant_defined_sku_id.as_deref(),
                sku_info: self.sku.sku_info.as_deref(),
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

    /// `TaxSummaryModelList`: one entry per tax rate among the lines, plus the standard 10 %
    /// when there is postage or a COD fee (both taxed at 10 %, `postageTaxRate` and
    /// `deliveryTaxRate`); the highest rate first. Lines count with their tax
    /// (priceTaxIncl × units). Points are not subtracted (the rule since 2022-04, order-api.md
    /// §8.4), so an order paid fully with points still shows its whole amount. Which rates get
    /// an entry, their order, and how coupons are split between rates are inferred: coupons go
    /// to each rate in proportion to its goods (rounded down), the rest to the first entry, so
    /// the entries always add up to the order's amounts.
    pub fn tax_summary(&self) -> Vec<TaxSummary> {
        let standard = STANDARD_RATE_PERMILLE;
        // (rate, goods at that rate), highest rate first.
        let mut goods: Vec<(i64, i64)> = Vec::new();
        for line in self.items() {
            match goods.iter_mut().find(|(r, _)| *r == line.sku.tax_rate_permille) {
                Some((_, g)) => *g = g.saturating_add(line.amount_tax_incl()),
                None => goods.push((line.sku.tax_rate_permille, line.amount_tax_incl())),
            }
        }
        let undetermined = self.amounts_undetermined();
        let has_fees = undetermined || self.postage_price() != 0 || self.delivery_price() != 0;
        if (has_fees || goods.is_empty()) && !goods.iter().any(|(r, _)| *r == standard) {
            goods.push((standard, 0));
        }
        goods.sort_by_key(|(rate, _)| std::cmp::Reverse(*rate));
        let coupons = self.coupon_total();
        let all_goods = goods.iter().map(|(_, g)| *g).fold(0, i64::saturating_add);
        let share = |g: i64| -> i64 {
            if all_goods <= 0 {
                return 0;
            }
            i64::try_from(i128::from(coupons) * i128::from(g) / i128::from(all_goods)).unwrap_or(0)
        };
        let rest = coupons.saturating_sub(goods.iter().skip(1).map(|(_, g)| share(*g)).fold(0, i64::saturating_add));
        goods
            .iter()
            .enumerate()
            .map(|(n, &(rate, g))| {
                let coupon_price = if n == 0 { rest } else { share(g) };
                let (total_price, req_price) = match (rate == standard, undetermined) {
                    (true, true) => (UNDETERMINED, UNDETERMINED),
                    (true, false) => {
                        let total = g.saturating_add(self.postage_price());
                        (total, total.saturating_sub(coupon_price).saturating_add(self.delivery_price()))
                    }
                    (false, _) => (g, g.saturating_sub(coupon_price)),
                };
                TaxSummary {
                    rate_permille: rate,
                    req_price,
                    req_price_tax: included_tax(req_price, rate),
                    total_price,
                    coupon_price,
                }
            })
            .collect()
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

    /// The order of `order_at` with a second line: `price` tax-exclusive at `permille`.
    fn with_tax_exclusive_line(price: i64, permille: i64) -> crate::domain::order::Order {
        let mut o = order_at("2026-11-28T09:00:00+0900");
        let mut line = o.packages[0].items[0].clone();
        let sku = std::sync::Arc::make_mut(&mut line.sku);
        (sku.tax_included, sku.tax_rate_permille, line.units) = (false, permille, 1);
        line.reprice(price, crate::domain::tax::TaxRounding::Floor);
        let mut items = o.packages[0].items.to_vec();
        items.push(line);
        o.packages[0].items = items.into();
        o
    }

    #[test]
    fn a_single_rate_order_has_one_entry_with_the_whole_amount() {
        let o = order_at("2026-11-28T09:00:00+0900");
        let t = o.tax_summary();
        assert_eq!(t.len(), 1);
        assert_eq!((t[0].rate_permille, t[0].total_price, t[0].req_price, t[0].req_price_tax), (100, 4510, 4510, 410));
    }

    #[test]
    fn each_rate_gets_its_entry_and_the_entries_add_up_to_the_order() {
        let mut o = with_tax_exclusive_line(1500, 80);
        crate::domain::order::push_exact(
            &mut o.coupons,
            crate::domain::order::Coupon {
                code: "C".into(),
                name: "c".into(),
                summary: "s".into(),
                capital_code: 1,
                expiry: o.order_datetime.date(),
                price: 999,
                unit: 1,
            },
        );
        o.packages[0].delivery_price = 330;
        let t = o.tax_summary();
        assert_eq!(t.iter().map(|e| e.rate_permille).collect::<Vec<_>>(), vec![100, 80], "highest rate first");
        // 10 %: 2 × 1980 + postage 550; 8 %: 1620.
        assert_eq!((t[0].total_price, t[1].total_price), (4510, 1620));
        // 999 in proportion to the goods 3960 : 1620 → 290 at 8 % (290.03 rounded down), the
        // rest at 10 %.
        assert_eq!((t[0].coupon_price, t[1].coupon_price), (709, 290));
        assert_eq!(t[1].req_price, 1620 - 290);
        assert_eq!(t[0].req_price, 4510 - 709 + 330, "the COD fee is taxed at 10 %");
        assert_eq!(t.iter().map(|e| e.total_price).sum::<i64>(), o.total_price());
        assert_eq!(t.iter().map(|e| e.coupon_price).sum::<i64>(), o.coupon_total());
        assert_eq!(t.iter().map(|e| e.req_price).sum::<i64>(), o.amount_before_points());
    }

    #[test]
    fn an_order_of_only_reduced_rate_goods_without_fees_has_no_10_percent_entry() {
        let mut o = with_tax_exclusive_line(1000, 80);
        o.packages[0].items = o.packages[0].items[1..].into();
        o.packages[0].postage_price = 0;
        let t = o.tax_summary();
        assert_eq!(t.len(), 1);
        assert_eq!((t[0].rate_permille, t[0].total_price, t[0].req_price_tax), (80, 1080, 80));
        o.packages[0].postage_price = 500;
        assert_eq!(o.tax_summary().iter().map(|e| e.rate_permille).collect::<Vec<_>>(), vec![100, 80]);
    }

    #[test]
    fn undetermined_postage_leaves_only_the_10_percent_entry_undetermined() {
        let mut o = with_tax_exclusive_line(1000, 80);
        o.packages[0].postage_price = crate::domain::order::UNDETERMINED;
        let t = o.tax_summary();
        assert_eq!((t[0].total_price, t[0].req_price, t[0].req_price_tax), (-9999, -9999, -908));
        assert_eq!((t[1].total_price, t[1].req_price), (1080, 1080));
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
        let sku = std::sync::Arc::make_mut(&mut line.sku);
        sku.sku_info = Some("サイズ:M".into());
        sku.selected_choice = sku.sku_info.clone();
        let before = line.view(false);
        assert_eq!((before.item_number.as_str(), before.selected_choice, before.sku), ("tm", Some("サイズ:M"), None));
        assert_eq!(before.inventory_type, 2);
        let after = line.view(true);
        assert_eq!((after.item_number.as_str(), after.selected_choice), ("t", None));
        assert_eq!(after.sku.map(|s| s.variant_id), Some("m"));
    }
}
