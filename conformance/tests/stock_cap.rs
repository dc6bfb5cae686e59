//! A restock that meets RMS's stock cap (99,999) is on the ledger (issue 12: it used to
//! destroy the units silently).

use rms_conformance::runner::{self, Mode};
use rms_conformance::setup;

#[tokio::test]
async fn a_cancellation_restocking_past_the_cap_is_on_the_ledger() {
    let shop = format!("{}/../fixtures/shops/conformance.toml", env!("CARGO_MANIFEST_DIR"));
    // The tool pushes 99,999 for the T-shirt at its first poll (15 minutes), after the
    // order took one; the buyer's cancellation then has one unit more than the cap holds.
    let text = format!(
        r##"
name = "stock cap"
[rms]
shop = "{shop}"
[integration]
order_import = false
shipping_sync = false
[[integration.products]]
sku = "TS-M-BK"
stock = 99999
[[timeline]]
at = "+2m"
order = {{ lines = [{{ manage_number = "tshirt-basic", variant_id = "m-black" }}] }}
[[timeline]]
at = "+20m"
buyer_cancel = "#1"
[run]
end = "+30m"
"##
    );
    let path = std::env::temp_dir().join(format!("rms-conformance-stock-cap-{}.toml", std::process::id()));
    std::fs::write(&path, text).unwrap();
    let loaded = setup::load(&path);
    std::fs::remove_file(&path).ok();
    let loaded = loaded.unwrap();

    let fake = runner::start_in_process().await.unwrap();
    let ledger = runner::run(&loaded, &fake.uri(), &Mode::Reference).await.unwrap();
    let text = ledger.to_text();
    assert!(text.contains("stock capped: 1 of 1 units of tshirt-basic/m-black not put back (99,999)"), "{text}");
    assert!(text.contains("→ 900 buyer_cancel"), "{text}");
}
