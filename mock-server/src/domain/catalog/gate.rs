//! Which Item/Inventory functions a shop may call, by its settings: before SKU migration
//! (SKUプロジェクト未移行) only some reads work (sku-migration.md §4, inventory-api.md §9.6),
//! and a shop in read-only mode refuses writes.

use crate::settings::ShopSettings;

/// An Item API 2.0 or Inventory API function, as the rules see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CatalogFunction {
    ItemGet,
    ItemUpsert,
    ItemPatch,
    ItemDelete,
    ItemSearch,
    ItemBulkGet,
    ItemSettingsGet,
    ItemSettingsUpdate,
    StockGet,
    StockUpsert,
    StockDelete,
    StockBulkGet,
    StockRange,
    StockBulkUpsert,
    StockVariantLists,
}

impl CatalogFunction {
    /// Works before SKU migration: the Item API's reads, and the Inventory API's single get
    /// and range read (its bulk get and variant lists do not).
    pub fn works_unmigrated(self) -> bool {
        use CatalogFunction::*;
        matches!(self, ItemGet | ItemSearch | ItemBulkGet | ItemSettingsGet | StockGet | StockRange)
    }

    /// Changes the catalog or stock (refused in read-only mode).
    pub fn writes(self) -> bool {
        use CatalogFunction::*;
        matches!(
            self,
            ItemUpsert | ItemPatch | ItemDelete | ItemSettingsUpdate | StockUpsert | StockDelete | StockBulkUpsert
        )
    }
}

/// Why a shop refuses a function before looking at the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GateRefusal {
    /// The shop has not migrated to SKU.
    NotMigrated,
    /// The shop is in read-only mode.
    ReadOnly,
}

/// Whether `settings` let the shop call `f`; migration is checked first.
pub fn admit(settings: &ShopSettings, f: CatalogFunction) -> Result<(), GateRefusal> {
    if !settings.sku_migrated && !f.works_unmigrated() {
        return Err(GateRefusal::NotMigrated);
    }
    if settings.read_only && f.writes() {
        return Err(GateRefusal::ReadOnly);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unmigrated_shop_reads_items_but_not_bulk_stock_and_read_only_refuses_writes() {
        let mut s = ShopSettings { sku_migrated: false, ..ShopSettings::default() };
        assert_eq!(admit(&s, CatalogFunction::ItemGet), Ok(()));
        assert_eq!(admit(&s, CatalogFunction::StockRange), Ok(()));
        assert_eq!(admit(&s, CatalogFunction::StockBulkGet), Err(GateRefusal::NotMigrated));
        assert_eq!(admit(&s, CatalogFunction::ItemUpsert), Err(GateRefusal::NotMigrated));
        s.sku_migrated = true;
        s.read_only = true;
        assert_eq!(admit(&s, CatalogFunction::StockBulkGet), Ok(()), "a read");
        assert_eq!(admit(&s, CatalogFunction::ItemSettingsUpdate), Err(GateRefusal::ReadOnly));
        assert_eq!(admit(&s, CatalogFunction::StockDelete), Err(GateRefusal::ReadOnly));
    }
}
