//! Every customer setup in `fixtures/setups/`: its ledger is snapshotted, and its defining
//! outcome is asserted directly, so a wrong snapshot accepted by mistake still fails.

use rms_conformance::ledger::Ledger;
use rms_conformance::runner::{run, start_in_process, Mode};
use rms_conformance::setup::load;
use std::path::PathBuf;

fn setups_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/setups")
}

async fn ledger(file: &str) -> Ledger {
    let setup = load(&setups_dir().join(file)).unwrap_or_else(|e| panic!("{e}"));
    let fake = start_in_process().await.unwrap();
    let ledger = run(&setup, &fake.uri(), &Mode::Reference).await.unwrap_or_else(|e| panic!("{file}: {e}"));
    insta::assert_snapshot!(file.trim_end_matches(".toml"), ledger.to_text());
    ledger
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
];

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
    assert_eq!(l.summary.errors.keys().collect::<Vec<_>>(), ["ES04-01"]);
    assert!(l.summary.stock_pushed.is_empty());
}

#[tokio::test]
async fn an_expired_license_fails_every_call_with_es01_01() {
    let l = ledger("04_license_expired.toml").await;
    assert_eq!(l.summary.errors.keys().collect::<Vec<_>>(), ["ES01-01"]);
    let total: usize = l.summary.calls.values().sum();
    assert_eq!(l.summary.errors["ES01-01"], total, "every call");
    assert!(l.order("#1").unwrap().integration_has("never seen"));
}

#[tokio::test]
async fn mistyped_credentials_fail_from_the_first_call() {
    let l = ledger("05_mistyped_credentials.toml").await;
    let total: usize = l.summary.calls.values().sum();
    assert!(total > 0);
    assert_eq!(l.summary.errors.get("ES01-01"), Some(&total));
}

#[tokio::test]
async fn declared_migrated_on_an_unmigrated_shop_rejects_orders_and_gets_ie1105() {
    let l = ledger("06_declared_migrated_shop_not.toml").await;
    assert!(l.order("#1").unwrap().integration_has("rejected: no product master"));
    assert!(l.summary.errors.contains_key("IE1105"));
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
        let imports = o.integration.iter().filter(|(_, w)| w.starts_with("imported")).count();
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
    assert!(l.summary.errors.get("ES04-02").is_some_and(|n| *n > 0), "{:?}", l.summary.errors);
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
    assert!(o.rms.iter().any(|(at, w)| at == "+14d00h05m" && w.contains("100 → 900")), "{o:?}");
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
