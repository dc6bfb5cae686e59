//! Every customer setup in `fixtures/setups/`: its ledger is snapshotted, and its defining
//! outcome is asserted directly, so a wrong snapshot accepted by mistake still fails. Every
//! setup's JSON ledger validates against `schemas/ledger.schema.json`, names every
//! integration action's kind, reads back into the same ledger, and draws in the HTML report.

use rms_conformance::ledger::Ledger;
use rms_conformance::runner::{run, start_in_process, Mode};
use rms_conformance::setup::load;
use std::path::PathBuf;

#[path = "../../testkit/json_schema.rs"]
mod json_schema;

const LEDGER_SCHEMA: &str = include_str!("../../schemas/ledger.schema.json");

fn setups_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/setups")
}

async fn ledger(file: &str) -> Ledger {
    ledger_and_fake(file).await.0
}

/// The ledger, and the fake it ran on (to look at RMS's side afterwards).
async fn ledger_and_fake(file: &str) -> (Ledger, rms_mock::RmsMock) {
    let setup = load(&setups_dir().join(file)).unwrap_or_else(|e| panic!("{e}"));
    let fake = start_in_process().await.unwrap();
    let ledger = run(&setup, &fake.uri(), &Mode::Reference).await.unwrap_or_else(|e| panic!("{file}: {e}"));
    insta::assert_snapshot!(file.trim_end_matches(".toml"), ledger.to_text());
    check_json(file, &ledger);
    (ledger, fake)
}

/// The JSON ledger as `run --format json` prints it (an array of ledgers) validates against
/// the schema; no integration line is left without a kind; it reads back into the same ledger,
/// so the text rendered from the JSON is the text ledger.
fn check_json(file: &str, ledger: &Ledger) {
    let schema: serde_json::Value = serde_json::from_str(LEDGER_SCHEMA).unwrap();
    let doc = serde_json::to_value([ledger]).unwrap();
    let problems = json_schema::validate(&schema, &doc);
    assert!(problems.is_empty(), "{file}: {problems:#?}");
    for o in &ledger.orders {
        let unnamed: Vec<&str> =
            o.integration.iter().filter(|a| a.action == "other").map(|a| a.text.as_str()).collect();
        assert!(unnamed.is_empty(), "{file}: integration lines without a kind: {unnamed:?}");
    }
    let back: Ledger = serde_json::from_str(&ledger.to_json()).unwrap();
    assert_eq!(&back, ledger, "{file}");
    // The HTML report draws it: a lane per order, every number a number.
    let html = rms_conformance::report::html(std::slice::from_ref(ledger));
    assert_eq!(html.matches("<svg class=\"lane order-lane\"").count(), ledger.orders.len(), "{file}");
    assert!(!html.contains("NaN") && !html.contains("inf\""), "{file}");
}

const TESTED: &[&str] = &[
    "01_guide_followed.toml",
    "02_auto_confirm_on.toml",
    "03_no_inventory_api.toml",
    "04_license_expired.toml",
    "05_mistyped_credentials.toml",
    "06_declared_migrated_shop_not.toml",
    "07_declared_not_migrated_shop_migrated.toml",
    "08_no_product_master.toml",
    "09_poll_overlap.toml",
    "10_prepayment.toml",
    "11_inventory_off.toml",
    "12_rate_limited.toml",
    "13_buyer_cancel_before_poll.toml",
    "14_unconfirmed_14_days.toml",
    "15_guide_50_orders.toml",
    "16_maintenance_window.toml",
    "17_lost_confirm_answer.toml",
    "18_get_order_500_storm.toml",
    "19_partial_bulk_upsert.toml",
    "20_outage_sliding_window.toml",
    "21_outage_backfilled.toml",
    "22_importer_stopped_after_maintenance.toml",
    "23_shipping_without_date.toml",
    "24_shipping_fields_checked.toml",
    "25_cancelled_after_import_shipped.toml",
    "26_cancel_caught_before_shipping.toml",
    "27_stock_push_unknown_sku.toml",
    "28_stock_read_back.toml",
    "29_sale_day_one_page.toml",
    "30_sale_day_sliced.toml",
    "31_totals_summed_from_items.toml",
    "32_totals_from_request_price.toml",
    "33_payment_mapped_by_name.toml",
    "34_payment_mapped_by_code.toml",
    "35_async_shipping_not_polled.toml",
    "36_async_shipping_polled.toml",
    "37_shipping_errors_unread.toml",
    "38_review_ng_shipped.toml",
    "39_review_ng_held.toml",
    "40_key_with_stray_space.toml",
    "41_key_trimmed.toml",
    "42_postage_undetermined_confirmed.toml",
    "43_postage_undetermined_held.toml",
    "44_order_types_skipped.toml",
    "45_order_types_all_imported.toml",
    "46_social_gift_shipped_unaddressed.toml",
    "47_social_gift_held.toml",
    "48_fraud_flag_shipped.toml",
    "49_fraud_flag_held.toml",
    "50_several_destinations_one_basket.toml",
    "51_several_destinations_every_basket.toml",
    "52_confirm_clash_staff.toml",
    "53_confirm_clash_treated_as_done.toml",
    "54_edited_in_rms_after_import.toml",
    "55_rms_edit_detected.toml",
    "56_renewed_key_not_active_yet.toml",
    "57_renewed_key_old_one_kept.toml",
    "58_app_scope_update_pending.toml",
    "59_app_scope_explained_and_approved.toml",
    "60_stock_by_hand_overwritten.toml",
    "61_stock_by_hand_adopted.toml",
    "62_key_for_another_app.toml",
    "63_key_for_another_app_explained.toml",
];

#[test]
fn every_setup_file_passes_the_timeline_check() {
    // Issue 15: the check before the run (items, variants, labels, fault ids, …) refuses none
    // of the shipped setups; their ledgers are the snapshots'.
    for f in TESTED {
        if let Err(e) = load(&setups_dir().join(f)) {
            panic!("{e}");
        }
    }
}

#[test]
fn every_setup_file_has_a_test() {
    let mut files: Vec<String> = std::fs::read_dir(setups_dir())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    files.sort();
    assert_eq!(files, TESTED);
}

#[tokio::test]
async fn guide_followed_orders_import_confirm_ship_and_stock_is_pushed() {
    let l = ledger("01_guide_followed.toml").await;
    for label in ["#1", "#2"] {
        let o = l.order(label).unwrap();
        assert!(o.integration_has("imported → 出荷待ち"), "{label}: {o:?}");
        assert!(
            o.rms_has("confirmOrder") && o.rms_has("updateOrderShipping") && o.rms_has("payment_settled"),
            "{label}: {o:?}"
        );
    }
    assert!(l.summary.errors.is_empty(), "{:?}", l.summary.errors);
    assert_eq!(l.summary.stock_pushed.get("TS-M-BK"), Some(&38), "40 in the tool, 2 allocated");
}

#[tokio::test]
async fn auto_confirm_on_means_every_order_is_never_seen_and_nothing_fails() {
    let l = ledger("02_auto_confirm_on.toml").await;
    for o in &l.orders {
        assert!(o.rms_has("auto_confirm"), "{o:?}");
        assert!(o.integration_has("never seen"), "{o:?}");
    }
    assert!(l.summary.errors.is_empty());
}

#[tokio::test]
async fn without_the_inventory_api_orders_flow_and_pushes_fail_with_es04_01() {
    let l = ledger("03_no_inventory_api.toml").await;
    assert!(l.order("#1").unwrap().rms_has("updateOrderShipping"));
    assert_eq!(l.summary.error_keys(), ["ES04-01"]);
    assert!(l.summary.stock_pushed.is_empty());
}

#[tokio::test]
async fn an_expired_license_fails_every_call_with_es01_01() {
    let l = ledger("04_license_expired.toml").await;
    assert_eq!(l.summary.error_keys(), ["ES01-01"]);
    let total: usize = l.summary.calls.values().sum();
    assert_eq!(l.summary.error_count("ES01-01").unwrap_or(0), total, "every call");
    assert!(l.order("#1").unwrap().integration_has("never seen"));
}

#[tokio::test]
async fn mistyped_credentials_fail_from_the_first_call() {
    let l = ledger("05_mistyped_credentials.toml").await;
    let total: usize = l.summary.calls.values().sum();
    assert!(total > 0);
    assert_eq!(l.summary.error_count("ES01-01"), Some(total));
}

#[tokio::test]
async fn declared_migrated_on_an_unmigrated_shop_rejects_orders_and_gets_ie1105() {
    let l = ledger("06_declared_migrated_shop_not.toml").await;
    assert!(l.order("#1").unwrap().integration_has("rejected: no product master"));
    assert!(l.summary.error_count("IE1105").is_some());
}

#[tokio::test]
async fn declared_unmigrated_on_a_migrated_shop_rejects_items_with_variations() {
    let l = ledger("07_declared_not_migrated_shop_migrated.toml").await;
    assert!(l.order("#1").unwrap().integration_has("rejected: no product master for SKU itemNumber tshirt-basic"));
    assert!(l.order("#2").unwrap().integration_has("imported"));
}

#[tokio::test]
async fn an_item_without_product_master_rejects_only_its_order() {
    let l = ledger("08_no_product_master.toml").await;
    assert!(l.order("with-mug").unwrap().integration_has("rejected: no product master for SKU MUG-WH"));
    assert!(!l.order("with-mug").unwrap().rms_has("confirmOrder"));
    for label in ["#1", "#3"] {
        assert!(l.order(label).unwrap().integration_has("imported → 出荷待ち"), "{label}");
    }
}

#[tokio::test]
async fn overlapping_polls_skip_duplicates_and_never_import_twice() {
    let l = ledger("09_poll_overlap.toml").await;
    for o in &l.orders {
        let lines = o.integration_lines();
        let imports = lines.iter().filter(|(_, w)| w.starts_with("imported")).count();
        assert_eq!(imports, 1, "{o:?}");
        assert!(o.integration_has("skipped: already imported"), "{o:?}");
    }
}

#[tokio::test]
async fn prepaid_orders_are_held_until_paid_or_cancelled_at_the_deadline() {
    let l = ledger("10_prepayment.toml").await;
    let bank = l.order("bank").unwrap();
    assert!(bank.integration_has("保留(入金確認)") && bank.integration_has("payment confirmed → 出荷待ち"));
    assert!(bank.rms_has("payment") && bank.rms_has("updateOrderShipping"));
    let konbini = l.order("konbini").unwrap();
    assert!(konbini.rms_has("payment_deadline"), "{konbini:?}");
    assert!(konbini.integration_has("cancelled in RMS"));
}

#[tokio::test]
async fn inventory_off_makes_no_item_or_inventory_call() {
    let l = ledger("11_inventory_off.toml").await;
    assert!(
        l.summary.calls.keys().all(|k| !k.starts_with("items.") && !k.starts_with("inventories.")),
        "{:?}",
        l.summary.calls
    );
    assert!(l.order("#1").unwrap().integration_has("imported"));
}

#[tokio::test]
async fn polling_faster_than_the_rate_limit_is_throttled_and_retried() {
    let l = ledger("12_rate_limited.toml").await;
    assert!(l.summary.error_count("ES04-02").is_some_and(|n| n > 0), "{:?}", l.summary.errors);
    for o in &l.orders {
        assert!(o.integration_has("imported"), "retries got through: {o:?}");
    }
}

#[tokio::test]
async fn a_buyer_cancel_before_the_first_poll_is_never_seen() {
    let l = ledger("13_buyer_cancel_before_poll.toml").await;
    let o = l.order("#1").unwrap();
    assert!(o.rms_has("buyer_cancel") && o.integration_has("never seen"), "{o:?}");
}

#[tokio::test]
async fn an_order_left_unconfirmed_is_cancelled_by_rms_after_14_days() {
    let l = ledger("14_unconfirmed_14_days.toml").await;
    let o = l.order("#1").unwrap();
    assert!(o.rms_has("auto_cancel"), "{o:?}");
    assert!(o.rms_lines().iter().any(|(at, w)| at == "+14d00h05m" && w.contains("100 → 900")), "{o:?}");
    assert!(o.integration_has("cancelled in RMS"));
}

#[tokio::test]
async fn fifty_orders_of_mixed_payments_all_import_and_ship() {
    let l = ledger("15_guide_50_orders.toml").await;
    assert_eq!(l.orders.len(), 50);
    for o in &l.orders {
        assert!(o.integration_has("imported"), "{o:?}");
        assert!(o.rms_has("updateOrderShipping"), "{o:?}");
    }
    let held = l.orders.iter().filter(|o| o.integration_has("保留(入金確認)")).count();
    assert_eq!(held, 15, "bank, 7-Eleven and convenience prepayments: 3 in every 10");
    assert!(l.summary.errors.is_empty(), "{:?}", l.summary.errors);
}

#[tokio::test]
async fn orders_placed_during_a_maintenance_window_are_imported_after_it_and_none_is_lost() {
    let l = ledger("16_maintenance_window.toml").await;
    let imported_at = |label: &str| {
        let o = l.order(label).unwrap();
        assert!(o.rms_has("confirmOrder"), "{label}: {o:?}");
        let lines = o.integration_lines();
        let at = lines.iter().find(|(_, w)| w.starts_with("imported")).map(|(at, _)| at.clone());
        at.unwrap_or_else(|| panic!("{label} never imported: {o:?}"))
    };
    assert_eq!(imported_at("#1"), "+15m", "before the window");
    // Placed inside the window (+25m, +40m), imported at the first poll after it (+1h).
    assert_eq!(imported_at("#2"), "+1h00m");
    assert_eq!(imported_at("#3"), "+1h00m");
    // The polls at +30m and +45m met the maintenance: 7 attempts each, then gave up.
    assert_eq!(l.summary.fault_lines().len(), 1, "{:?}", l.summary.fault_lines());
    assert!(
        l.summary.fault_lines()[0].starts_with("+30m maint maintenance on searchOrder (503) (×14"),
        "{:?}",
        l.summary.fault_lines()
    );
    assert!(
        l.summary
            .note_lines()
            .iter()
            .any(|n| n.starts_with("+31m03s searchOrder failed: 503 SEARCH_ORDER_ERROR_503 (×2")),
        "{:?}",
        l.summary.note_lines()
    );
}

#[tokio::test]
async fn a_lost_confirm_answer_is_met_as_already_confirmed_and_the_order_flows_on() {
    let l = ledger("17_lost_confirm_answer.toml").await;
    let o = l.order("#1").unwrap();
    let confirms = o.rms_lines().iter().filter(|(_, w)| w.contains("100 → 200")).count();
    assert_eq!(confirms, 1, "one status change: {o:?}");
    assert!(o.rms_has("confirmOrder") && o.rms_has("updateOrderShipping"), "{o:?}");
    assert!(o.integration_has("! fault lost drop_after_effect on confirmOrder"), "{o:?}");
    assert!(o.integration_has("confirmed: an earlier attempt had taken effect unseen"), "{o:?}");
    assert!(!o.integration_has("refused"), "{o:?}");
    assert!(o.integration_has("shipping reported"), "{o:?}");
    assert!(o.call_lines().iter().any(|c| c == "confirmOrder no answer"), "{:?}", o.calls);
}

#[tokio::test]
async fn a_500_storm_on_get_order_is_retried_with_backoff_reported_when_given_up_and_imported_later() {
    let l = ledger("18_get_order_500_storm.toml").await;
    let first = l.order("#1").unwrap();
    let lines = first.integration_lines();
    let gave_up =
        lines.iter().find(|(_, w)| w.starts_with("getOrder gave up after 7 attempts (500 GET_ORDER_ERROR_500)"));
    // 1 + 2 + 4 + 8 + 16 + 32 seconds of backoff after the +15m poll's first attempt.
    assert_eq!(gave_up.map(|(at, _)| at.as_str()), Some("+16m03s"), "{first:?}");
    // The 500s answered before the body was read; the ledger still ties them to the order.
    let storm = ("+15m".to_string(), "! fault storm system_error on getOrder (500) (×7, last +16m03s)".to_string());
    assert_eq!(first.integration_lines().first(), Some(&storm), "{first:?}");
    for label in ["#1", "#2"] {
        let o = l.order(label).unwrap();
        // The next poll met the storm's last two 500s, then got through after 1 + 2 s.
        assert!(
            o.integration_lines().iter().any(|(at, w)| at == "+30m03s" && w.starts_with("imported")),
            "{label}: {o:?}"
        );
        assert!(o.rms_has("confirmOrder"), "{label}: {o:?}");
    }
    assert_eq!(l.summary.error_count("GET_ORDER_ERROR_500"), Some(9), "{:?}", l.summary.errors);
    assert!(
        l.summary.fault_lines().iter().any(|f| f.contains("storm system_error on getOrder (500) (×9")),
        "{:?}",
        l.summary.fault_lines()
    );
}

#[tokio::test]
async fn a_row_refused_in_a_bulk_upsert_is_reported_and_pushed_again_so_rms_ends_with_the_tools_stock() {
    let (l, fake) = ledger_and_fake("19_partial_bulk_upsert.toml").await;
    assert!(
        l.summary.note_lines().iter().any(|n| n.starts_with("+15m inventory push: TS-L-WH=25 refused")),
        "{:?}",
        l.summary.note_lines()
    );
    assert_eq!(l.summary.calls.get("inventories.bulk-upsert"), Some(&2), "the refused row pushed once more");
    let pushed: Vec<(&str, i64)> = l.summary.stock_pushed.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    assert_eq!(pushed, [("MUG-WH", 10), ("SOCKS-3P", 60), ("TS-L-WH", 25), ("TS-M-BK", 38)]);
    // RMS's stock is the tool's (it started at 200 for TS-L-WH).
    let shop = fake.control().existing_shop("300001").await.unwrap();
    let catalog = shop.catalog().await.unwrap();
    let mut stock: Vec<(String, Option<i64>)> = catalog
        .items
        .iter()
        .flat_map(|i| i.variants.iter().map(|v| (v.merchant_defined_sku_id.clone().unwrap_or_default(), v.quantity)))
        .collect();
    stock.sort();
    let expected = [("MUG-WH", 10), ("SOCKS-3P", 60), ("TS-L-WH", 25), ("TS-M-BK", 38)];
    assert_eq!(stock, expected.map(|(s, q)| (s.to_string(), Some(q))));
}

// ----- Field failures (shared/rms-spec/field-failures.md): the careless tool's symptom and the
// careful tool's fix, each a setup of its own (README "The setups").

/// When the tool imported an order (its first `imported` line), or None.
fn imported_at(l: &Ledger, label: &str) -> Option<String> {
    let o = l.order(label).unwrap_or_else(|| panic!("no order {label}"));
    o.integration_lines().iter().find(|(_, w)| w.starts_with("imported")).map(|(at, _)| at.clone())
}

#[tokio::test]
async fn a_sliding_search_window_skips_the_orders_placed_early_in_a_long_outage() {
    let l = ledger("20_outage_sliding_window.toml").await;
    assert_eq!(imported_at(&l, "#1").as_deref(), Some("+15m"));
    for label in ["#2", "#3"] {
        let o = l.order(label).unwrap();
        assert!(o.integration_has("never seen"), "{label}: {o:?}");
        assert_eq!(o.rms_lines().len(), 1, "still in 100: {o:?}");
    }
    assert_eq!(imported_at(&l, "#4").as_deref(), Some("+4h00m"), "inside the last 60 minutes");
    assert!(l.integration.ends_with("habits: sliding search window 60m"), "{}", l.integration);
}

#[tokio::test]
async fn searching_from_the_last_success_backfills_a_long_outage() {
    let l = ledger("21_outage_backfilled.toml").await;
    for label in ["#2", "#3", "#4"] {
        assert_eq!(imported_at(&l, label).as_deref(), Some("+4h00m"), "{label}");
        assert!(l.order(label).unwrap().rms_has("confirmOrder"), "{label}");
    }
    assert!(!l.integration.contains("habits"), "the reference tool: {}", l.integration);
}

#[tokio::test]
async fn an_importer_that_stops_on_a_failed_search_imports_nothing_after_a_short_maintenance() {
    let l = ledger("22_importer_stopped_after_maintenance.toml").await;
    assert_eq!(imported_at(&l, "#1").as_deref(), Some("+15m"));
    for label in ["#2", "#3"] {
        assert!(l.order(label).unwrap().integration_has("never seen"), "{label}");
    }
    // One failed poll (3 attempts), then no search at all: 1 + 3 searches.
    assert_eq!(l.summary.calls.get("searchOrder"), Some(&4), "{:?}", l.summary.calls);
    assert!(
        l.summary.note_lines().iter().any(|n| n.starts_with("+45m order import stopped after a failed search")),
        "{:?}",
        l.summary.note_lines()
    );
}

#[tokio::test]
async fn a_shipping_report_without_a_date_is_accepted_but_the_order_never_reaches_500() {
    let l = ledger("23_shipping_without_date.toml").await;
    let o = l.order("#1").unwrap();
    assert!(o.integration_has("shipping reported (1001 4471-0001-2233)"), "{o:?}");
    assert!(!o.rms_lines().iter().any(|(_, w)| w.contains("→ 500")), "RMS keeps it in 300: {o:?}");
    assert!(l.order("#2").unwrap().rms_has("updateOrderShipping"), "the complete one reaches 500");
    assert!(l.summary.errors.is_empty(), "HTTP 200 and INFO only: {:?}", l.summary.errors);
}

#[tokio::test]
async fn a_tool_that_checks_the_shipping_fields_holds_the_shipment_without_a_date() {
    let l = ledger("24_shipping_fields_checked.toml").await;
    let o = l.order("#1").unwrap();
    assert!(o.integration_has("shipping not reported: no date from the warehouse"), "{o:?}");
    assert!(!o.call_lines().iter().any(|c| c.starts_with("updateOrderShipping")), "never sent: {:?}", o.calls);
    assert!(l.order("#2").unwrap().rms_has("updateOrderShipping"));
}

#[tokio::test]
async fn an_order_the_buyer_cancelled_after_import_is_shipped_and_its_report_refused() {
    let l = ledger("25_cancelled_after_import_shipped.toml").await;
    let o = l.order("#1").unwrap();
    assert!(o.rms_has("buyer_cancel"), "{o:?}");
    assert!(o.integration_has("shipping report failed: 200 UPDATE_ORDERSHIPPING_ERROR_102"), "{o:?}");
    let lines = o.integration_lines();
    let noticed = lines.iter().find(|(_, w)| w.starts_with("cancelled in RMS")).map(|(at, _)| at.as_str());
    assert_eq!(noticed, Some("+1h15m"), "the hourly re-read, after the warehouse shipped it");
}

#[tokio::test]
async fn rechecking_before_shipping_takes_the_cancelled_order_off_the_pick_list() {
    let l = ledger("26_cancel_caught_before_shipping.toml").await;
    let o = l.order("#1").unwrap();
    let lines = o.integration_lines();
    let noticed = lines.iter().find(|(_, w)| w.starts_with("cancelled in RMS")).map(|(at, _)| at.as_str());
    assert_eq!(noticed, Some("+30m"), "{o:?}");
    assert!(!o.integration_has("shipping"), "never shipped: {o:?}");
    assert!(l.order("#2").unwrap().rms_has("updateOrderShipping"));
    assert!(l.summary.errors.is_empty(), "{:?}", l.summary.errors);
}

#[tokio::test]
async fn a_stock_push_to_an_unknown_variant_is_answered_204_and_counted_as_pushed() {
    let (l, fake) = ledger_and_fake("27_stock_push_unknown_sku.toml").await;
    assert_eq!(l.summary.stock_pushed.get("tshirt-basic/m-navy"), Some(&30), "{:?}", l.summary.stock_pushed);
    assert!(
        l.summary.errors.is_empty() && l.summary.notes.is_empty(),
        "{:?} {:?}",
        l.summary.errors,
        l.summary.note_lines()
    );
    // RMS's catalog has no such variant: Rakuten shows nothing.
    let catalog = fake.control().existing_shop("300001").await.unwrap().catalog().await.unwrap();
    let variants: Vec<String> =
        catalog.items.iter().flat_map(|i| i.variants.iter().map(|v| v.variant_id.clone())).collect();
    assert!(!variants.contains(&"m-navy".to_string()), "{variants:?}");
}

#[tokio::test]
async fn reading_stock_back_names_the_orphan_record_of_an_unknown_variant() {
    let l = ledger("28_stock_read_back.toml").await;
    assert_eq!(l.summary.calls.get("inventories.bulk-get"), Some(&1), "{:?}", l.summary.calls);
    let lines = l.summary.note_lines();
    let orphan: Vec<&String> = lines.iter().filter(|n| n.contains("orphan record")).collect();
    assert_eq!(orphan.len(), 1, "{:?}", l.summary.note_lines());
    assert!(orphan[0].contains("tshirt-basic/m-navy"), "{orphan:?}");
}

#[tokio::test]
async fn reading_one_page_on_a_sale_day_imports_20_of_50_orders() {
    let l = ledger("29_sale_day_one_page.toml").await;
    let imported = l.orders.iter().filter(|o| o.integration_has("imported")).count();
    let never = l.orders.iter().filter(|o| o.integration_has("never seen")).count();
    assert_eq!((l.orders.len(), imported, never), (50, 20, 30));
}

#[tokio::test]
async fn slicing_busy_searches_by_total_records_imports_all_50_orders() {
    let l = ledger("30_sale_day_sliced.toml").await;
    assert!(l.orders.iter().all(|o| o.integration_has("imported")), "every order imported");
    assert_eq!(l.orders.len(), 50);
    assert_eq!(
        l.summary.note_lines().iter().filter(|n| n.contains("window sliced in two")).count(),
        3,
        "{:?}",
        l.summary.note_lines()
    );
}

#[tokio::test]
async fn totals_summed_from_the_items_miss_coupons_and_points() {
    let l = ledger("31_totals_summed_from_items.toml").await;
    let o = l.order("#1").unwrap();
    assert!(
        o.integration_has("≠ RMS requestPrice ¥3710 (couponAllTotalPrice ¥300, usedPoint 500, differs by ¥800)"),
        "{o:?}"
    );
    assert!(l.order("#2").unwrap().integration_has("= RMS requestPrice"));
}

#[tokio::test]
async fn totals_from_request_price_match_rms() {
    let l = ledger("32_totals_from_request_price.toml").await;
    let o = l.order("#1").unwrap();
    assert!(o.integration_has("booked total ¥3710 (requestPrice; TaxSummary 10%"), "{o:?}");
}

#[tokio::test]
async fn payment_methods_mapped_by_name_come_out_blank_for_newer_methods() {
    let l = ledger("33_payment_mapped_by_name.toml").await;
    assert!(l.order("#1").unwrap().integration_has("payment method: クレジットカード"));
    assert!(l
        .order("#2")
        .unwrap()
        .integration_has("payment method: blank (the tool knows no method named 「Apple Pay」)"));
    assert!(l
        .order("#3")
        .unwrap()
        .integration_has("payment method: blank (the tool knows no method named 「後払い決済」)"));
}

#[tokio::test]
async fn payment_methods_mapped_by_code_are_all_named() {
    let l = ledger("34_payment_mapped_by_code.toml").await;
    for (label, line) in [("#1", "code 1 クレジットカード"), ("#2", "code 12 Apple Pay"), ("#3", "code 21 後払い決済")]
    {
        assert!(l.order(label).unwrap().integration_has(line), "{label}");
    }
    assert!(!l.orders.iter().any(|o| o.integration_has("blank")));
}

#[tokio::test]
async fn an_async_shipping_report_counts_as_done_though_rms_refused_it() {
    let l = ledger("35_async_shipping_not_polled.toml").await;
    let o = l.order("#1").unwrap();
    assert!(o.integration_has("async request accepted") && o.rms_has("buyer_cancel"), "{o:?}");
    assert_eq!(l.summary.calls.get("getResultUpdateOrderShippingAsync"), None, "never read");
    assert!(l.summary.errors.is_empty(), "the refusal is only in the result: {:?}", l.summary.errors);
}

#[tokio::test]
async fn polling_the_async_shipping_result_catches_the_refused_order() {
    let l = ledger("36_async_shipping_polled.toml").await;
    let o = l.order("#1").unwrap();
    assert!(o.integration_has("async shipping result: refused (UPDATE_ORDERSHIPPING_ERROR_102)"), "{o:?}");
    assert!(l.order("#2").unwrap().integration_has("async shipping result: done"));
    assert!(l.order("#2").unwrap().rms_has("updateOrderShippingAsync"));
    assert_eq!(l.summary.calls.get("getResultUpdateOrderShippingAsync"), Some(&2));
}

#[tokio::test]
async fn trusting_http_200_marks_a_refused_shipping_report_as_shipped() {
    let l = ledger("37_shipping_errors_unread.toml").await;
    let o = l.order("#1").unwrap();
    assert!(o.integration_has("HTTP 200, messages not read") && o.rms_has("buyer_cancel"), "{o:?}");
    assert!(!o.integration_has("failed"), "{o:?}");
    assert_eq!(l.summary.error_count("UPDATE_ORDERSHIPPING_ERROR_102"), Some(1), "RMS said so: {:?}", l.summary.errors);
}

#[tokio::test]
async fn an_order_whose_card_review_failed_is_shipped_then_cancelled_by_rakuten() {
    let l = ledger("38_review_ng_shipped.toml").await;
    let o = l.order("#1").unwrap();
    assert!(o.integration_has("imported → 出荷待ち"), "{o:?}");
    assert!(o.integration_has("shipping report failed: 200 UPDATE_ORDERSHIPPING_ERROR_103"), "not in 300: {o:?}");
    assert!(o.rms_has("review_ng_deadline"), "{o:?}");
}

#[tokio::test]
async fn holding_orders_until_300_keeps_the_review_ng_order_from_the_warehouse() {
    let l = ledger("39_review_ng_held.toml").await;
    let o = l.order("#1").unwrap();
    assert!(o.integration_has("imported → 保留(楽天処理中"), "{o:?}");
    assert!(!o.integration_has("shipping"), "never shipped: {o:?}");
    assert!(o.integration_has("cancelled in RMS (900): removed from 保留"), "{o:?}");
    let two = l.order("#2").unwrap();
    assert!(two.integration_has("RMS has it in 300 → 出荷待ち") && two.rms_has("updateOrderShipping"), "{two:?}");
    assert!(l.summary.errors.is_empty(), "{:?}", l.summary.errors);
}

#[tokio::test]
async fn a_license_key_pasted_with_a_space_fails_every_call_with_es01_01() {
    let l = ledger("40_key_with_stray_space.toml").await;
    assert_eq!(l.summary.error_count("ES01-01"), Some(2), "{:?}", l.summary.errors);
    assert!(l.order("#1").unwrap().integration_has("never seen"));
}

#[tokio::test]
async fn trimming_the_pasted_key_makes_every_call_succeed() {
    let l = ledger("41_key_trimmed.toml").await;
    assert!(l.summary.errors.is_empty(), "{:?}", l.summary.errors);
    assert!(l.order("#1").unwrap().rms_has("confirmOrder"));
}

#[tokio::test]
async fn an_order_with_postage_to_be_set_is_confirmed_and_refused_with_error_105() {
    let l = ledger("42_postage_undetermined_confirmed.toml").await;
    let o = l.order("#1").unwrap();
    assert!(o.integration_has("confirmOrder refused: ORDER_EXT_API_CONFIRM_ORDER_ERROR_105"), "{o:?}");
    assert!(o.integration_has("RMS requestPrice ¥-9999"), "the placeholder summed: {o:?}");
    assert_eq!(o.rms_lines().len(), 1, "still in 100: {o:?}");
    assert!(l.order("#2").unwrap().rms_has("confirmOrder"), "postage free: flows");
}

#[tokio::test]
async fn holding_incomplete_orders_keeps_the_minus_9999_order_unconfirmed_and_re_reads_it() {
    let l = ledger("43_postage_undetermined_held.toml").await;
    let o = l.order("#1").unwrap();
    assert!(
        o.integration_has("imported → 保留(金額未確定: postagePrice, totalPrice, requestPrice −9999; not confirmed)"),
        "{o:?}"
    );
    // Re-read at every poll and confirmed only once the shop set the postage (+30m).
    assert!(
        o.integration_lines().contains(&("+30m".into(), "complete now (requestPrice ¥2530) → 出荷待ち".into())),
        "{o:?}"
    );
    let rms = o.rms_lines();
    let confirmed = rms.iter().find(|(_, w)| w == "100 → 200 confirmOrder").map(|(at, _)| at.as_str());
    assert_eq!(confirmed, Some("+45m"), "{o:?}");
    assert!(!o.integration_has("refused"), "{o:?}");
    assert!(l.summary.errors.is_empty(), "{:?}", l.summary.errors);
}

#[tokio::test]
async fn a_tool_that_imports_only_some_order_types_skips_the_subscription_and_reservation_orders() {
    let l = ledger("44_order_types_skipped.toml").await;
    assert!(l.order("#1").unwrap().integration_has("imported"));
    for (label, t) in [("#2", "orderType 5 (頒布会)"), ("#3", "orderType 6 (予約商品)")] {
        let o = l.order(label).unwrap();
        assert!(o.integration_has(&format!("skipped: {t} is not imported by the tool")), "{o:?}");
        assert_eq!(o.rms_lines().len(), 1, "never confirmed: {o:?}");
    }
}

#[tokio::test]
async fn every_order_type_is_imported_by_the_reference_tool() {
    let l = ledger("45_order_types_all_imported.toml").await;
    for o in &l.orders {
        assert!(o.integration_has("imported → 出荷待ち") && o.rms_has("confirmOrder"), "{o:?}");
    }
}

#[tokio::test]
async fn a_social_gift_without_an_address_is_shipped_by_the_careless_tool() {
    let l = ledger("46_social_gift_shipped_unaddressed.toml").await;
    let o = l.order("#1").unwrap();
    assert!(o.integration_has("shipping reported"), "{o:?}");
    assert!(!o.integration_has("住所入力待ち"), "{o:?}");
}

#[tokio::test]
async fn a_social_gift_is_held_until_the_address_is_entered() {
    let l = ledger("47_social_gift_held.toml").await;
    let o = l.order("#1").unwrap();
    assert!(
        o.integration_has("imported → 保留(住所入力待ち: the recipient enters the address by 2026-12-05)"),
        "{o:?}"
    );
    assert!(
        o.integration_lines().contains(&("+1h30m".into(), "complete now (requestPrice ¥2530) → 出荷待ち".into())),
        "{o:?}"
    );
    let lines = o.integration_lines();
    let shipped = lines.iter().find(|(_, w)| w.starts_with("shipping reported")).map(|(at, _)| at.as_str());
    assert_eq!(shipped, Some("+2h30m"), "not at +1h, when the warehouse shipped the others: {o:?}");
}

#[tokio::test]
async fn a_fraud_flagged_order_is_shipped_and_then_cancelled_by_rakuten() {
    let l = ledger("48_fraud_flag_shipped.toml").await;
    let o = l.order("#1").unwrap();
    assert!(o.rms_has("updateOrderShipping") && o.rms_has("review_ng"), "shipped, then cancelled: {o:?}");
}

#[tokio::test]
async fn holding_flagged_orders_keeps_the_fraud_review_ng_order_from_the_warehouse() {
    let l = ledger("49_fraud_flag_held.toml").await;
    let o = l.order("#1").unwrap();
    assert!(o.integration_has("imported → 保留(要注意: cautionDisplayType 1, rakutenConfirmFlag 1"), "{o:?}");
    assert!(!o.rms_has("updateOrderShipping") && o.rms_has("review_ng"), "{o:?}");
    assert!(o.integration_has("cancelled in RMS (900): removed from 保留"), "{o:?}");
    assert!(l.order("#2").unwrap().rms_has("updateOrderShipping"));
}

#[tokio::test]
async fn reporting_only_the_first_basket_of_a_multi_destination_order_leaves_it_in_300() {
    let l = ledger("50_several_destinations_one_basket.toml").await;
    let o = l.order("#1").unwrap();
    assert!(o.integration_has("shipping reported"), "{o:?}");
    assert!(!o.rms_has("updateOrderShipping"), "never 500: {o:?}");
}

#[tokio::test]
async fn reporting_every_basket_of_a_multi_destination_order_reaches_500() {
    let l = ledger("51_several_destinations_every_basket.toml").await;
    assert!(l.order("#1").unwrap().rms_has("updateOrderShipping"));
}

#[tokio::test]
async fn a_confirm_after_the_staff_confirmed_in_rms_is_reported_as_refused_with_error_103() {
    let l = ledger("52_confirm_clash_staff.toml").await;
    let o = l.order("#1").unwrap();
    assert!(o.rms_has("staff_confirm") && !o.rms_has("confirmOrder"), "{o:?}");
    assert!(o.integration_has("confirmOrder refused: ORDER_EXT_API_CONFIRM_ORDER_ERROR_103"), "{o:?}");
}

#[tokio::test]
async fn error_103_after_the_staff_confirmed_counts_as_done_with_the_habit() {
    let l = ledger("53_confirm_clash_treated_as_done.toml").await;
    let o = l.order("#1").unwrap();
    assert!(o.integration_has("confirmed: CONFIRM_ORDER_ERROR_103"), "{o:?}");
    assert!(o.integration_has("re-read after ERROR_103: RMS has it in 200"), "{o:?}");
    assert!(!o.integration_has("refused"), "{o:?}");
}

#[tokio::test]
async fn an_order_edited_in_rms_after_import_is_shipped_with_the_tools_old_copy() {
    let l = ledger("54_edited_in_rms_after_import.toml").await;
    let o = l.order("#1").unwrap();
    assert!(o.rms_has("staff_edit"), "{o:?}");
    let lines = o.integration_lines();
    let shipped = lines.iter().find(|(_, w)| w.starts_with("shipping reported")).map(|(at, _)| at.as_str());
    assert_eq!(shipped, Some("+1h00m"), "shipped while RMS had it in 400: {o:?}");
    assert!(!o.integration_has("edited in RMS"), "{o:?}");
    // The report made in 400 takes effect once RMS has the order back in 300: it reaches 500
    // with the old shipment (not stuck in 300 as if never reported).
    let rms: Vec<(&str, Option<u16>, u16, &str)> =
        o.rms.iter().map(|c| (c.at.as_str(), c.from, c.to, c.cause.as_str())).collect();
    assert_eq!(
        &rms[rms.len() - 2..],
        [("+1h25m", Some(200), 300, "processing"), ("+1h25m", Some(300), 500, "held_shipping_report")]
    );
}

#[tokio::test]
async fn an_order_edited_in_rms_is_noticed_held_while_in_400_and_shipped_with_the_new_data() {
    let l = ledger("55_rms_edit_detected.toml").await;
    let o = l.order("#1").unwrap();
    let lines = o.integration_lines();
    let edit = lines.iter().find(|(_, w)| w.starts_with("edited in RMS after import")).cloned();
    let (at, what) = edit.unwrap_or_else(|| panic!("{o:?}"));
    assert_eq!(at, "+30m");
    for part in [
        "items tshirt-basic/m-black ×1 ¥1980 → tshirt-basic/m-black ×2 ¥1980",
        "requestPrice 2530 → 4510",
        "modifyFlag 0 → 1",
        "→ 大阪府大阪市北区梅田1-1-1",
        "held in 保留",
    ] {
        assert!(what.contains(part), "{part}: {what}");
    }
    let lines = o.integration_lines();
    let shipped = lines.iter().find(|(_, w)| w.starts_with("shipping reported")).map(|(at, _)| at.as_str());
    assert_eq!(shipped, Some("+1h45m"), "after RMS left 400: {o:?}");
    assert!(!l.order("#2").unwrap().integration_has("edited in RMS"), "an order nobody edited is not flagged");
}

#[tokio::test]
async fn a_renewed_key_used_at_once_is_refused_until_it_is_active_and_orders_import_late() {
    let l = ledger("56_renewed_key_not_active_yet.toml").await;
    assert!(
        l.summary.note_lines().iter().any(|n| n == "+45m searchOrder failed: 401 ES01-01"),
        "{:?}",
        l.summary.note_lines()
    );
    assert_eq!(imported_at(&l, "#2").as_deref(), Some("+1h00m"), "placed at +40m, late");
}

#[tokio::test]
async fn keeping_the_old_key_until_the_new_one_works_imports_on_time() {
    let l = ledger("57_renewed_key_old_one_kept.toml").await;
    assert_eq!(imported_at(&l, "#2").as_deref(), Some("+45m"));
    assert!(
        l.summary.note_lines().iter().any(|n| n.starts_with("+45m the new licence key is refused")),
        "{:?}",
        l.summary.note_lines()
    );
    assert!(
        l.summary.note_lines().iter().any(|n| n == "+1h00m the new licence key works: the old one dropped"),
        "{:?}",
        l.summary.note_lines()
    );
    assert!(!l.summary.note_lines().iter().any(|n| n.contains("failed")), "{:?}", l.summary.note_lines());
}

#[tokio::test]
async fn a_vendor_app_scope_left_unapproved_fails_every_stock_sync_while_orders_import() {
    let l = ledger("58_app_scope_update_pending.toml").await;
    assert!(l.order("#1").unwrap().rms_has("confirmOrder"), "orders flow");
    assert!(l.summary.stock_pushed.is_empty());
    assert_eq!(l.summary.error_count("ES04-01"), Some(4), "{:?}", l.summary.errors);
    assert!(!l.summary.note_lines().iter().any(|n| n.contains("approve")), "{:?}", l.summary.note_lines());
}

#[tokio::test]
async fn the_careful_tool_names_the_missing_approval_and_pushes_stock_once_approved() {
    let l = ledger("59_app_scope_explained_and_approved.toml").await;
    assert!(
        l.summary
            .note_lines()
            .iter()
            .any(|n| n.starts_with("+15m the Item API answers ES04-01") && n.contains("「更新あり」")),
        "{:?}",
        l.summary.note_lines()
    );
    assert_eq!(l.summary.stock_pushed.get("TS-M-BK"), Some(&39), "pushed after the approval");
}

/// RMS's stock of the black M T-shirt at the end of a run.
async fn rms_stock_ts_m_bk(fake: &rms_mock::RmsMock) -> Option<i64> {
    let catalog = fake.control().existing_shop("300001").await.unwrap().catalog().await.unwrap();
    catalog.items.iter().flat_map(|i| i.variants.iter()).find(|v| v.variant_id == "m-black").and_then(|v| v.quantity)
}

#[tokio::test]
async fn stock_booked_by_hand_in_rms_is_overwritten_by_the_next_absolute_push() {
    let (l, fake) = ledger_and_fake("60_stock_by_hand_overwritten.toml").await;
    assert!(
        l.summary.note_lines().iter().any(|n| n == "+20m staff stock tshirt-basic/m-black RELATIVE 20 → 60"),
        "{:?}",
        l.summary.note_lines()
    );
    assert_eq!(l.summary.stock_pushed.get("TS-M-BK"), Some(&39));
    assert_eq!(rms_stock_ts_m_bk(&fake).await, Some(39), "the 20 booked by hand are gone");
}

#[tokio::test]
async fn stock_booked_by_hand_in_rms_is_adopted_by_the_careful_tool() {
    let (l, fake) = ledger_and_fake("61_stock_by_hand_adopted.toml").await;
    assert!(
        l.summary.note_lines().iter().any(|n| n.starts_with("+30m RMS stock of TS-M-BK changed outside the tool (expected 39, RMS has 59): +20")),
        "{:?}",
        l.summary.note_lines()
    );
    assert_eq!(rms_stock_ts_m_bk(&fake).await, Some(59));
}

#[tokio::test]
async fn the_key_of_another_app_is_refused_like_a_wrong_key() {
    let (l, fake) = ledger_and_fake("62_key_for_another_app.toml").await;
    assert_eq!(l.summary.error_count("ES01-01"), Some(2), "{:?}", l.summary.errors);
    assert!(
        !l.summary.note_lines().iter().any(|n| n.contains("another app")),
        "the careless tool says nothing: {:?}",
        l.summary.note_lines()
    );
    // RMS's side knows why (the journal's note), the tool cannot.
    let journal = fake.control().existing_shop("300001").await.unwrap().journal().await.unwrap();
    let why = journal.entries.iter().filter_map(|e| e.auth_problem.clone()).next().unwrap_or_default();
    assert!(why.contains("another app"), "{why}");
}

#[tokio::test]
async fn a_refused_key_is_explained_with_the_screen_the_right_key_comes_from() {
    let l = ledger("63_key_for_another_app_explained.toml").await;
    assert!(
        l.summary
            .note_lines()
            .iter()
            .any(|n| n.starts_with("+15m RMS refuses the key (ES01-01)") && n.contains("WEB APIサービス > 利用設定")),
        "{:?}",
        l.summary.note_lines()
    );
}
