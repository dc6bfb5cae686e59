//! A timeline `order` step's delivery options reach the order RMS shows (order-api.md §0:
//! orders with 置き配 and the delivery programme flags), though the ledger does not print them.

use rms_conformance::runner::{self, Mode};
use rms_conformance::{setup, RmsClient};
use serde_json::json;

#[tokio::test]
async fn an_order_step_places_its_drop_off_location_and_flags() {
    let shop = format!("{}/../fixtures/shops/conformance.toml", env!("CARGO_MANIFEST_DIR"));
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
    let path = std::env::temp_dir().join(format!("rms-conformance-order-steps-{}.toml", std::process::id()));
    std::fs::write(&path, text).unwrap();
    let loaded = setup::load(&path);
    std::fs::remove_file(&path).ok();
    let loaded = loaded.unwrap();

    let fake = runner::start_in_process().await.unwrap();
    let ledger = runner::run(&loaded, &fake.uri(), &Mode::Reference).await.unwrap();
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
