//! items.inventory-related-settings (item-api.md §9): the slice of an item that stock
//! integrations read and write, and the rule for merging an update into the item.

use super::model::{InventoryDisplay, ItemData, OrderedMap};
use serde::Serialize;

/// What items.inventory-related-settings.get shows of an item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InventorySettings {
    pub unlimited_inventory_flag: bool,
    pub features: StockFeatures,
    pub variants: OrderedMap<VariantStockSettings>,
}

/// The stock display part of `features`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StockFeatures {
    pub inventory_display: InventoryDisplay,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub low_stock_threshold: Option<i64>,
}

/// The stock-related fields of one SKU; on update, `None` keeps the stored value.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VariantStockSettings {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restock_on_cancel: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub back_order_flag: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub back_order_delivery_date_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub normal_delivery_date_id: Option<i64>,
}

/// The features part of an update. When it is sent, a `lowStockThreshold` left out is
/// removed (the display is set as a whole).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StockFeaturesUpdate {
    pub inventory_display: Option<InventoryDisplay>,
    pub low_stock_threshold: Option<i64>,
}

/// items.inventory-related-settings.update, typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InventorySettingsUpdate {
    pub unlimited_inventory_flag: Option<bool>,
    pub features: Option<StockFeaturesUpdate>,
    /// 1..=400 SKUs, each of which must exist.
    pub variants: OrderedMap<VariantStockSettings>,
}

/// An update named a SKU the item does not have.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownVariant(pub String);

impl ItemData {
    /// The inventory-related settings of this item.
    pub fn inventory_settings(&self) -> InventorySettings {
        let f = self.features.as_ref();
        let variants = self
            .variants
            .iter()
            .flat_map(|m| m.iter())
            .map(|(id, v)| {
                let s = VariantStockSettings {
                    restock_on_cancel: v.restock_on_cancel,
                    back_order_flag: v.back_order_flag,
                    back_order_delivery_date_id: v.back_order_delivery_date_id,
                    normal_delivery_date_id: v.normal_delivery_date_id,
                };
                (id.clone(), s)
            })
            .collect();
        InventorySettings {
            unlimited_inventory_flag: self.unlimited_inventory_flag.unwrap_or(false),
            features: StockFeatures {
                inventory_display: f.and_then(|f| f.inventory_display).unwrap_or(InventoryDisplay::HiddenStock),
                low_stock_threshold: f.and_then(|f| f.low_stock_threshold),
            },
            variants: OrderedMap(variants),
        }
    }

    /// This item with `update` merged in; the result still has to pass
    /// [`ItemData::check`]. Refused when the update names a SKU the item does not have.
    pub fn with_inventory_settings(&self, update: &InventorySettingsUpdate) -> Result<ItemData, UnknownVariant> {
        let mut item = self.clone();
        let variants = item.variants.get_or_insert_with(OrderedMap::default);
        for (id, s) in update.variants.iter() {
            let Some(v) = variants.get_mut(id) else {
                return Err(UnknownVariant(id.clone()));
            };
            v.restock_on_cancel = s.restock_on_cancel.or(v.restock_on_cancel);
            v.back_order_flag = s.back_order_flag.or(v.back_order_flag);
            v.back_order_delivery_date_id = s.back_order_delivery_date_id.or(v.back_order_delivery_date_id);
            v.normal_delivery_date_id = s.normal_delivery_date_id.or(v.normal_delivery_date_id);
        }
        if let Some(u) = update.unlimited_inventory_flag {
            item.unlimited_inventory_flag = Some(u);
        }
        if let Some(f) = &update.features {
            let features = item.features.get_or_insert_with(Default::default);
            if f.inventory_display.is_some() {
                features.inventory_display = f.inventory_display;
            }
            features.low_stock_threshold = f.low_stock_threshold;
        }
        Ok(item)
    }
}
