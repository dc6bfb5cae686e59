//! Each item rule gives its violation with its path; defaults are filled; stored values are
//! kept where RMS keeps them.

use super::model::*;
use super::rules::*;
use super::settings::{InventorySettingsUpdate, StockFeaturesUpdate, UnknownVariant, VariantStockSettings};
use super::{AttributeGaps, GenreRules, Item, ItemData};
use crate::domain::time::JstDateTime;

fn variant(size: &str, price: &str) -> Variant {
    Variant {
        selector_values: Some(OrderedMap(vec![("size".into(), size.into())])),
        standard_price: Some(price.into()),
        article_number: Some(ArticleNumber { value: None, exemption_reason: Some(5) }),
        ..Variant::default()
    }
}

fn minimal() -> ItemData {
    let values = ["M", "L"].iter().map(|v| DisplayValue { display_value: Some(v.to_string()) }).collect();
    ItemData {
        title: Some("T".into()),
        item_type: Some(ItemType::Normal),
        genre_id: Some("100000".into()),
        variant_selectors: Some(vec![Selector {
            key: Some("size".into()),
            display_name: Some("サイズ".into()),
            values: Some(values),
        }]),
        variants: Some(OrderedMap(vec![("m".into(), variant("M", "1000")), ("l".into(), variant("L", " 1200"))])),
        ..ItemData::default()
    }
}

fn violations(item: ItemData, existing: Option<&ItemData>) -> Vec<(String, ViolationKind)> {
    item.check(existing, GenreRules::built_in())
        .err()
        .unwrap_or_default()
        .into_iter()
        .map(|v| (v.path, v.kind))
        .collect()
}

fn edit(f: impl FnOnce(&mut ItemData)) -> ItemData {
    let mut i = minimal();
    f(&mut i);
    i
}

fn m(i: &mut ItemData) -> &mut Variant {
    i.variants.as_mut().and_then(|v| v.get_mut("m")).expect("the minimal item has m")
}

#[test]
fn check_fills_the_upsert_defaults_and_canonical_prices() {
    let checked = minimal().check(None, GenreRules::built_in()).expect("valid");
    let d = checked.data();
    assert_eq!(d.hide_item, Some(false));
    assert_eq!(d.item_display_sequence, Some(LAST_DISPLAY_SEQUENCE));
    assert_eq!(d.features.as_ref().and_then(|f| f.inventory_display), Some(InventoryDisplay::HiddenStock));
    let l = d.variants.as_ref().and_then(|v| v.get("l")).expect("l");
    assert_eq!(l.standard_price.as_deref(), Some("1200"), "blanks trimmed");
    assert_eq!(l.shipping.as_ref().and_then(|s| s.okihai_setting), Some(true));
    assert_eq!(d.layout.as_ref().and_then(|l| l.item_layout_id), Some(1));
}

#[test]
fn required_fields_ranges_and_lengths_are_violations_with_their_paths() {
    let item = edit(|i| {
        i.title = None;
        i.item_type = None;
        i.genre_id = Some("12345".into());
        i.tagline = Some("あ".repeat(88));
        m(i).standard_price = Some("-1".into());
    });
    assert_eq!(
        violations(item, None),
        vec![
            ("title".into(), ViolationKind::Missing),
            ("tagline".into(), ViolationKind::TooLong { max_bytes: 174 }),
            ("itemType".into(), ViolationKind::Missing),
            ("genreId".into(), ViolationKind::Invalid { value: "12345".into() }),
            ("variants.m.standardPrice".into(), ViolationKind::OutOfRange { min: 0, max: MAX_PRICE }),
        ]
    );
}

#[test]
fn a_normal_item_needs_prices_and_a_buying_club_item_refuses_them() {
    let item = edit(|i| m(i).standard_price = None);
    assert_eq!(violations(item, None), vec![("variants.m.standardPrice".into(), ViolationKind::Missing)]);
    let item = edit(|i| {
        i.item_type = Some(ItemType::BuyingClub);
        i.variants.as_mut().and_then(|v| v.get_mut("l")).expect("l").standard_price = None;
    });
    assert_eq!(
        violations(item, None),
        vec![("variants.m.standardPrice".into(), ViolationKind::Invalid { value: "1000".into() })]
    );
}

#[test]
fn selector_rules_are_violations() {
    let item = edit(|i| {
        i.variants.as_mut().and_then(|v| v.get_mut("l")).expect("l").selector_values =
            Some(OrderedMap(vec![("size".into(), "M".into())]))
    });
    assert_eq!(
        violations(item, None),
        vec![(
            "variants.l.selectorValues".into(),
            ViolationKind::DuplicateSelectorCombination { combination: vec![("size".into(), "M".into())] }
        )]
    );
    let item = edit(|i| i.variant_selectors = None);
    assert_eq!(violations(item, None), vec![("variants".into(), ViolationKind::SelectorsRequiredForVariants)]);
    let item = edit(|i| {
        let s = &mut i.variant_selectors.as_mut().expect("selectors")[0];
        s.values = Some(vec![
            DisplayValue { display_value: Some("M:L".into()) },
            DisplayValue { display_value: Some("L".into()) },
            DisplayValue { display_value: Some("L".into()) },
        ]);
    });
    assert_eq!(
        violations(item, None),
        vec![
            ("variantSelectors[0].values[0].displayValue".into(), ViolationKind::ColonInSelectorValue),
            (
                "variantSelectors[0].values[2].displayValue".into(),
                ViolationKind::DuplicateSelectorValue { value: "L".into() }
            ),
        ]
    );
}

#[test]
fn selector_values_cannot_change_under_the_same_variant_id() {
    let stored = minimal().check(None, GenreRules::built_in()).expect("valid").into_data();
    let item = edit(|i| {
        m(i).selector_values = Some(OrderedMap(vec![("size".into(), "L".into())]));
        i.variants.as_mut().and_then(|v| v.get_mut("l")).expect("l").selector_values =
            Some(OrderedMap(vec![("size".into(), "M".into())]));
    });
    let found = violations(item, Some(&stored));
    assert_eq!(found.len(), 2);
    assert!(found.iter().all(|(_, k)| *k == ViolationKind::SelectorValuesChanged), "{found:?}");
}

#[test]
fn at_most_400_variants() {
    let item = edit(|i| {
        let vals = (0..401).map(|n| DisplayValue { display_value: Some(format!("v{n}")) }).collect();
        i.variant_selectors.as_mut().expect("selectors")[0].values = Some(vals);
        i.variants = Some(OrderedMap((0..401).map(|n| (format!("v{n}"), variant(&format!("v{n}"), "1"))).collect()));
    });
    let found = violations(item, None);
    assert!(found.contains(&("variants".into(), ViolationKind::TooMany)), "{found:?}");
    assert!(found.contains(&("variantSelectors[0].values".into(), ViolationKind::TooMany)), "{found:?}");
}

#[test]
fn images_features_and_sku_rules() {
    let item = edit(|i| {
        i.images = Some(vec![Image { image_type: None, location: Some("/a/b.bmp".into()), alt: None }]);
        i.features =
            Some(Features { inventory_display: Some(InventoryDisplay::DisplayLowStock), ..Features::default() });
        m(i).back_order_flag = Some(true);
        m(i).article_number = Some(ArticleNumber { value: None, exemption_reason: Some(4) });
        m(i).order_quantity_limit = Some(401);
    });
    assert_eq!(
        violations(item, None),
        vec![
            ("images[0].type".into(), ViolationKind::Missing),
            ("images[0].location".into(), ViolationKind::UnsupportedImageExtension),
            ("features.lowStockThreshold".into(), ViolationKind::LowStockThresholdRequired),
            ("variants.m.articleNumber.exemptionReason".into(), ViolationKind::Invalid { value: "4".into() }),
            ("variants.m.backOrderDeliveryDateId".into(), ViolationKind::BackOrderDateRequired),
            ("variants.m.orderQuantityLimit".into(), ViolationKind::OutOfRange { min: 0, max: 400 }),
        ]
    );
    let item = edit(|i| i.features = Some(Features { low_stock_threshold: Some(3), ..Features::default() }));
    assert_eq!(
        violations(item, None),
        vec![("features.lowStockThreshold".into(), ViolationKind::LowStockThresholdNotAllowed)]
    );
}

#[test]
fn an_upsert_keeps_the_stored_social_gift_flag_and_okihai_setting() {
    let stored = edit(|i| {
        i.features = Some(Features { social_gift_flag: Some(true), ..Features::default() });
        m(i).shipping = Some(Shipping { okihai_setting: Some(false), ..Shipping::default() });
    });
    let stored = stored.check(None, GenreRules::built_in()).expect("valid").into_data();
    let again = minimal().check(Some(&stored), GenreRules::built_in()).expect("valid").into_data();
    assert_eq!(again.features.and_then(|f| f.social_gift_flag), Some(true));
    let mv = again.variants.as_ref().and_then(|v| v.get("m")).expect("m");
    assert_eq!(mv.shipping.as_ref().and_then(|s| s.okihai_setting), Some(false));
}

#[test]
fn manage_numbers_are_lowered_and_checked() {
    assert_eq!(manage_number("AbC-1_2"), Ok("abc-1_2".to_string()));
    assert_eq!(manage_number("a b"), Err(ViolationKind::ManageNumberCharacters));
    assert_eq!(manage_number(&"a".repeat(33)), Err(ViolationKind::TooLong { max_bytes: 32 }));
    assert_eq!(variant_id("M-black"), Ok(()));
    assert_eq!(variant_id("a.b"), Err(ViolationKind::Invalid { value: "a.b".into() }));
}

#[test]
fn full_width_characters_count_two_bytes() {
    assert_eq!(rms_len("abc"), 3);
    assert_eq!(rms_len("ＴシャツA"), 9);
    assert_eq!(rms_len("ｱｲｳ"), 3, "half-width kana count one");
}

#[test]
fn inventory_settings_merge_into_the_item_and_unknown_skus_are_refused() {
    let stored = minimal().check(None, GenreRules::built_in()).expect("valid").into_data();
    let mut update = InventorySettingsUpdate {
        unlimited_inventory_flag: Some(true),
        features: Some(StockFeaturesUpdate {
            inventory_display: Some(InventoryDisplay::DisplayLowStock),
            low_stock_threshold: Some(3),
        }),
        variants: OrderedMap(vec![(
            "m".into(),
            VariantStockSettings { restock_on_cancel: Some(true), ..VariantStockSettings::default() },
        )]),
    };
    let merged = stored.with_inventory_settings(&update).expect("known SKUs");
    let view = merged.check(Some(&stored), GenreRules::built_in()).expect("valid").into_data().inventory_settings();
    assert!(view.unlimited_inventory_flag);
    assert_eq!(view.features.low_stock_threshold, Some(3));
    assert_eq!(view.variants.get("m").and_then(|v| v.restock_on_cancel), Some(true));
    assert_eq!(view.variants.get("l").and_then(|v| v.restock_on_cancel), Some(false));
    update.variants.insert("xl".into(), VariantStockSettings::default());
    assert_eq!(stored.with_inventory_settings(&update), Err(UnknownVariant("xl".into())));
}

#[test]
fn the_stored_item_shows_skus_with_selector_names_and_prices() {
    let checked = minimal().check(None, GenreRules::built_in()).expect("valid");
    let item = Item::new("x", 1, checked, JstDateTime::from_seconds(0));
    let m = item.variant("m").expect("m");
    assert_eq!(m.sku_info().as_deref(), Some("サイズ:M"));
    assert_eq!(m.standard_price, Some(1000));
    assert_eq!(item.variant_ids(), vec!["m", "l"]);
    assert_eq!(item.str_field("itemType"), Some("NORMAL"));
    assert!(!item.flag("hideItem"));
}

#[test]
fn machine_dependent_characters_are_violations_in_the_item_page_texts_only() {
    let item = edit(|i| {
        i.title = Some("①".into());
        i.tagline = Some("Ⅻ".into());
        i.product_description = Some(ProductDescription { pc: Some("ok".into()), sp: Some("㈱".into()) });
        i.sales_description = Some("ｶﾌｪ".into());
        i.item_number = Some("①".into());
    });
    let dependent = ViolationKind::MachineDependentCharacters;
    assert_eq!(
        violations(item, None),
        vec![
            ("title".into(), dependent.clone()),
            ("tagline".into(), dependent.clone()),
            ("productDescription.sp".into(), dependent.clone()),
            ("salesDescription".into(), dependent),
        ],
        "itemNumber is not a page text"
    );
}

#[test]
fn an_article_number_value_must_be_a_jan_and_an_empty_one_counts_as_none() {
    let with_value = |value: &str, reason: Option<i64>| {
        edit(|i| m(i).article_number = Some(ArticleNumber { value: Some(value.into()), exemption_reason: reason }))
    };
    assert_eq!(
        violations(with_value("4955028001999", None), None),
        vec![("variants.m.articleNumber.value".into(), ViolationKind::InvalidArticleNumber)]
    );
    assert!(violations(with_value("4955028001996", None), None).is_empty());
    assert!(violations(with_value("", Some(5)), None).is_empty(), "an empty value with a reason");
    assert_eq!(
        violations(with_value("", None), None),
        vec![("variants.m.articleNumber".into(), ViolationKind::ArticleNumberRequired)]
    );
}

#[test]
fn each_sku_of_a_genre_with_mandatory_attributes_must_carry_them() {
    let book = |genre: &str| {
        edit(|i| {
            i.genre_id = Some(genre.into());
            m(i).attributes = Some(
                ["メーカー型番", "タイトル", "発売元"]
                    .iter()
                    .map(|n| Attribute { name: Some(n.to_string()), values: Some(vec!["x".into()]), unit: None })
                    .collect(),
            );
        })
    };
    let gaps = AttributeGaps {
        missing: vec!["メーカー型番".into(), "タイトル".into(), "発売元".into()],
        without_values: vec![],
    };
    assert_eq!(
        violations(book("553575"), None),
        vec![("variants.l.attributes".into(), ViolationKind::MandatoryAttributes(gaps))],
        "m carries them, l does not"
    );
    assert_eq!(
        violations(book(" 553575"), None),
        vec![(
            "variants.l.attributes".into(),
            ViolationKind::MandatoryAttributes(AttributeGaps {
                missing: vec!["メーカー型番".into(), "タイトル".into(), "発売元".into()],
                without_values: vec![],
            })
        )],
        "the genre as it is stored (blanks trimmed)"
    );
    let unknown_genre = edit(|i| i.genre_id = Some("55357".into()));
    assert_eq!(
        violations(unknown_genre, None),
        vec![("genreId".into(), ViolationKind::Invalid { value: "55357".into() })],
        "an invalid genre has no attributes to require"
    );
    assert!(book("553575").check(None, GenreRules::Unchecked).is_ok(), "unchecked for loaded items");
}
