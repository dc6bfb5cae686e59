//! getOrder (注文情報取得): full order models for ≤100 numbers, shaped by `version` 3–10
//! (order-api.md §3.2). The answer is `{version (v6+), MessageModelList, OrderModelList}` in
//! that order (§0); each `OrderModel` is built by [`order_model`].

use super::envelope::{codes, Message};
use super::fields::Body;
use super::model::{order_model, ModelSettings, Version};
use super::OrderOp;
use crate::api::kept::Kept;
use crate::api::{encode_with, write_json, RmsReply};
use crate::domain::order::Order;
use crate::domain::order_ops::MAX_ORDERS_PER_REQUEST;
use crate::domain::shop::Shop;
use crate::domain::stamp::Stamp;
use std::cell::RefCell;
use std::io::Write;

pub fn get_order(op: &OrderOp, shop: &mut Shop, body: &Body) -> RmsReply {
    let mut f = op.fields(shop, body);
    let numbers = f.string_list("orderNumberList", true);
    if numbers.as_ref().is_some_and(|n| n.len() > MAX_ORDERS_PER_REQUEST) {
        f.malformed("orderNumberList");
    }
    // Versions 1 and 2 were refused in a 2026 dry run; the manual lists 3–10.
    let version = f.int_in("version", true, i64::from(Version::MIN)..=i64::from(Version::MAX));
    let (Some(numbers), Some(version), true) = (numbers, version, f.ok()) else {
        return op.bad_request(&f.errors);
    };
    let version = Version::new(version as u8);

    let shop: &Shop = shop;
    // Each order with its current stamp, for the kept encodings.
    let stamped = |n: &str| {
        let idx = shop.retrievable_order_at(n)?;
        Some((shop.orders().get(idx), shop.orders().stamp(idx)))
    };
    let mut found = Vec::with_capacity(numbers.len());
    let mut missing = Vec::new();
    for n in &numbers {
        match stamped(n) {
            Some(found_order) => found.push(found_order),
            None => missing.push(Message::info(op.code, "102", "受注情報が取得できませんでした。").for_order(n)),
        }
    }
    // Every order found (the everyday call): the message list kept encoded for that count.
    let kept = (missing.is_empty() && !found.is_empty()).then(|| found_message(op, found.len()));
    let mut msgs = Vec::new();
    if kept.is_none() {
        msgs.reserve(1 + missing.len());
        if !found.is_empty() {
            msgs.push(found_info(op, found.len()));
        }
        msgs.extend(missing);
    }

    // `{"version", "MessageModelList", "OrderModelList"}`, written here from its parts so that
    // each order's model can come from the kept encodings.
    let settings = ModelSettings::of(shop);
    let bytes = encode_with(|buf| {
        buf.push(b'{');
        if version.has_top_level_version() {
            // `version` comes first, as in Rakuten's own v9 samples (order-api.md §0).
            let _ = write!(buf, "\"version\":{},", version.get());
        }
        buf.extend_from_slice(b"\"MessageModelList\":");
        match kept {
            Some((list, _)) => buf.extend_from_slice(list),
            None => write_json(buf, &msgs),
        }
        buf.extend_from_slice(b",\"OrderModelList\":[");
        for (i, (order, stamp)) in found.iter().enumerate() {
            if i > 0 {
                buf.push(b',');
            }
            write_model(buf, order, *stamp, &settings, version);
        }
        buf.extend_from_slice(b"]}");
    });
    let codes = match kept {
        Some((_, code)) => vec![code.clone()],
        None => codes(&msgs),
    };
    RmsReply::bytes(200, bytes, codes)
}

/// `ORDER_EXT_API_GET_ORDER_INFO_101` 「受注情報取得に成功しました。(取得件数n件)」
fn found_info(op: &OrderOp, n: usize) -> Message {
    Message::info(op.code, "101", format!("受注情報取得に成功しました。(取得件数{n}件)"))
}

/// The `MessageModelList` of an answer that found all its `n` orders (1 to 100), encoded, and
/// its one code: made once per count (every poll of an integration asks for the same few
/// counts, and encoding the Japanese text was a tenth of answering one order).
fn found_message(op: &OrderOp, n: usize) -> &'static (Vec<u8>, String) {
    static KEPT: [std::sync::OnceLock<(Vec<u8>, String)>; MAX_ORDERS_PER_REQUEST] =
        [const { std::sync::OnceLock::new() }; MAX_ORDERS_PER_REQUEST];
    KEPT[n.clamp(1, MAX_ORDERS_PER_REQUEST) - 1].get_or_init(|| {
        let msg = found_info(op, n);
        let mut list = Vec::new();
        write_json(&mut list, &[&msg]);
        (list, msg.code)
    })
}

/// What an order's encoded model depends on: the order's version, the getOrder version, the
/// settings the model reads.
struct ModelKey {
    stamp: Stamp,
    version: Version,
    settings: ModelSettings,
}

/// Writes the model of `order` (whose current stamp is `stamp`) in version `version`. The same
/// stamp means the same order content ([`Stamp`]), and the model depends on nothing but the
/// order, the version and [`ModelSettings`], so an encoding kept under the same three is the
/// same bytes ([`Kept`]).
fn write_model(buf: &mut Vec<u8>, order: &Order, stamp: Stamp, settings: &ModelSettings, version: Version) {
    thread_local!(static KEPT: RefCell<Kept<ModelKey>> = RefCell::new(Kept::default()));
    let hash = stamp.get() ^ u64::from(version.get()) << 56;
    KEPT.with_borrow_mut(|kept| {
        kept.write(
            buf,
            hash,
            |k| k.stamp == stamp && k.version == version && k.settings == *settings,
            || ModelKey { stamp, version, settings: settings.clone() },
            |buf| write_json(buf, &order_model(order, settings, version)),
        );
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::setup::{ItemDoc, OrderDoc, ShopDocument};

    /// More orders than slots, so slots are shared: whatever was kept, each order is written
    /// as its own model, in each version, before and after it changes.
    #[test]
    fn a_kept_model_is_only_ever_the_model_of_the_same_order_version_and_settings() {
        let mut doc = ShopDocument::new("123456").item(ItemDoc::new("t", "Tシャツ").variant("m", 1980, 9999));
        for _ in 0..crate::api::kept::SLOTS + 44 {
            doc = doc.order(OrderDoc::new().line("t", "m", 1));
        }
        let mut shop = doc.build("test").unwrap();
        let check = |shop: &Shop| {
            let settings = ModelSettings::of(shop);
            for idx in 0..shop.orders().len() {
                let (order, stamp) = (shop.orders().get(idx), shop.orders().stamp(idx));
                for version in [Version::new(9), Version::new(4)] {
                    for _ in 0..2 {
                        let mut written = Vec::new();
                        write_model(&mut written, order, stamp, &settings, version);
                        let fresh = serde_json::to_vec(&order_model(order, &settings, version)).unwrap();
                        assert_eq!(written, fresh, "order {idx} v{}", version.get());
                    }
                }
            }
        };
        check(&shop);
        let numbers: Vec<String> = shop.orders().iter().map(|o| o.number.to_string()).collect();
        shop.confirm_orders(&numbers[..100]);
        check(&shop);
    }
}
