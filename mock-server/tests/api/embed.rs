//! `RmsMock` and `MockShop`: the fake embedded in a Rust test, with shops built in Rust and
//! the control plane read back as typed answers.

use rms_mock::control::AdvanceRequest;
use rms_mock::{CouponDoc, Error, ItemDoc, OrderDoc, RmsMock, ShopDocument, VariantDoc};
use serde_json::json;

fn tshirts() -> ShopDocument {
    ShopDocument::new("123456")
        .item(ItemDoc::new("tshirt", "Tシャツ").with_variant(VariantDoc::new("m", 1980, 10).selector("サイズ", "M")))
}

#[tokio::test]
async fn every_mock_has_its_own_port_and_stops_on_drop() {
    let a = RmsMock::start().await;
    let b = RmsMock::start().await;
    assert_ne!(a.address().port(), b.address().port());
    assert_eq!(a.address().ip().to_string(), "127.0.0.1");
    assert_eq!(a.uri(), format!("http://{}", a.address()));
    let shop = a.shop(tshirts()).await.unwrap();
    let other = b.shop(tshirts()).await.unwrap();
    assert_eq!(shop.authorization(), other.authorization(), "same document, same credentials");
    shop.place_order(&OrderDoc::new().line("tshirt", "m", 1)).await.unwrap();
    assert_eq!(shop.orders().await.unwrap().len(), 1);
    assert!(other.orders().await.unwrap().is_empty(), "two mocks never share a shop");
    let control = a.control().clone();
    drop(a);
    // The server task ends once asked to; a request to it then fails to connect.
    let mut stopped = false;
    for _ in 0..1000 {
        if matches!(control.health().await, Err(Error::Http(_))) {
            stopped = true;
            break;
        }
        tokio::task::yield_now().await;
    }
    assert!(stopped, "the dropped mock still answers");
}

#[tokio::test]
async fn a_shop_built_in_rust_plays_the_buyer_and_the_clock() {
    let mock = RmsMock::start().await;
    let doc = tshirts()
        .settings(|s| s.auto_confirm = true)
        .order(OrderDoc::new().line("tshirt", "m", 2).settlement(9).used_point(100).coupon(CouponDoc::new("C1", 50)));
    let shop = mock.shop(doc).await.unwrap();
    assert_eq!(shop.shop_id(), "123456");
    assert_eq!(shop.service_secret(), "SP123456_secret");
    assert_eq!(shop.license_key(), "SL123456_license");
    assert_eq!(shop.authorization(), rms_mock::esa_header("SP123456_secret", "SL123456_license"));
    assert!(shop.settings().await.unwrap().auto_confirm);

    let existing = &shop.orders().await.unwrap()[0];
    let plain = shop.place_order(&OrderDoc::new().line("tshirt", "m", 2).settlement(9)).await.unwrap();
    assert_eq!(existing.request_price, plain.request_price - 100 - 50, "a shop-file order keeps points and coupons");
    shop.cancel(&plain.order_number).await.unwrap();
    assert_eq!(existing.settlement_method_code, 9);
    let paid = shop.pay(&existing.order_number).await.unwrap();
    assert!(paid.paid);

    let card = shop.place_order(&OrderDoc::new().line("tshirt", "m", 1)).await.unwrap();
    let fired = shop.advance_hours(1).await.unwrap();
    assert_eq!(fired.now, "2026-11-28T10:00:00+0900");
    assert_eq!(shop.now().await.unwrap(), fired.now);
    let history = shop.history(&card.order_number).await.unwrap();
    assert_eq!(history.history[0].cause, "placed");
    assert!(history.history.iter().any(|c| c.cause == "auto_confirm"), "{history:?}");
    assert_eq!(history.order_progress, shop.order(&card.order_number).await.unwrap().order_progress);
    let cancelled = shop.place_order(&OrderDoc::new().line("tshirt", "m", 1)).await.unwrap();
    assert_eq!(shop.cancel(&cancelled.order_number).await.unwrap().order_progress, 900);
    let ng = shop.place_order(&OrderDoc::new().line("tshirt", "m", 1)).await.unwrap();
    shop.review_ng(&ng.order_number).await.unwrap();
    shop.advance(&AdvanceRequest::to("2026-11-29T10:00:00+0900")).await.unwrap();
    shop.advance_days(1).await.unwrap();
    assert_eq!(shop.now().await.unwrap(), "2026-11-30T10:00:00+0900");

    let settings = shop.patch_settings(&json!({"processing_delay_minutes": 5})).await.unwrap();
    assert_eq!(settings.processing_delay_minutes, 5);
    let catalog = shop.catalog().await.unwrap();
    assert_eq!(catalog.items[0].variants[0].sku_info.as_deref(), Some("サイズ:M"));
    assert_eq!(catalog.items[0].variants[0].quantity, Some(10 - 2 - 1 - 1 - 2 + 2));
    assert_eq!(shop.journal().await.unwrap().recorded, 0, "the control plane is not journalled");
}

#[tokio::test]
async fn control_plane_refusals_are_typed_errors() {
    let mock = RmsMock::start().await;
    let shop = mock.shop(tshirts()).await.unwrap();
    match mock.shop(tshirts()).await {
        Err(Error::Control { status: 409, code, .. }) => assert_eq!(code, "conflict"),
        other => panic!("{other:?}"),
    }
    match shop.place_order(&OrderDoc::new().line("tshirt", "xl", 1)).await {
        Err(Error::Control { status: 400, message, .. }) => {
            assert!(message.contains("lines[0].variant_id"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    let e = shop.pay("123456-20261128-0000000000").await.unwrap_err();
    assert!(matches!(e, Error::Control { status: 404, .. }), "{e}");
    let bad = ShopDocument::new("12");
    let e = mock.shop(bad).await.unwrap_err();
    assert_eq!(e.to_string(), "400 request body: shop.shop_id: '12' is not 6 digits");
}

#[tokio::test]
async fn every_control_plane_answer_reads_back_into_its_type() {
    let mock = RmsMock::start_with(rms_mock::AppState::demo()).await.unwrap();
    let control = mock.control();
    assert_eq!(control.health().await.unwrap().shops, 1);
    let demo = control.existing_shop("123456").await.unwrap();
    let doc = ShopDocument::new("654321").name("n").item(ItemDoc::new("socks", "ソックス").variant("s", 500, 1));
    let mut shop = mock.shop(doc).await.unwrap();
    assert_eq!(control.shops().await.unwrap().shops.len(), 2);
    let detail = demo.detail().await.unwrap();
    assert_eq!(detail.orders_by_status.len(), 9);
    assert!(detail.license_valid);
    assert!(!detail.catalog.items.is_empty());

    let made = shop.generate_catalog(&rms_mock::GenerateDoc::new(3)).await.unwrap();
    assert_eq!((made.generated, made.first.is_some(), made.last.is_some()), (3, true, true));
    assert_eq!(shop.catalog().await.unwrap().items.len(), 4);
    assert_eq!(shop.detail().await.unwrap().credentials.name, "n");

    // A renewed licence: the handle carries the new credentials; the old header stops working.
    let old = shop.authorization().to_string();
    let renewal = rms_mock::control::LicenseRenewal { license_key: "SL654321_new".into(), issued_at: None };
    assert_eq!(shop.renew_license(&renewal).await.unwrap().license_key, "SL654321_new");
    assert_ne!(shop.authorization(), old);
    let search = |auth: String| {
        reqwest::Client::new()
            .post(format!("{}/es/2.0/order/searchOrder/", mock.uri()))
            .header("Authorization", auth)
            .json(&json!({}))
            .send()
    };
    assert_eq!(search(old).await.unwrap().status(), 401);
    assert_eq!(search(shop.authorization().into()).await.unwrap().status(), 400, "known shop, bad search");
    let statuses: Vec<u16> = shop.journal().await.unwrap().entries.iter().map(|e| e.status).collect();
    assert_eq!(statuses, vec![401, 400], "a known secret with the old key lands in the shop's journal");
    shop.clear_journal().await.unwrap();
    assert!(shop.journal().await.unwrap().entries.is_empty());

    shop.delete().await.unwrap();
    assert!(matches!(shop.now().await, Err(Error::Control { status: 404, .. })));
    assert_eq!(control.reset().await.unwrap().shops, 1);
    let again = control.existing_shop("123456").await.unwrap();
    assert_eq!(again.orders().await.unwrap(), demo.orders().await.unwrap(), "reset re-creates the same orders");
}
