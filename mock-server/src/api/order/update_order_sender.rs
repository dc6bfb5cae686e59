//! updateOrderSender (送付先情報更新、発送前: 100/200/300) and updateOrderSenderAfterShipping
//! (発送後: 500/600/700): recipients, postage, COD fee, units and prices. A confirmed order
//! whose amount changes before shipping waits in 400 変更確定待ち (order-api.md §5.2, inferred).

use super::envelope::sender_field_key;
use super::fields::Body;
use super::single::{address, answer};
use super::OrderOp;
use crate::api::RmsReply;
use crate::domain::order::ReasonDetail;
use crate::domain::order_ops::{ItemUpdate, PackageUpdate, Patch, Refusal, SenderField, DROP_OFF_LOCATIONS};
use crate::domain::shop::Shop;
use serde_json::Value;

fn run(op: &OrderOp, shop: &mut Shop, body: &Body, after_shipping: bool) -> RmsReply {
    let mut f = op.fields(shop, body);
    let number = f.string("orderNumber", true);
    let reduction = f.int("reductionReason", false);
    let reduction_reason = reduction.and_then(ReasonDetail::from_code);
    if reduction.is_some() && reduction_reason.is_none() {
        f.malformed("reductionReason");
    }
    f.int_in("taxRecalcFlag", false, 0..=1);
    let unsupported: Vec<SenderField> =
        [SenderField::Wrapping1, SenderField::Wrapping2, SenderField::Coupons, SenderField::SettlementMethodAfter]
            .into_iter()
            .filter(|field| f.lookup(sender_field_key(*field)).is_some_and(|v| !v.is_null()))
            .collect();
    let list = f.object_list("PackageModelList");
    match &list {
        None if f.lookup("PackageModelList").is_none() => f.missing("PackageModelList"),
        None if f.lookup("PackageModelList").is_some_and(Value::is_null) => f.empty("PackageModelList"),
        Some(l) if l.is_empty() => f.empty("PackageModelList"),
        _ => {}
    }
    let mut packages = Vec::new();
    for p in list.unwrap_or_default() {
        let mut pf = f.nested(p);
        let basket_id = pf.int("basketId", true);
        let postage_price = pf.int_in("postagePrice", false, 0..=999_999_999);
        let delivery_price = pf.int_in("deliveryPrice", false, 0..=999_999_999);
        let noshi = match pf.lookup("noshi") {
            None => Patch::Keep,
            Some(Value::Null) => Patch::Clear,
            Some(Value::String(s)) if s.is_empty() => Patch::Clear,
            Some(Value::String(s)) => Patch::Set(s.clone()),
            Some(_) => {
                pf.malformed("noshi");
                Patch::Keep
            }
        };
        let drop_off_location = match pf.lookup("dropOffLocation") {
            None => Patch::Keep,
            Some(Value::Null) => Patch::Clear,
            Some(Value::String(s)) if s.is_empty() || s == "利用しない" => Patch::Clear,
            Some(Value::String(s)) if DROP_OFF_LOCATIONS.contains(&s.as_str()) => Patch::Set(s.clone()),
            Some(_) => {
                pf.malformed("dropOffLocation");
                Patch::Keep
            }
        };
        // An optional model: `null` changes nothing, as leaving it out does.
        let sender =
            if pf.lookup("SenderModel").is_some_and(|v| !v.is_null()) { address(&mut pf, "SenderModel") } else { None };
        let mut items = Vec::new();
        for it in pf.object_list("ItemModelList").unwrap_or_default() {
            let mut itf = pf.nested(it);
            let id = itf.int("itemDetailId", true);
            let price = itf.int_in("price", false, 0..=999_999_999);
            let units = itf.int_in("units", false, 1..=999);
            pf.absorb(itf);
            if let Some(id) = id {
                items.push(ItemUpdate { item_detail_id: id.max(0) as u64, price, units });
            }
        }
        f.absorb(pf);
        if let Some(b) = basket_id {
            packages.push(PackageUpdate {
                basket_id: b.max(0) as u64,
                postage_price,
                delivery_price,
                noshi,
                drop_off_location,
                sender,
                items,
            });
        }
    }
    let (Some(number), true) = (number, f.ok()) else {
        return op.bad_request(&f.errors);
    };
    let result = if unsupported.is_empty() {
        shop.update_sender(&number, &packages, reduction_reason, after_shipping)
    } else {
        // Named honestly rather than silently dropped.
        Err(Refusal::NotSupported(unsupported))
    };
    answer(op, "送付先情報の更新", &number, result, "送付先情報の更新設定が完了しました。")
}

pub fn update_order_sender(op: &OrderOp, shop: &mut Shop, body: &Body) -> RmsReply {
    run(op, shop, body, false)
}

pub fn update_order_sender_after_shipping(op: &OrderOp, shop: &mut Shop, body: &Body) -> RmsReply {
    run(op, shop, body, true)
}
