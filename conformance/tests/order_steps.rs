//! A timeline `order` step's delivery options reach the order RMS shows (order-api.md §0:
//! orders with 置き配 and the delivery programme flags), though the ledger does not print them.

mod common;

use rms_conformance::runner::{self, Mode};
use rms_conformance::RmsClient;
use serde_json::json;

#[tokio::test]
async fn an_order_step_places_its_drop_off_location_and_flags() {
    let shop = common::conformance_shop();
    let text = format!(
        r#"
name = "drop-off"
[rms]
shop = "{shop}"
[integration]
order_import = false
inventory_sync = false
shipping_sync = false
[[timeline]]
at = "+5m"
order = {{ lines = [{{ manage_number = "tshirt-basic", variant_id = "m-black" }}], drop_off_location = "宅配ボックス", delivery_cert_program = true, one_day_operation = true }}
[run]
end = "+10m"
"#
    );
    let loaded = common::load_setup("order-steps", &text);
    let (ledger, fake) = common::run_in_process(&loaded).await;
    assert!(ledger.to_text().contains("→ 100 placed"), "{}", ledger.to_text());

    let rms = RmsClient::new(&fake.uri(), &loaded.service_secret(), &loaded.license_key());
    let window =
        json!({"dateType": 1, "startDatetime": "2026-11-28T00:00:00+0900", "endDatetime": "2026-11-29T00:00:00+0900"});
    let (_, found) = rms.order("searchOrder", &window).await.unwrap();
    let (status, v) =
        rms.order("getOrder", &json!({"orderNumberList": found["orderNumberList"], "version": 9})).await.unwrap();
    assert_eq!(status, 200, "{v}");
    let o = &v["OrderModelList"][0];
    assert_eq!((o["deliveryCertPrgFlag"].as_i64(), o["oneDayOperationFlag"].as_i64()), (Some(1), Some(1)));
    let p = &o["PackageModelList"][0];
    assert_eq!((p["dropOffFlag"].as_i64(), p["dropOffLocation"].as_str()), (Some(1), Some("宅配ボックス")));
}

/// The order kinds of issue 14 reach RMS from a timeline, and the `gift_address` and `postage`
/// steps complete them: a 予約 order, a social gift whose recipient enters the address, a
/// 送料未確定 order with two destinations whose postage the shop sets, a review-NG order.
#[tokio::test]
async fn order_steps_place_every_kind_and_the_gift_address_and_postage_steps_complete_them() {
    let shop = common::conformance_shop();
    let line = r#"[{ manage_number = "tshirt-basic", variant_id = "m-black" }]"#;
    let text = format!(
        r#"
name = "order kinds"
[rms]
shop = "{shop}"
[integration]
order_import = false
inventory_sync = false
shipping_sync = false
[[timeline]]
at = "+1m"
order = {{ id = "yoyaku", lines = {line}, order_type = 6, reserve_delivery_count = 2 }}
[[timeline]]
at = "+2m"
order = {{ id = "gift", lines = {line}, social_gift = true }}
[[timeline]]
at = "+3m"
order = {{ id = "multi", lines = {line}, postage_undetermined = true, destinations = [{{ lines = {line} }}] }}
[[timeline]]
at = "+4m"
order = {{ id = "fraud", lines = {line}, caution_display_type = 1, caution_display_detail_type = 103, review_ng = true }}
[[timeline]]
at = "+5m"
gift_address = "gift"
[[timeline]]
at = "+6m"
postage = {{ order = "multi", yen = 400 }}
[run]
end = "+10m"
"#
    );
    let loaded = common::load_setup("order-kinds", &text);
    let (ledger, fake) = common::run_in_process(&loaded).await;
    assert!(ledger.summary.notes.is_empty(), "every step applied: {:?}", ledger.summary.notes);

    let rms = RmsClient::new(&fake.uri(), &loaded.service_secret(), &loaded.license_key());
    let window =
        json!({"dateType": 1, "startDatetime": "2026-11-28T00:00:00+0900", "endDatetime": "2026-11-29T00:00:00+0900"});
    let (_, found) = rms.order("searchOrder", &window).await.unwrap();
    let (status, v) =
        rms.order("getOrder", &json!({"orderNumberList": found["orderNumberList"], "version": 10})).await.unwrap();
    assert_eq!(status, 200, "{v}");
    let o = v["OrderModelList"].as_array().unwrap();
    assert_eq!(o.len(), 4, "{v}");
    assert_eq!((o[0]["orderType"].as_i64(), o[0]["reserveDeliveryCount"].as_i64()), (Some(6), Some(2)));
    let gift = &o[1]["PackageModelList"][0];
    assert_eq!((o[1]["socialGiftFlag"].as_i64(), gift["SocialGiftModel"]["inputFlag"].as_i64()), (Some(1), Some(1)));
    assert_ne!(gift["SenderModel"]["city"], "入力待ち");
    assert_eq!((o[2]["severalSenderFlag"].as_i64(), o[2]["PackageModelList"].as_array().unwrap().len()), (Some(1), 2));
    assert_eq!(o[2]["postagePrice"].as_i64(), Some(800), "400 on each basket, set by the postage step");
    assert_eq!((o[3]["cautionDisplayDetailType"].as_i64(), o[3]["rakutenConfirmFlag"].as_i64()), (Some(103), Some(1)));
}

/// Loads and runs a setup of the conformance shop with `rest` (no integration: only RMS's
/// side plays); the run's error when it fails.
async fn run_steps(name: &str, rest: &str) -> Result<rms_conformance::ledger::Ledger, String> {
    let shop = common::conformance_shop();
    let text = format!(
        "name = \"{name}\"\n[rms]\nshop = \"{shop}\"\n[integration]\norder_import = false\ninventory_sync = false\n\
         shipping_sync = false\n{rest}\n[run]\nend = \"+10m\"\n"
    );
    let loaded = common::load_setup(&format!("strict-{name}"), &text);
    let fake = runner::start_in_process().await.unwrap();
    runner::run(&loaded, &fake.uri(), &Mode::Reference).await
}

const SIXTY_MUGS: &str = "[[timeline]]\nat = \"+1m\"\n\
    order = { lines = [{ manage_number = \"mug-white\", variant_id = \"mug-white\", units = 60 }] }\n";

#[tokio::test]
async fn an_order_the_buyer_cannot_place_is_on_the_ledger_and_a_step_naming_it_later_fails_the_run() {
    // 50 mugs in stock: RMS refuses the order (its state, not the setup's mistake).
    let l = run_steps("sold-out", SIXTY_MUGS).await.unwrap();
    let o = &l.orders[0];
    assert_eq!(o.order_number, None);
    assert_eq!(o.refused.as_deref(), Some("out of stock: mug-white/mug-white has 50 left, the order needs 60"));
    // Only the run can tell that #1 will not exist: the step naming it fails the run.
    let e = run_steps("sold-out-cancel", &format!("{SIXTY_MUGS}[[timeline]]\nat = \"+2m\"\nbuyer_cancel = \"#1\"\n"))
        .await
        .unwrap_err();
    assert_eq!(
        e,
        "timeline[1].buyer_cancel: the order '#1' does not exist: the buyer could not place it \
         (out of stock: mug-white/mug-white has 50 left, the order needs 60)"
    );
}

#[tokio::test]
async fn a_step_the_fake_refuses_for_a_reason_the_check_cannot_see_fails_the_run() {
    // Sub-status 1 belongs to 300; the order is still in 100 when the staff set it.
    let rest = "[rms.overrides]\nsub_statuses = [{ id = 1, name = \"発送前\", order_progress = 300 }]\n\
                [[timeline]]\nat = \"+1m\"\norder = { lines = [{ manage_number = \"mug-white\", variant_id = \"mug-white\" }] }\n\
                [[timeline]]\nat = \"+2m\"\nstaff = { sub_status = \"#1\", id = 1 }\n";
    let e = run_steps("sub-status", rest).await.unwrap_err();
    assert!(e.starts_with("timeline[1].staff: sub-status #1 1: the fake refused it: 400 "), "{e}");
    assert!(e.contains("1 is no sub-status of the shop for the order's status"), "{e}");
}

#[tokio::test]
async fn a_refusal_because_of_the_orders_state_stays_a_note_and_the_run_goes_on() {
    let rest = "[[timeline]]\nat = \"+1m\"\norder = { lines = [{ manage_number = \"mug-white\", variant_id = \"mug-white\" }] }\n\
                [[timeline]]\nat = \"+2m\"\nbuyer_cancel = \"#1\"\n[[timeline]]\nat = \"+3m\"\nbuyer_cancel = \"#1\"\n";
    let l = run_steps("cancel-twice", rest).await.unwrap();
    assert_eq!(l.summary.note_lines().len(), 1, "{:?}", l.summary.note_lines());
    assert!(l.summary.note_lines()[0].starts_with("+3m cancel #1 refused: "), "{:?}", l.summary.note_lines());
}
