//! A restock that meets RMS's stock cap (99,999) is on the ledger (issue 12: it used to
//! destroy the units silently).

mod common;

#[tokio::test]
async fn a_cancellation_restocking_past_the_cap_is_on_the_ledger() {
    let shop = common::conformance_shop();
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
    let loaded = common::load_setup("stock-cap", &text);
    let (ledger, _fake) = common::run_in_process(&loaded).await;
    let text = ledger.to_text();
    assert!(text.contains("stock capped: 1 of 1 units of tshirt-basic/m-black not put back (99,999)"), "{text}");
    assert!(text.contains("→ 900 buyer_cancel"), "{text}");
}
