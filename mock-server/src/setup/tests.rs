//! Unit tests of shop documents: parsing, defaults, errors named by key, building.

use super::*;

const MINIMAL: &str = r#"
[shop]
shop_id = "123456"
service_secret = "SP123456_aaaaaaaaaaaaaaaa"
license_key = "SL123456_bbbbbbbbbbbbbbbb"
"#;

#[test]
fn the_demo_shop_builds() {
    let shop = demo_shop();
    assert_eq!(shop.profile().shop_id, "123456");
    assert_ne!(shop.orders().len(), 0);
}

#[test]
fn a_minimal_document_gets_defaults() {
    let doc: ShopDocument = parse_toml(MINIMAL, "m.toml").unwrap();
    let shop = doc.build("m.toml").unwrap();
    assert_eq!(shop.now().to_rms(), DEFAULT_CLOCK_START);
    assert!(!shop.settings().auto_confirm);
}

#[test]
fn unknown_keys_are_named_with_their_table() {
    let text = format!("{MINIMAL}\n[settings]\nauto_confirn = true\n");
    let e = parse_toml::<ShopDocument>(&text, "x.toml").unwrap_err();
    assert_eq!(e.source, "x.toml");
    assert!(e.key.starts_with("settings"), "{e}");
    assert!(e.problem.contains("auto_confirn"), "{e}");
}

#[test]
fn wrong_types_name_the_key_and_line() {
    let text = format!("{MINIMAL}\n[settings]\nauto_confirm = \"yes\"\n");
    let e = parse_toml::<ShopDocument>(&text, "x.toml").unwrap_err();
    assert_eq!(e.key, "settings.auto_confirm");
    assert!(e.problem.contains("line 8"), "{e}");
}

#[test]
fn bad_values_are_named_after_parsing() {
    let text = MINIMAL.replace("\"123456\"", "\"12345\"");
    let doc: ShopDocument = parse_toml(&text, "x.toml").unwrap();
    let e = doc.build("x.toml").err().unwrap();
    assert_eq!(e.to_string(), "x.toml: shop.shop_id: '12345' is not 6 digits");
}

#[test]
fn json_errors_carry_the_path() {
    let e = parse_json::<ShopDocument>(
        r#"{"shop":{"shop_id":"123456","service_secret":"a","license_key":"b"},"items":[{"manage_number":"x","title":"t","variants":[{"variant_id":"v","price":"1"}]}]}"#,
        "request body",
    )
    .unwrap_err();
    assert_eq!(e.key, "items[0].variants[0].price");
}

#[test]
fn existing_orders_referencing_unknown_items_are_refused() {
    let text = format!("{MINIMAL}\n[[orders]]\nlines = [{{ manage_number = \"nope\", variant_id = \"v\" }}]\n");
    let doc: ShopDocument = parse_toml(&text, "x.toml").unwrap();
    let e = doc.build("x.toml").err().unwrap();
    assert_eq!(e.key, "orders[0].lines[0].manage_number");
}

#[test]
fn existing_orders_keep_their_points_and_coupons() {
    let text = format!(
        "{MINIMAL}\n[[items]]\nmanage_number = \"socks\"\ntitle = \"ソックス\"\n  [[items.variants]]\n  variant_id = \"socks\"\n  price = 500\n  quantity = 10\n\n[[orders]]\nused_point = 100\nlines = [{{ manage_number = \"socks\", variant_id = \"socks\", units = 2 }}]\ncoupons = [{{ code = \"C1\", price = 50 }}]\n"
    );
    let doc: ShopDocument = parse_toml(&text, "x.toml").unwrap();
    let shop = doc.build("x.toml").unwrap();
    let order = shop.orders().iter().next().unwrap();
    assert_eq!(order.used_point, 100);
    assert_eq!(order.coupons.len(), 1);
    assert_eq!(order.coupons[0].code, "C1");
}

#[test]
fn tax_and_postage_shorthand_become_the_item_apis_payment_and_shipping_fee() {
    let doc = ShopDocument::new("123456")
        .item(ItemDoc::new("taxex", "税別").tax_excluded(0.08).with_variant(VariantDoc::new("v", 1000, 5).postage(700)))
        .item(ItemDoc::new("plain", "税込").variant("v", 1000, 5));
    let shop = doc.build("doc").unwrap();
    let taxex = shop.catalog().get("taxex").unwrap().data();
    let payment = taxex.payment.as_ref().unwrap();
    assert_eq!((payment.tax_included, payment.tax_rate), (Some(false), Some(TaxRate::Reduced)));
    let fee = taxex.variants.as_ref().unwrap().get("v").unwrap().shipping.as_ref().unwrap().fee.clone();
    assert_eq!(fee.as_deref(), Some("700"));
    let plain = shop.catalog().get("plain").unwrap().data();
    assert_eq!(plain.payment.as_ref().map(|p| (p.tax_included, p.tax_rate)), Some((Some(true), None)));
    assert_eq!(plain.variants.as_ref().unwrap().get("v").unwrap().shipping.as_ref().unwrap().fee, None);
    assert_eq!((tax_rate(0.1), tax_rate(0.0), tax_rate(0.05)), (Some(TaxRate::Standard), Some(TaxRate::Zero), None));
}

#[test]
fn simulate_keys_are_checked_and_named() {
    let build = |simulate: &str| {
        let text = format!("{MINIMAL}\n[simulate]\n{simulate}\n");
        parse_toml::<ShopDocument>(&text, "x.toml").and_then(|d| d.build("x.toml").map(drop))
    };
    assert_eq!(build(""), Ok(()), "every key has a default");
    assert_eq!(build("orders_per_hour = 12\npayment_mix = { 1 = 70, 9 = 20, 13 = 10 }"), Ok(()));
    let e = build("orders_per_hr = 12").unwrap_err();
    assert!(e.key.starts_with("simulate") && e.problem.contains("orders_per_hr"), "{e}");
    for (line, key, problem) in [
        ("orders_per_hour = 61", "simulate.orders_per_hour", "between 0.01 and 60"),
        ("orders_per_hour = 0", "simulate.orders_per_hour", "between 0.01 and 60"),
        ("payment_mix = { 1 = 70, 99 = 30 }", "simulate.payment_mix.99", "not a RakutenPay payment code"),
        ("payment_mix = { card = 1 }", "simulate.payment_mix.card", "not a RakutenPay payment code"),
        ("payment_mix = { 1 = 0 }", "simulate.payment_mix", "at least one"),
        ("payment_mix = { 1 = 1, 01 = 1 }", "simulate.payment_mix.1", "given twice"),
        ("cancel_share = 120", "simulate.cancel_share", "percentage"),
        ("unpaid_share = 101", "simulate.unpaid_share", "percentage"),
        ("pay_within_minutes = 0", "simulate.pay_within_minutes", "at least 1"),
        ("max_units = 0", "simulate.max_units", "between 1 and 999"),
        ("max_lines = 11", "simulate.max_lines", "between 1 and 10"),
        ("max_orders = 100001", "simulate.max_orders", "between 1 and 100000"),
    ] {
        let e = build(line).unwrap_err();
        assert_eq!(e.key, key, "{line}: {e}");
        assert!(e.problem.contains(problem), "{line}: {e}");
    }
    let e = build("cancel_share = -1").unwrap_err();
    assert_eq!(e.key, "simulate.cancel_share", "{e}");
}

#[test]
fn a_shop_without_simulate_has_no_buyers_and_one_with_enabled_false_keeps_its_plan_idle() {
    let plain = parse_toml::<ShopDocument>(MINIMAL, "m.toml").unwrap().build("m.toml").unwrap();
    assert!(plain.simulation().is_none() && plain.next_simulated_arrival().is_none());
    let text = format!("{MINIMAL}\n[simulate]\nenabled = false\norders_per_hour = 30\n");
    let idle = parse_toml::<ShopDocument>(&text, "m.toml").unwrap().build("m.toml").unwrap();
    assert_eq!(idle.simulation().unwrap().plan().orders_per_hour, 30.0);
    assert_eq!(idle.next_simulated_arrival(), None);
}

/// The embedded demo shop.
fn demo_shop() -> crate::domain::shop::Shop {
    let doc: ShopDocument =
        parse_toml(DEMO_SHOP_TOML, "fixtures/shops/demo.toml").expect("the embedded demo shop parses");
    doc.build("fixtures/shops/demo.toml").expect("the embedded demo shop builds")
}
