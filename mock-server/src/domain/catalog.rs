//! The shop's catalog as orders need it: items, their variants (SKUs) and stock.

/// One SKU of an item (RMS `variants.<variantId>`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variant {
    pub variant_id: String,
    pub merchant_defined_sku_id: Option<String>,
    /// Tax-included price in yen.
    pub price: i64,
    /// Stock on hand (在庫数), never negative.
    pub quantity: i64,
    /// Selector values in display order, e.g. [("サイズ","M"),("カラー","ブラック")].
    pub selector_values: Vec<(String, String)>,
}

impl Variant {
    /// `skuInfo` as getOrder shows it: `"サイズ:M\nカラー:ブラック"`; None without selectors.
    pub fn sku_info(&self) -> Option<String> {
        if self.selector_values.is_empty() {
            return None;
        }
        Some(
            self.selector_values
                .iter()
                .map(|(k, v)| format!("{k}:{v}"))
                .collect::<Vec<_>>()
                .join("\n"),
        )
    }
}

/// One item (商品), keyed by its manageNumber (商品管理番号).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub manage_number: String,
    pub item_number: String,
    /// Rakuten's internal numeric id (`itemId` in orders).
    pub item_id: u64,
    pub title: String,
    pub variants: Vec<Variant>,
}

#[derive(Clone, Debug, Default)]
pub struct Catalog {
    items: Vec<Item>,
}

impl Catalog {
    pub fn new(items: Vec<Item>) -> Self {
        Catalog { items }
    }

    pub fn items(&self) -> &[Item] {
        &self.items
    }

    pub fn item(&self, manage_number: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.manage_number == manage_number)
    }

    pub fn variant(&self, manage_number: &str, variant_id: &str) -> Option<(&Item, &Variant)> {
        let item = self.item(manage_number)?;
        item.variants
            .iter()
            .find(|v| v.variant_id == variant_id)
            .map(|v| (item, v))
    }

    fn variant_mut(&mut self, manage_number: &str, variant_id: &str) -> Option<&mut Variant> {
        self.items
            .iter_mut()
            .find(|i| i.manage_number == manage_number)?
            .variants
            .iter_mut()
            .find(|v| v.variant_id == variant_id)
    }

    /// Takes `units` out of stock; false (and no change) when there is not enough.
    pub fn reserve(&mut self, manage_number: &str, variant_id: &str, units: i64) -> bool {
        match self.variant_mut(manage_number, variant_id) {
            Some(v) if v.quantity >= units => {
                v.quantity -= units;
                true
            }
            _ => false,
        }
    }

    /// Puts `units` back (cancellations). Unknown SKUs (deleted since) are ignored.
    pub fn restore(&mut self, manage_number: &str, variant_id: &str, units: i64) {
        if let Some(v) = self.variant_mut(manage_number, variant_id) {
            v.quantity = (v.quantity + units).min(99_999);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Catalog {
        Catalog::new(vec![Item {
            manage_number: "t".into(),
            item_number: "t".into(),
            item_id: 1,
            title: "T".into(),
            variants: vec![Variant {
                variant_id: "m".into(),
                merchant_defined_sku_id: None,
                price: 100,
                quantity: 2,
                selector_values: vec![
                    ("サイズ".into(), "M".into()),
                    ("カラー".into(), "黒".into()),
                ],
            }],
        }])
    }

    #[test]
    fn reserve_never_goes_below_zero() {
        let mut c = catalog();
        assert!(c.reserve("t", "m", 2));
        assert!(!c.reserve("t", "m", 1));
        assert_eq!(c.variant("t", "m").unwrap().1.quantity, 0);
        c.restore("t", "m", 1);
        assert_eq!(c.variant("t", "m").unwrap().1.quantity, 1);
    }

    #[test]
    fn sku_info_joins_selectors_in_order() {
        let c = catalog();
        assert_eq!(
            c.variant("t", "m").unwrap().1.sku_info().as_deref(),
            Some("サイズ:M\nカラー:黒")
        );
    }
}
