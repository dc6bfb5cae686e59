//! What several test binaries of the conformance suite share (each `mod common;`s it): a
//! shop with one order and the reference tool set up for it (habits.rs, retries.rs), and a
//! setup written as text against the conformance shop and run in an in-process fake
//! (order_steps.rs, stock_cap.rs).

#![allow(dead_code, reason = "each test binary uses some of these helpers")]

use rms_conformance::integration::Integration;
use rms_conformance::ledger::Ledger;
use rms_conformance::runner::{self, Mode};
use rms_conformance::setup::{self, Habits, IntegrationSide, LoadedSetup, Product};
use rms_mock::{ItemDoc, MockShop, OrderDoc, RmsMock, ShopDocument};

/// A shop of `doc` (credentials `SP{shop_id}_{tag}` / `SL{shop_id}_{tag}`) selling one T-shirt
/// (`tshirt`/`m`, 1,980 yen, 100 in stock), with one order of it placed and five minutes
/// passed, so the order waits for confirmation. Returns the shop and the order's number.
pub async fn shop_with_an_order(fake: &RmsMock, doc: ShopDocument, shop_id: &str, tag: &str) -> (MockShop, String) {
    let doc = doc
        .credentials(format!("SP{shop_id}_{tag}"), format!("SL{shop_id}_{tag}"))
        .item(ItemDoc::new("tshirt", "Tシャツ").variant("m", 1980, 100));
    let shop = fake.shop(doc).await.unwrap();
    let number = shop.place_order(&OrderDoc::new().line("tshirt", "m", 1)).await.unwrap().order_number;
    shop.advance_minutes(5).await.unwrap();
    (shop, number)
}

/// The T-shirt as the tool's product master has it (10 in stock).
pub fn tshirt_product() -> Product {
    Product {
        sku: None,
        manage_number: Some("tshirt".into()),
        variant_id: Some("m".into()),
        item_code: None,
        stock: 10,
    }
}

/// The reference tool for such a shop: the T-shirt in its product master, no inventory sync,
/// with `habits`.
pub fn tool_for(fake: &RmsMock, shop: &MockShop, habits: Habits) -> Integration {
    let cfg = IntegrationSide {
        inventory_sync: false,
        products: vec![tshirt_product()],
        habits,
        ..IntegrationSide::default()
    };
    Integration::new(cfg, &fake.uri(), shop.service_secret(), shop.license_key())
}

/// The conformance shop file (`fixtures/shops/conformance.toml`), for a setup's `[rms] shop`.
pub fn conformance_shop() -> String {
    format!("{}/../fixtures/shops/conformance.toml", env!("CARGO_MANIFEST_DIR"))
}

/// Loads a setup from its text (written to a temporary file named after `name`, removed
/// again); panics with the loader's message when it is refused.
pub fn load_setup(name: &str, text: &str) -> LoadedSetup {
    try_load_setup(name, text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// [`load_setup`] that gives the loader's refusal back.
pub fn try_load_setup(name: &str, text: &str) -> Result<LoadedSetup, setup::SetupError> {
    let path = std::env::temp_dir().join(format!("rms-conformance-{name}-{}.toml", std::process::id()));
    std::fs::write(&path, text).unwrap();
    let loaded = setup::load(&path);
    std::fs::remove_file(&path).ok();
    loaded
}

/// Runs a loaded setup with the reference tool in a fresh in-process fake: the ledger, and
/// the fake (to look at RMS's side afterwards).
pub async fn run_in_process(setup: &LoadedSetup) -> (Ledger, RmsMock) {
    let fake = runner::start_in_process().await.unwrap();
    let ledger = runner::run(setup, &fake.uri(), &Mode::Reference).await.unwrap();
    (ledger, fake)
}
