//! Item bodies through the wire and the rules: codes, messages, paths and their order (the
//! unit tests that were beside the JSON validator, with their assertions).

use super::*;
use crate::domain::item::{CheckedItem, GenreRules};

fn minimal() -> Value {
    json!({
        "title": "T", "itemType": "NORMAL", "genreId": "100000",
        "variantSelectors": [{"key": "size", "displayName": "サイズ", "values": [{"displayValue": "M"}, {"displayValue": "L"}]}],
        "variants": {
            "m": {"selectorValues": {"size": "M"}, "standardPrice": 1000, "articleNumber": {"exemptionReason": 5}},
            "l": {"selectorValues": {"size": "L"}, "standardPrice": "1200", "articleNumber": {"exemptionReason": 5}}
        }
    })
}

/// What upsert does with a body: the checked item, or every error in order.
fn checked(body: &Value, existing: Option<&ItemData>) -> Result<CheckedItem, Vec<ApiError>> {
    let (draft, problems) = wire::item(body);
    let ids = variant_ids(&draft);
    match draft.check(existing, GenreRules::built_in()) {
        Ok(c) if problems.is_empty() => Ok(c),
        Ok(_) => Err(errors::report(&problems, &[], &ids)),
        Err(v) => Err(errors::report(&problems, &v, &ids)),
    }
}

fn validate_item(body: &Value, existing: Option<&ItemData>) -> Result<Value, Vec<ApiError>> {
    checked(body, existing).map(|c| data_json(c.data()))
}

fn codes(e: &[ApiError]) -> Vec<(&str, Option<&str>)> {
    e.iter().map(|e| (e.code, e.property_path.as_deref())).collect()
}

#[test]
fn upsert_applies_defaults_and_stores_prices_as_strings() {
    let b = validate_item(&minimal(), None).unwrap();
    assert_eq!(b["variants"]["m"]["standardPrice"], "1000");
    assert_eq!(b["hideItem"], false);
    assert_eq!(b["features"]["inventoryDisplay"], "HIDDEN_STOCK");
    assert_eq!(b["variants"]["m"]["shipping"]["okihaiSetting"], true);
    let keys: Vec<&String> = b.as_object().unwrap().keys().collect();
    assert_eq!(keys.first().map(|s| s.as_str()), Some("title"));
    assert_eq!(keys.last().map(|s| s.as_str()), Some("variants"));
}

#[test]
fn missing_and_bad_fields_are_all_reported_with_their_paths() {
    let mut b = minimal();
    b.as_object_mut().unwrap().remove("title");
    b["itemType"] = json!("NORML");
    b["variants"]["m"]["standardPrice"] = json!(-1);
    b["variants"]["l"]["colour"] = json!("x");
    let e = validate_item(&b, None).unwrap_err();
    assert_eq!(
        codes(&e),
        vec![
            ("IE0001", Some("title")),
            ("IE0007", Some("itemType")),
            ("IE0003", Some("variants.m.standardPrice")),
            ("IE0002", Some("variants.l.colour")),
        ]
    );
    assert_eq!(e[2].message, "variants.m.standardPrice must be between 0 to 999999999.");
}

#[test]
fn a_wrong_json_type_is_one_error_not_also_a_missing_field() {
    let mut b = minimal();
    b["title"] = json!(5);
    b["variants"]["m"]["standardPrice"] = json!(true);
    b["variants"]["l"] = json!("x");
    let e = validate_item(&b, None).unwrap_err();
    assert_eq!(
        codes(&e),
        vec![("IE0002", Some("title")), ("IE0002", Some("variants.m.standardPrice")), ("IE0002", Some("variants.l"))]
    );
    assert_eq!(e[0].message, "title has an invalid value : 5.");
}

#[test]
fn unknown_fields_come_first_at_every_level() {
    let mut b = minimal();
    b["features"] = json!({"inventoryDisplay": "DISPLAY_LOW_STOCK", "colour": 1});
    b["payment"] = json!({"taxRate": 0.08});
    let e = validate_item(&b, None).unwrap_err();
    assert_eq!(codes(&e), vec![("IE0002", Some("features.colour")), ("IE0162", Some("features.lowStockThreshold"))]);
    b["features"] = json!({});
    assert_eq!(validate_item(&b, None).unwrap()["payment"]["taxRate"], "0.08", "numbers become the wire's strings");
}

#[test]
fn selector_rules_are_enforced() {
    let mut b = minimal();
    b["variants"]["l"]["selectorValues"] = json!({"size": "M"});
    assert_eq!(codes(&validate_item(&b, None).unwrap_err()), vec![("IE0110", Some("variants.l.selectorValues"))]);
    let mut b = minimal();
    b.as_object_mut().unwrap().remove("variantSelectors");
    let e = validate_item(&b, None).unwrap_err();
    assert!(e.iter().any(|e| e.code == "IE0269"));
}

#[test]
fn selector_values_cannot_change_under_the_same_variant_id() {
    let stored = checked(&minimal(), None).unwrap().into_data();
    let mut b = minimal();
    b["variants"]["m"]["selectorValues"] = json!({"size": "L"});
    b["variants"]["l"]["selectorValues"] = json!({"size": "M"});
    let e = validate_item(&b, Some(&stored)).unwrap_err();
    assert!(e.iter().all(|e| e.code == "IE0416"), "{e:?}");
}

#[test]
fn manage_numbers_are_lowered_and_checked() {
    let normalize = |raw: &str| manage_number(raw).map_err(|k| errors::at("p", k));
    assert_eq!(normalize("AbC-1_2").unwrap(), "abc-1_2");
    assert_eq!(normalize("a b").unwrap_err().code, "IE0220");
    assert_eq!(normalize(&"a".repeat(33)).unwrap_err().code, "IE0004");
}

#[test]
fn patch_merges_variants_per_id() {
    let body = validate_item(&minimal(), None).unwrap();
    let mut merged = body.clone();
    crate::merge::merge_patch(&mut merged, &json!({"variants": {"m": {"standardPrice": "810"}}}));
    let again = validate_item(&merged, None).unwrap();
    assert_eq!(again["variants"]["m"]["standardPrice"], "810");
    assert_eq!(again["variants"]["l"]["standardPrice"], "1200");
    assert_eq!(validate_item(&again, None).unwrap(), again, "a stored item reads back as itself");
}

#[test]
fn the_settings_body_reports_unknown_fields_with_the_missing_skus() {
    let e = parse_settings(&json!({"colour": 1})).unwrap_err();
    assert_eq!(codes(&e), vec![("IE0002", Some("colour")), ("IE0001", Some("variants"))]);
    let e = parse_settings(&json!({"variants": {"m": {"hidden": true}}, "features": {"inventoryDisplay": "X"}}))
        .unwrap_err();
    assert_eq!(codes(&e), vec![("IE0002", Some("variants.m.hidden")), ("IE0007", Some("features.inventoryDisplay"))]);
}

/// More items than kept slots, so slots are shared: whatever was kept, each item is written as
/// its own fresh answer, before and after an upsert changes it (same second: `updated` alone
/// would not tell the versions apart).
#[test]
fn a_kept_item_is_only_ever_the_answer_of_the_same_version_of_the_same_item() {
    use crate::setup::{ItemDoc, ShopDocument};
    let mut doc = ShopDocument::new("123456");
    for i in 0..crate::api::kept::SLOTS + 44 {
        doc = doc.item(ItemDoc::new(format!("item-{i}"), format!("品{i}")).variant("v", 100 + i as i64, 5));
    }
    let mut shop = doc.build("test").unwrap();
    let check = |shop: &Shop| {
        for item in shop.catalog().items() {
            for _ in 0..2 {
                let mut written = Vec::new();
                write_item(&mut written, item);
                assert_eq!(written, serde_json::to_vec(&ItemAnswer::of(item)).unwrap(), "{}", item.manage_number);
            }
        }
    };
    check(&shop);
    // More versions of one item than slots, all in the same second: some version lands where
    // an earlier one was kept, with the same manageNumber, created and updated.
    for i in 0..crate::api::kept::SLOTS + 44 {
        let mut body = minimal();
        body["title"] = json!(format!("変更{i}"));
        let (draft, problems) = wire::item(&body);
        assert!(problems.is_empty());
        assert_eq!(shop.upsert_item("item-0", draft), Ok(false));
        let item = shop.catalog().get("item-0").unwrap();
        let mut written = Vec::new();
        write_item(&mut written, item);
        assert_eq!(written, serde_json::to_vec(&ItemAnswer::of(item)).unwrap(), "version {i}");
    }
    check(&shop);
}
