//! Item API 2.0 items (商品API 2.0): the typed model ([`model`]), the rules of upsert and
//! patch ([`rules`]), the inventory-related settings ([`settings`]), and the stored item
//! with the views the rest of the fake reads (price, SKUs, `skuInfo`).
//!
//! The domain speaks rules: a broken rule is an [`ItemViolation`] with the field's path. The
//! RMS codes, texts and statuses they become are in `api/item/`.

pub mod charset;
pub mod genre;
pub mod jan;
pub mod model;
pub mod rules;
pub mod settings;

pub use genre::{AttributeGaps, GenreRules};
pub use model::{ItemData, ItemType, OrderedMap, Variant};
pub use rules::{first_violation, manage_number, variant_id, CheckedItem, ItemViolation, ViolationKind, MAX_VARIANTS};

use super::stamp::Stamp;
use super::time::JstDateTime;

/// Why an item operation was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ItemRefusal {
    /// No item with this manageNumber.
    NotFound,
    /// No SKU with this variantId on the item.
    VariantNotFound(String),
    /// The result breaks item rules.
    Violations(Vec<ItemViolation>),
    /// A patch would add or remove SKUs (a patch changes existing SKUs only; adding or
    /// removing one takes an upsert).
    VariantsChanged {
        /// variantIds the patch adds.
        added: Vec<String>,
        /// variantIds the patch removes.
        removed: Vec<String>,
    },
}

/// A stored item: checked data plus what the catalog adds.
#[derive(Clone, Debug)]
pub struct Item {
    /// Lower case.
    pub manage_number: String,
    /// Rakuten's internal number (`itemId` in orders).
    pub item_id: u64,
    data: ItemData,
    pub created: JstDateTime,
    pub updated: JstDateTime,
    /// Renewed with `data` (the only private part, changed only by `new` and `replace`).
    stamp: Stamp,
}

/// Items are equal by what they hold; the stamp says which version of it this is, not what.
impl PartialEq for Item {
    fn eq(&self, other: &Self) -> bool {
        (&self.manage_number, self.item_id, &self.data, self.created, self.updated)
            == (&other.manage_number, other.item_id, &other.data, other.created, other.updated)
    }
}

/// One SKU of an item, as orders and the control plane see it.
#[derive(Clone, Debug, PartialEq)]
pub struct VariantView {
    pub variant_id: String,
    pub merchant_defined_sku_id: Option<String>,
    /// (displayName, displayValue) in selector order.
    pub selector_values: Vec<(String, String)>,
    pub standard_price: Option<i64>,
    pub hidden: bool,
    pub restock_on_cancel: bool,
}

impl VariantView {
    /// `skuInfo` as getOrder shows it: `"サイズ:M\nカラー:ブラック"`; None without selectors.
    pub fn sku_info(&self) -> Option<String> {
        if self.selector_values.is_empty() {
            return None;
        }
        Some(self.selector_values.iter().map(|(k, v)| format!("{k}:{v}")).collect::<Vec<_>>().join("\n"))
    }
}

impl Item {
    /// A new item, created at `now`.
    pub fn new(manage_number: &str, item_id: u64, checked: CheckedItem, now: JstDateTime) -> Item {
        Item {
            manage_number: manage_number.to_string(),
            item_id,
            data: checked.into_data(),
            created: now,
            updated: now,
            stamp: Stamp::next(),
        }
    }

    /// The item as a state document keeps it.
    pub fn to_state(&self) -> ItemState {
        ItemState {
            manage_number: self.manage_number.clone(),
            item_id: self.item_id,
            created: self.created,
            updated: self.updated,
            data: self.data.clone(),
        }
    }

    /// The item of a state document (a new version: a new stamp).
    pub fn from_state(state: ItemState) -> Item {
        Item {
            manage_number: state.manage_number,
            item_id: state.item_id,
            data: state.data,
            created: state.created,
            updated: state.updated,
            stamp: Stamp::next(),
        }
    }

    /// Replaces the item's data (an upsert or patch) at `now`.
    pub fn replace(&mut self, checked: CheckedItem, now: JstDateTime) {
        self.data = checked.into_data();
        self.updated = now;
        self.stamp = Stamp::next();
    }

    /// Which version of the item's data this is ([`Stamp`]): a copy kept for a lagging read
    /// keeps the stamp of the data it holds.
    pub fn stamp(&self) -> Stamp {
        self.stamp
    }

    /// The checked data, as items.get shows it.
    pub fn data(&self) -> &ItemData {
        &self.data
    }

    pub fn title(&self) -> &str {
        self.data.title.as_deref().unwrap_or("")
    }

    /// `itemNumber`, or the manageNumber when the item has none (as order lines show it).
    pub fn item_number(&self) -> &str {
        self.data.item_number.as_deref().unwrap_or(&self.manage_number)
    }

    /// A text field by its wire name (`title`, `tagline`, `itemNumber`, `itemType`,
    /// `genreId`), for views that show it as text (the control plane's catalog); rules read
    /// the typed fields of [`Item::data`].
    pub fn str_field(&self, key: &str) -> Option<&str> {
        let d = &self.data;
        match key {
            "title" => d.title.as_deref(),
            "tagline" => d.tagline.as_deref(),
            "itemNumber" => d.item_number.as_deref(),
            "genreId" => d.genre_id.as_deref(),
            "itemType" => d.item_type.map(|t| match t {
                ItemType::Normal => "NORMAL",
                ItemType::PreOrder => "PRE_ORDER",
                ItemType::BuyingClub => "BUYING_CLUB",
            }),
            _ => None,
        }
    }

    /// An item flag by its wire name (`hideItem`, `unlimitedInventoryFlag`); false when unset.
    pub fn flag(&self, key: &str) -> bool {
        match key {
            "hideItem" => self.data.hide_item,
            "unlimitedInventoryFlag" => self.data.unlimited_inventory_flag,
            _ => None,
        }
        .unwrap_or(false)
    }

    fn raw_variants(&self) -> impl Iterator<Item = (&String, &Variant)> {
        self.data.variants.iter().flat_map(|m| m.iter())
    }

    /// The variantIds, in the item's order.
    pub fn variant_ids(&self) -> Vec<String> {
        self.raw_variants().map(|(id, _)| id.clone()).collect()
    }

    /// True when the item has this variantId.
    pub fn has_variant(&self, id: &str) -> bool {
        self.data.variants.as_ref().is_some_and(|v| v.contains_key(id))
    }

    /// One SKU, or None when the item has no such variantId.
    pub fn variant(&self, id: &str) -> Option<VariantView> {
        let v = self.data.variants.as_ref()?.get(id)?;
        Some(self.view(id, v))
    }

    /// Every SKU, in the item's order.
    pub fn variants(&self) -> Vec<VariantView> {
        self.raw_variants().map(|(id, v)| self.view(id, v)).collect()
    }

    fn view(&self, id: &str, v: &Variant) -> VariantView {
        let selectors = self.data.variant_selectors.iter().flatten().filter_map(|s| {
            let key = s.key.as_deref()?;
            Some((key, s.display_name.as_deref().unwrap_or(key)))
        });
        let sv = v.selector_values.as_ref();
        let selector_values = selectors.filter_map(|(k, name)| Some((name.to_string(), sv?.get(k)?.clone()))).collect();
        VariantView {
            variant_id: id.to_string(),
            merchant_defined_sku_id: v.merchant_defined_sku_id.clone(),
            selector_values,
            standard_price: v.standard_price.as_deref().and_then(|p| p.trim().parse().ok()),
            hidden: v.hidden.unwrap_or(false),
            restock_on_cancel: v.restock_on_cancel.unwrap_or(false),
        }
    }
}

/// An item as `items.get` shows it, with what the catalog adds.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemState {
    /// Lower case; the item's key.
    pub manage_number: String,
    /// Rakuten's internal number.
    pub item_id: u64,
    /// When it was created.
    pub created: JstDateTime,
    /// When it last changed.
    pub updated: JstDateTime,
    /// The item's data, keys as the Item API writes them.
    pub data: ItemData,
}

#[cfg(test)]
mod tests;
