//! JSON views of domain state for the control plane.

use crate::auth::esa_header;
use crate::domain::order::{Order, OrderProgress};
use crate::domain::shop::{Shop, Transition};
use serde_json::{json, Map, Value};

pub fn credentials(s: &Shop) -> Value {
    let p = &s.profile;
    json!({
        "shop_id": p.shop_id,
        "name": p.name,
        "service_secret": p.service_secret,
        "license_key": p.license_key,
        "authorization": esa_header(&p.service_secret, &p.license_key),
        "license_expires_at": p.license_expires_at().to_rms(),
        "now": s.now().to_rms(),
    })
}

pub fn summary(s: &Shop) -> Value {
    let mut v = credentials(s);
    v["orders"] = json!(s.orders().len());
    v
}

pub fn detail(s: &Shop) -> Value {
    let mut v = credentials(s);
    let mut by_status = Map::new();
    for p in OrderProgress::ALL {
        let n = s.orders().iter().filter(|o| o.progress == p).count();
        by_status.insert(p.code().to_string(), json!(n));
    }
    v["license_valid"] = json!(s.license_valid());
    v["seed"] = json!(s.seed);
    v["orders_by_status"] = Value::Object(by_status);
    v["settings"] = serde_json::to_value(&s.settings).unwrap_or(Value::Null);
    v["shipping"] = serde_json::to_value(&s.shipping).unwrap_or(Value::Null);
    v["sub_statuses"] = serde_json::to_value(&s.sub_statuses).unwrap_or(Value::Null);
    v["catalog"] = catalog(s);
    v
}

pub fn order_brief(s: &Shop, number: &str) -> Value {
    let Some(o) = s.order(number) else {
        return Value::Null;
    };
    json!({
        "order_number": o.number,
        "order_progress": o.progress.code(),
        "order_datetime": o.order_datetime.to_rms(),
        "settlement_method_code": o.settlement.code(),
        "paid": o.paid_at.is_some(),
        "request_price": o.request_price(),
        "now": s.now().to_rms(),
    })
}

pub fn history(o: &Order) -> Value {
    json!({
        "order_number": o.number,
        "order_progress": o.progress.code(),
        "history": o.history.iter().map(|h| json!({
            "at": h.at.to_rms(),
            "from": h.from.map(|p| p.code()),
            "to": h.to.code(),
            "cause": h.cause.as_str(),
        })).collect::<Vec<_>>(),
    })
}

pub fn transition(t: &Transition) -> Value {
    json!({
        "at": t.at.to_rms(),
        "order_number": t.order_number,
        "from": t.from.map(|p| p.code()),
        "to": t.to.map(|p| p.code()),
        "cause": t.cause.as_str(),
    })
}

pub fn journal(s: &Shop) -> Value {
    let j = s.journal();
    json!({
        "recorded": j.recorded(),
        "limit": s.settings.journal_limit,
        "entries": j.entries().map(|e| json!({
            "seq": e.seq,
            "at": e.at.to_rms(),
            "method": e.method,
            "path": e.path,
            "status": e.status,
            "codes": e.codes,
        })).collect::<Vec<_>>(),
    })
}

/// The catalog as the buyer side sees it: every item and SKU with price and stock, and the
/// orphan stock records (stock for SKUs no item has).
pub fn catalog(s: &Shop) -> Value {
    let items: Vec<Value> = s
        .catalog
        .items()
        .map(|i| {
            json!({
                "manage_number": i.manage_number,
                "item_number": i.item_number(),
                "item_id": i.item_id,
                "title": i.title(),
                "item_type": i.str_field("itemType"),
                "hide_item": i.flag("hideItem"),
                "variants": i.variants().iter().map(|v| json!({
                    "variant_id": v.variant_id,
                    "merchant_defined_sku_id": v.merchant_defined_sku_id,
                    "sku_info": v.sku_info(),
                    "price": v.standard_price,
                    "hidden": v.hidden,
                    "restock_on_cancel": v.restock_on_cancel,
                    "quantity": s.inventory.get(&i.manage_number, &v.variant_id).map(|r| r.quantity),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let orphans: Vec<Value> = s
        .inventory
        .iter()
        .filter(|((m, v), _)| !s.catalog.has_variant(m, v))
        .map(|((m, v), r)| json!({"manage_number": m, "variant_id": v, "quantity": r.quantity, "updated": r.updated.to_rms()}))
        .collect();
    json!({"items": items, "orphan_stock": orphans})
}
