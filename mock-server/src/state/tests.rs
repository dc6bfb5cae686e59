//! Export → import → export is the same document, and a shop built from its state behaves as
//! the original from then on.

use super::*;
use crate::domain::inventory::{Mode, StockWrite};
use crate::domain::shop::{ItemMarks, OrderLine};
use crate::domain::state::EntityKey;
use crate::setup::{parse_toml, ShopDocument, DEMO_SHOP_TOML};
use std::collections::BTreeSet;

fn demo() -> Shop {
    let doc: ShopDocument = parse_toml(DEMO_SHOP_TOML, "demo.toml").unwrap();
    doc.build("demo.toml").unwrap()
}

fn round_trip(shop: &Shop) -> (String, Shop) {
    let first = to_json(&[shop.export_state()]);
    let shops = build(from_json(first.as_bytes()).unwrap()).unwrap();
    let again = shops.into_iter().next().unwrap();
    let second = to_json(&[again.export_state()]);
    assert_eq!(first, second, "export → import → export changed the document");
    (first, again)
}

#[test]
fn the_demo_shop_exports_imports_and_exports_the_same_bytes() {
    let (text, _) = round_trip(&demo());
    assert!(text.starts_with("{\n  \"format\": \"rms-mock-state\",\n  \"version\": 1,"), "{}", &text[..80]);
}

/// Every entity key of a shop's state.
fn keys(state: &ShopState) -> BTreeSet<EntityKey> {
    let mut keys = BTreeSet::from([EntityKey::Shop]);
    keys.extend(state.items.iter().map(|i| EntityKey::Item { manage_number: i.manage_number.clone() }));
    keys.extend(
        state
            .stock
            .iter()
            .map(|s| EntityKey::Stock { manage_number: s.manage_number.clone(), variant_id: s.variant_id.clone() }),
    );
    keys.extend(state.orders.iter().map(|o| EntityKey::Order { number: o.number.to_string() }));
    keys.extend(state.async_requests.iter().map(|a| EntityKey::AsyncRequest { request_id: a.request_id.clone() }));
    keys.extend(state.schedule.iter().map(|e| EntityKey::Schedule { at: e.at, seq: e.seq }));
    keys.extend(state.journal.iter().map(|j| EntityKey::Journal { seq: j.seq }));
    keys
}

fn line(manage_number: &str, variant_id: &str, units: i64) -> Vec<OrderLine> {
    vec![OrderLine { manage_number: manage_number.into(), variant_id: variant_id.into(), units }]
}

/// What a change log does: after a run of changes, the after-image of every entity the run
/// touched (here: every key before or after), applied in key order to the shop as it was
/// before, gives the shop as it is after.
#[test]
fn entity_after_images_applied_in_key_order_bring_a_snapshot_to_the_shop_as_it_is_now() {
    let mut shop = demo();
    let snapshot = shop.export_state();
    let mut copy = Shop::from_state(snapshot.clone()).unwrap();

    let a = shop.place_order(&line("tshirt-basic", "m-black", 2), 1, None).unwrap();
    let b = shop.place_order(&line("socks-3p", "socks-3p", 1), 9, None).unwrap();
    assert_eq!(shop.confirm_orders(&[a.clone(), b]), vec![Ok(()), Ok(())]);
    let write = |m: &str, q: i64| StockWrite {
        manage_number: m.into(),
        variant_id: "x".into(),
        mode: Mode::Absolute,
        quantity: q,
        extras: None,
    };
    shop.write_stock(&[write("orphan", 7)]).unwrap();
    shop.mark_item("sneaker-green", ItemMarks { delivery_cert_program: true, one_day_operation: false });
    let mut item = shop.catalog().get("socks-3p").unwrap().data().clone();
    item.title = Some("靴下".into());
    shop.upsert_item("socks-3p", item).unwrap();
    shop.advance_to(shop.now().plus_days(2));
    let c = shop.place_order(&line("tshirt-basic", "l-white", 1), 1, None).unwrap();
    shop.buyer_cancel(&c).unwrap();
    shop.delete_item("sneaker-green").unwrap();
    let after = shop.export_state();

    let mut all = keys(&snapshot);
    all.extend(keys(&after));
    for key in &all {
        copy.apply_entity(key, shop.entity(key)).unwrap();
    }
    assert_eq!(to_json(&[copy.export_state()]), to_json(&[after]), "the copy caught up entity by entity");

    // …and goes on as the original does.
    let next = |s: &mut Shop| {
        let n = s.place_order(&line("tshirt-basic", "m-black", 1), 1, None).unwrap();
        let fired: Vec<String> = s.advance_to(s.now().plus_days(20)).iter().map(|t| format!("{t:?}")).collect();
        (n, fired, s.order(&a).map(|o| o.history.len()))
    };
    assert_eq!(next(&mut shop), next(&mut copy));
    assert_eq!(to_json(&[copy.export_state()]), to_json(&[shop.export_state()]));
}

#[test]
fn an_entity_under_another_key_or_the_removal_of_an_order_is_refused() {
    let mut shop = demo();
    let order = shop.orders().get(0).number.to_string();
    let key = EntityKey::Order { number: order.clone() };
    let entity = shop.entity(&key).unwrap();
    let other = EntityKey::Order { number: "123456-20261128-0000000001".into() };
    let e = shop.apply_entity(&other, Some(entity)).unwrap_err();
    assert!(e.problem.starts_with("holds the entity of Order"), "{e}");
    assert_eq!(shop.apply_entity(&key, None).unwrap_err().problem, "is never removed");
    assert_eq!(shop.apply_entity(&EntityKey::Shop, None).unwrap_err().problem, "is never removed");
    let missing = EntityKey::Item { manage_number: "none".into() };
    assert!(shop.entity(&missing).is_none());
    shop.apply_entity(&missing, None).unwrap();
}

/// The committed version-1 fixture (fixtures/state/demo.json, the demo shop with a morning's
/// orders, then one order of each kind: 予約, social gift, 送料未確定 with two destinations,
/// fraud-flagged with review NG) still loads, and writes back as it is: a format change that would break it needs
/// a new version and a migration (`migrate`).
#[test]
fn the_committed_version_1_fixture_loads_and_writes_back_unchanged() {
    let text = include_str!("../../../fixtures/state/demo.json");
    let shops = build(from_json(text.as_bytes()).unwrap()).unwrap();
    assert_eq!(to_json(&[shops[0].export_state()]), text);
}
