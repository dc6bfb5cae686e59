//! Consumption tax (消費税) on ordered lines: what an item's Item API `payment` makes of a
//! line (tax-inclusive or tax-exclusive, at which rate) and how a tax-exclusive price becomes
//! its tax-inclusive `priceTaxIncl` (order-api.md §0: `priceTaxIncl` = price × (1 + taxRate)
//! "rounded"; the rounding itself is not documented, so it is a shop setting).

use super::item::model::{Payment, TaxRate};
use serde::{Deserialize, Serialize};

/// The standard rate in per-mille (10 %), which postage, the COD fee and items whose
/// `payment.taxRate` is null ("the shop's setting") are taxed at.
pub const STANDARD_RATE_PERMILLE: i64 = 100;

/// How a tax-exclusive price is rounded to whole yen (RMS 消費税計算方法: the shop chooses
/// 切り捨て / 四捨五入 / 切り上げ; which one a shop has is its own business, and none is
/// documented for the API, so the fake's default is inferred).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaxRounding {
    /// 切り捨て (down), the fake's default (inferred).
    #[default]
    Floor,
    /// 四捨五入 (half up).
    HalfUp,
    /// 切り上げ (up).
    Ceil,
}

impl TaxRounding {
    /// `numerator / denominator` in whole yen (the denominator is positive), rounded this way.
    fn divide(self, numerator: i64, denominator: i64) -> i64 {
        let floor = numerator.div_euclid(denominator);
        let rest = numerator.rem_euclid(denominator);
        match self {
            TaxRounding::Floor => floor,
            TaxRounding::Ceil if rest > 0 => floor + 1,
            TaxRounding::HalfUp if rest.saturating_mul(2) >= denominator => floor + 1,
            _ => floor,
        }
    }
}

/// How an item's price is taxed when it is ordered (`includeTaxFlag`, `taxRate`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineTax {
    /// The price includes the tax (`includeTaxFlag` 1, Item API `payment.taxIncluded`).
    pub included: bool,
    /// The rate in per-mille (100 = 10 %).
    pub rate_permille: i64,
}

impl LineTax {
    /// What an item's checked `payment` makes of its lines. `taxIncluded` defaults to true
    /// (item-api.md §6); a null `taxRate` is the shop's setting, which the fake takes to be
    /// the standard 10 % (inferred: no shop-wide rate is modelled).
    pub fn of(payment: Option<&Payment>) -> LineTax {
        let included = payment.and_then(|p| p.tax_included).unwrap_or(true);
        let rate_permille = match payment.and_then(|p| p.tax_rate) {
            Some(TaxRate::Zero) => 0,
            Some(TaxRate::Reduced) => 80,
            Some(TaxRate::Standard | TaxRate::ShopSetting) | None => STANDARD_RATE_PERMILLE,
        };
        LineTax { included, rate_permille }
    }

    /// `priceTaxIncl` of a unit `price`: the price itself when it includes the tax, else
    /// price × (1 + rate) rounded the shop's way (sample: 1500 at 10 % → 1650).
    pub fn price_tax_incl(self, price: i64, rounding: TaxRounding) -> i64 {
        if self.included {
            return price;
        }
        rounding.divide(price.saturating_mul(1000 + self.rate_permille), 1000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn excluded(rate_permille: i64) -> LineTax {
        LineTax { included: false, rate_permille }
    }

    /// What every item is unless its `payment` says otherwise.
    const STANDARD_INCLUDED: LineTax = LineTax { included: true, rate_permille: STANDARD_RATE_PERMILLE };

    #[test]
    fn a_tax_exclusive_price_gets_its_tax_as_in_the_sample() {
        assert_eq!(excluded(100).price_tax_incl(1500, TaxRounding::Floor), 1650);
        assert_eq!(excluded(80).price_tax_incl(1500, TaxRounding::Floor), 1620);
        assert_eq!(excluded(0).price_tax_incl(1500, TaxRounding::Ceil), 1500);
        assert_eq!(STANDARD_INCLUDED.price_tax_incl(1980, TaxRounding::Ceil), 1980);
    }

    #[test]
    fn fractions_of_a_yen_are_rounded_the_shops_way() {
        // 1234 × 1.1 = 1357.4; 1235 × 1.1 = 1358.5; 999 × 1.08 = 1078.92.
        assert_eq!(excluded(100).price_tax_incl(1234, TaxRounding::Floor), 1357);
        assert_eq!(excluded(100).price_tax_incl(1234, TaxRounding::HalfUp), 1357);
        assert_eq!(excluded(100).price_tax_incl(1234, TaxRounding::Ceil), 1358);
        assert_eq!(excluded(100).price_tax_incl(1235, TaxRounding::Floor), 1358);
        assert_eq!(excluded(100).price_tax_incl(1235, TaxRounding::HalfUp), 1359);
        assert_eq!(excluded(80).price_tax_incl(999, TaxRounding::Floor), 1078);
        assert_eq!(excluded(80).price_tax_incl(999, TaxRounding::HalfUp), 1079);
    }

    #[test]
    fn an_items_payment_decides_its_lines_tax() {
        assert_eq!(LineTax::of(None), STANDARD_INCLUDED);
        let p =
            |included, rate| Payment { tax_included: included, tax_rate: rate, cash_on_delivery_fee_included: None };
        assert_eq!(LineTax::of(Some(&p(Some(false), Some(TaxRate::Reduced)))), excluded(80));
        assert_eq!(LineTax::of(Some(&p(Some(false), Some(TaxRate::ShopSetting)))), excluded(100));
        assert_eq!(LineTax::of(Some(&p(None, Some(TaxRate::Zero)))), LineTax { included: true, rate_permille: 0 });
    }
}
