//! Big catalogs for benchmarks and big-shop tests (control plane `catalog/generate`, shop
//! documents' `[generate]`): deterministic items from a seed, built and checked as a pure
//! function, so the caller can do this heavy part outside the shop's lock and only insert
//! the result under it ([`crate::domain::shop::Shop::insert_generated`]).

use crate::domain::inventory::{Mode, StockRefusal, StockWrite};
use crate::domain::item::model::{ArticleNumber, DisplayValue, ItemData, ItemType, OrderedMap, Selector, Variant};
use crate::domain::item::{first_violation, CheckedItem, ItemViolation, MAX_VARIANTS};
use crate::domain::rng::Rng;

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

/// The most SKUs (items × variants) one generation makes: about 170 MB of items and stock,
/// built in under a few seconds (10,000 items × 4 SKUs take ~0.5-1.5 s). More is more calls,
/// each with its own seed.
pub const MAX_GENERATED_SKUS: usize = 100_000;

/// The most SKUs a shop's catalog holds after a generation (about 1.7 GB): a generation that
/// would pass it is refused. Checked when it starts, so generations running at the same time
/// may each pass the check (and end at most one call's SKUs above it).
pub const MAX_SHOP_SKUS: usize = 1_000_000;

/// Whether a shop whose catalog holds `held` SKUs may generate `adding` more; Err(the SKUs it
/// would hold) when that passes [`MAX_SHOP_SKUS`].
pub fn room_for(held: usize, adding: usize) -> Result<(), usize> {
    let total = held.saturating_add(adding);
    if total > MAX_SHOP_SKUS {
        Err(total)
    } else {
        Ok(())
    }
}

/// One generated item with the stock of each of its SKUs.
#[derive(Clone, Debug)]
pub struct GeneratedItem {
    /// `gen-<seed>-<n>`, six digits.
    pub manage_number: String,
    pub item: CheckedItem,
    pub stock: Vec<StockWrite>,
}

/// Why generated items could not be added.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GenerateError {
    /// A generated item broke an item rule (against an item stored under the same number).
    Item(ItemViolation),
    /// Its stock broke a stock rule (e.g. orphan records already fill the 400 SKUs).
    Stock(StockRefusal),
}

/// `items` items of `variants` SKUs each (1..=400), every SKU stocked with `quantity`.
/// Manage numbers are `gen-<seed>-<n>`, so generations with different seeds never collide;
/// the same seed gives the same titles, prices and ids.
pub fn generate(items: usize, variants: usize, seed: u64, quantity: i64) -> Result<Vec<GeneratedItem>, ItemViolation> {
    let mut rng = Rng::new(seed).fork(7);
    let variants = variants.clamp(1, MAX_VARIANTS);
    let mut made = Vec::with_capacity(items);
    for n in 0..items {
        let manage = format!("gen-{seed}-{n:06}");
        let title = format!("{}{} No.{n}", rng.pick(&ADJECTIVES), rng.pick(&NOUNS));
        let base = 500 + 100 * rng.below(60) as i64;
        let type_name = |j: usize| format!("タイプ{:03}", j + 1);
        let skus = (0..variants)
            .map(|j| {
                let v = Variant {
                    merchant_defined_sku_id: Some(format!("{}-{j:03}", manage.to_ascii_uppercase())),
                    selector_values: (variants > 1).then(|| OrderedMap(vec![("type".into(), type_name(j))])),
                    restock_on_cancel: Some(true),
                    standard_price: Some((base + 100 * (j as i64 % 3)).to_string()),
                    article_number: Some(ArticleNumber { value: None, exemption_reason: Some(5) }),
                    ..Variant::default()
                };
                (format!("v{j:03}"), v)
            })
            .collect();
        let selectors = (variants > 1).then(|| {
            vec![Selector {
                key: Some("type".into()),
                display_name: Some("タイプ".into()),
                values: Some((0..variants).map(|j| DisplayValue { display_value: Some(type_name(j)) }).collect()),
            }]
        });
        let data = ItemData {
            title: Some(title),
            item_type: Some(ItemType::Normal),
            genre_id: Some("559887".into()),
            variant_selectors: selectors,
            variants: Some(OrderedMap(skus)),
            ..ItemData::default()
        };
        let item = data.check(None, crate::domain::item::GenreRules::Unchecked).map_err(first_violation)?;
        let stock = (0..variants)
            .map(|j| StockWrite {
                manage_number: manage.clone(),
                variant_id: format!("v{j:03}"),
                mode: Mode::Absolute,
                quantity,
                extras: None,
            })
            .collect();
        made.push(GeneratedItem { manage_number: manage, item, stock });
    }
    Ok(made)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shop_generates_up_to_a_million_skus_and_no_further() {
        assert_eq!(room_for(0, MAX_GENERATED_SKUS), Ok(()));
        assert_eq!(room_for(MAX_SHOP_SKUS - 10, 10), Ok(()));
        assert_eq!(room_for(MAX_SHOP_SKUS - 10, 11), Err(MAX_SHOP_SKUS + 1));
        assert_eq!(room_for(usize::MAX, 1), Err(usize::MAX), "never an overflow");
    }

    #[test]
    fn generation_is_a_pure_function_of_the_seed() {
        let a = generate(3, 2, 7, 10).expect("valid");
        let b = generate(3, 2, 7, 10).expect("valid");
        assert_eq!(a.len(), 3);
        assert_eq!(a[0].manage_number, "gen-7-000000");
        assert_eq!(a[2].item, b[2].item);
        let v = a[1].item.data().variants.as_ref().and_then(|v| v.get("v001")).expect("v001");
        assert_eq!(v.merchant_defined_sku_id.as_deref(), Some("GEN-7-000001-001"));
        assert_eq!(a[1].stock.len(), 2);
        assert_eq!(a[1].stock[1].quantity, 10);
        // The values the generator gave before it moved out of the shop's lock.
        let g = generate(2, 3, 5, 4).expect("valid");
        let prices = |i: usize| -> Vec<Option<String>> {
            let vs = g[i].item.data().variants.clone().unwrap_or_default();
            vs.0.into_iter().map(|(_, v)| v.standard_price).collect()
        };
        assert_eq!(g[0].item.data().title.as_deref(), Some("オーガニックソックス No.0"));
        assert_eq!(prices(0), vec![Some("4800".into()), Some("4900".into()), Some("5000".into())]);
        assert_eq!(g[1].item.data().title.as_deref(), Some("ベーシックキャップ No.1"));
        assert_eq!(prices(1)[0].as_deref(), Some("5400"));
        let one = generate(1, 1, 7, 0).expect("valid");
        assert!(one[0].item.data().variant_selectors.is_none(), "one SKU needs no selector");
    }
}
