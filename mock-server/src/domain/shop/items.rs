//! The Item API 2.0 and Inventory API on a shop: items, stock writes and orphans, and the
//! catalog generator of the control plane.

use super::*;
use crate::domain::inventory::{StockWrite, ORPHAN_TTL_MINUTES};
use crate::domain::item::{self, ApiError};
use clock::Event;

impl Shop {
    // ----- Item API 2.0 and Inventory API -----

    /// items.upsert: a full replace. Ok(true) when the item was created.
    pub fn upsert_item(&mut self, manage_number: &str, body: &serde_json::Value) -> Result<bool, Vec<ApiError>> {
        let canonical = item::validate_item(body, self.catalog.get(manage_number))?;
        let created = self.catalog.put(manage_number, canonical, self.now);
        Ok(created)
    }

    /// items.patch: merges into the stored item, then checks the result as a whole.
    pub fn patch_item(&mut self, manage_number: &str, patch: &serde_json::Value) -> Result<(), Vec<ApiError>> {
        let Some(stored) = self.catalog.get(manage_number) else {
            return Err(vec![ApiError::not_found(&format!("manageNumber={manage_number}"))]);
        };
        let merged = item::merge_patch(&stored.body, patch)?;
        let canonical = item::validate_item(&merged, Some(stored))?;
        self.catalog.put(manage_number, canonical, self.now);
        Ok(())
    }

    /// items.delete. The item's stock records become orphans (and expire in 24 h).
    pub fn delete_item(&mut self, manage_number: &str) -> Result<(), ApiError> {
        let item = self
            .catalog
            .remove(manage_number)
            .ok_or_else(|| ApiError::not_found(&format!("manageNumber={manage_number}")))?;
        for v in item.variant_ids() {
            self.schedule_orphan_check(manage_number, &v);
        }
        Ok(())
    }

    /// Replaces the item's body after an inventory-related-settings update (validated again).
    pub fn replace_item_body(&mut self, manage_number: &str, body: &serde_json::Value) -> Result<(), Vec<ApiError>> {
        let canonical = item::validate_item(body, self.catalog.get(manage_number))?;
        self.catalog.put(manage_number, canonical, self.now);
        Ok(())
    }

    /// Stock writes (variants.upsert, bulk-upsert): all or nothing.
    pub fn write_stock(
        &mut self,
        writes: &[StockWrite],
        path_of: impl Fn(usize, &str) -> String,
    ) -> Result<(), ApiError> {
        let quantities = self.inventory.plan(writes, path_of)?;
        self.inventory.apply(writes, &quantities, self.now);
        for w in writes {
            if !self.catalog.has_variant(&w.manage_number, &w.variant_id) {
                self.schedule_orphan_check(&w.manage_number, &w.variant_id);
            }
        }
        Ok(())
    }

    pub fn delete_stock(&mut self, manage_number: &str, variant_id: &str) -> Result<(), ApiError> {
        if self.inventory.delete(manage_number, variant_id) {
            Ok(())
        } else {
            Err(ApiError::not_found(&format!("manageNumber={manage_number}, variantId={variant_id}")))
        }
    }

    /// Adds `items` generated items of `variants` SKUs each (deterministic from `seed`), each
    /// SKU stocked with `quantity`. Manage numbers are `gen-<seed>-<n>`, so two generations
    /// with different seeds never collide. Returns the manage numbers.
    pub fn generate_catalog(
        &mut self,
        items: usize,
        variants: usize,
        seed: u64,
        quantity: i64,
    ) -> Result<Vec<String>, ApiError> {
        const NOUNS: [&str; 10] = [
            "Tシャツ",
            "パーカー",
            "ソックス",
            "スニーカー",
            "キャップ",
            "トートバッグ",
            "マグカップ",
            "タオル",
            "エプロン",
            "手袋",
        ];
        const ADJECTIVES: [&str; 8] =
            ["ベーシック", "オーガニック", "ワイド", "スリム", "ヴィンテージ", "リネン", "防水", "軽量"];
        let mut rng = crate::domain::rng::Rng::new(seed).fork(7);
        let variants = variants.clamp(1, 400);
        let mut made = Vec::with_capacity(items);
        for n in 0..items {
            let manage = format!("gen-{seed}-{n:06}");
            let title = format!("{}{} No.{n}", rng.pick(&ADJECTIVES), rng.pick(&NOUNS));
            let base = 500 + 100 * rng.below(60) as i64;
            let mut vmap = serde_json::Map::new();
            for j in 0..variants {
                let mut v = serde_json::json!({
                    "merchantDefinedSkuId": format!("{}-{j:03}", manage.to_ascii_uppercase()),
                    "standardPrice": (base + 100 * (j as i64 % 3)).to_string(),
                    "restockOnCancel": true,
                    "articleNumber": {"exemptionReason": 5},
                });
                if variants > 1 {
                    v["selectorValues"] = serde_json::json!({"type": format!("タイプ{:03}", j + 1)});
                }
                vmap.insert(format!("v{j:03}"), v);
            }
            let mut body =
                serde_json::json!({"title": title, "itemType": "NORMAL", "genreId": "559887", "variants": vmap});
            if variants > 1 {
                let values: Vec<serde_json::Value> =
                    (0..variants).map(|j| serde_json::json!({"displayValue": format!("タイプ{:03}", j + 1)})).collect();
                body["variantSelectors"] =
                    serde_json::json!([{"key": "type", "displayName": "タイプ", "values": values}]);
            }
            if let Err(mut errs) = self.upsert_item(&manage, &body) {
                return Err(errs.remove(0));
            }
            let writes: Vec<StockWrite> = (0..variants)
                .map(|j| StockWrite {
                    manage_number: manage.clone(),
                    variant_id: format!("v{j:03}"),
                    mode: crate::domain::inventory::Mode::Absolute,
                    quantity,
                    extras: None,
                })
                .collect();
            self.write_stock(&writes, |i, f| format!("variants[{i}].{f}"))?;
            made.push(manage);
        }
        Ok(made)
    }

    fn schedule_orphan_check(&mut self, manage_number: &str, variant_id: &str) {
        let at = self.now.plus_minutes(ORPHAN_TTL_MINUTES);
        self.schedule_at(at, Event::OrphanExpiry(manage_number.to_string(), variant_id.to_string()));
    }
}
