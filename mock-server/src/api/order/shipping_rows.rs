//! Reading `BasketidModelList` (updateOrderShipping and its async variant) into domain
//! updates, with the row-level format errors RMS reports (`dataNumber`, `shippingDetailId`).

use super::envelope::Message;
use super::fields::Fields;
use crate::domain::order::Carrier;
use crate::domain::order_ops::{BasketUpdate, Patch, ShippingRowUpdate, MAX_ROWS_PER_BASKET};
use crate::domain::time::JstDate;
use serde_json::{Map, Value};

/// A carrier code, sent as a string (a number is read like Jackson would).
fn carrier(v: &Value) -> Option<Carrier> {
    match v {
        Value::String(s) => Carrier::from_code(s),
        Value::Number(n) => Carrier::from_code(&n.to_string()),
        _ => None,
    }
}

fn text_patch(v: Option<&Value>) -> Result<Patch<String>, ()> {
    match v {
        None => Ok(Patch::Keep),
        Some(Value::Null) => Ok(Patch::Clear),
        Some(Value::String(s)) if s.is_empty() => Ok(Patch::Clear),
        Some(Value::String(s)) => Ok(Patch::Set(s.clone())),
        Some(Value::Number(n)) => Ok(Patch::Set(n.to_string())),
        Some(_) => Err(()),
    }
}

/// Parses the list; format problems go into `f` (as row messages when they concern a row).
/// `row_no` counts rows across baskets (`dataNumber`, 1-based).
pub fn parse_baskets(f: &mut Fields<'_>, op: &str, order_number: Option<&str>) -> Option<Vec<BasketUpdate>> {
    let list = f.object_list("BasketidModelList");
    let list = match list {
        Some(l) if !l.is_empty() => l,
        Some(_) => {
            f.empty("BasketidModelList");
            return None;
        }
        None => {
            match f.lookup("BasketidModelList") {
                None => f.missing("BasketidModelList"),
                // `null` is empty, as `[]` is (a malformed value was reported by object_list).
                Some(Value::Null) => f.empty("BasketidModelList"),
                Some(_) => {}
            }
            return None;
        }
    };
    let mut out = Vec::new();
    let mut row_no = 0usize;
    for basket in list {
        let mut bf = f.nested(basket);
        let basket_id = bf.int("basketId", true);
        let rows = bf.object_list("ShippingModelList");
        match (&rows, bf.lookup("ShippingModelList")) {
            (None, None) => bf.missing("ShippingModelList"),
            // A basket without a row would change nothing and answer no message at all: an
            // empty or null list is ERROR_010, as an empty BasketidModelList is (found by the
            // endpoint fuzz, tests/api/prop_fuzz.rs).
            (None, Some(Value::Null)) => bf.empty("ShippingModelList"),
            (Some(r), _) if r.is_empty() => bf.empty("ShippingModelList"),
            (Some(r), _) if r.len() > MAX_ROWS_PER_BASKET => bf.malformed("ShippingModelList"),
            _ => {}
        }
        let mut parsed = Vec::new();
        for row in rows.unwrap_or_default() {
            row_no += 1;
            match parse_row(row, row_no, op, order_number) {
                Ok(r) => parsed.push(r),
                Err(mut msgs) => bf.errors.append(&mut msgs),
            }
        }
        f.absorb(bf);
        if let Some(id) = basket_id {
            out.push(BasketUpdate { basket_id: id.max(0) as u64, rows: parsed });
        }
    }
    f.ok().then_some(out)
}

fn parse_row(
    row: &Map<String, Value>,
    data_number: usize,
    op: &str,
    order_number: Option<&str>,
) -> Result<ShippingRowUpdate, Vec<Message>> {
    let mut errs = Vec::new();
    let detail_id = match row.get("shippingDetailId") {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_u64().or_else(|| v.as_str().and_then(|s| s.parse().ok())) {
            Some(id) => Some(id),
            None => {
                errs.push("shippingDetailId");
                None
            }
        },
    };
    let delivery_company = match row.get("deliveryCompany") {
        None => Patch::Keep,
        Some(Value::Null) => Patch::Clear,
        Some(Value::String(s)) if s.is_empty() => Patch::Clear,
        Some(v) => match carrier(v) {
            Some(c) => Patch::Set(c),
            None => {
                errs.push("deliveryCompany");
                Patch::Keep
            }
        },
    };
    let shipping_number = match text_patch(row.get("shippingNumber")) {
        Ok(Patch::Set(s)) if s.chars().count() > 120 => {
            errs.push("shippingNumber");
            Patch::Keep
        }
        Ok(p) => p,
        Err(()) => {
            errs.push("shippingNumber");
            Patch::Keep
        }
    };
    // YYYY-MM-DD only; a 2026 note claims yyyyMMdd worked, which the manual contradicts ([?]).
    let shipping_date = match text_patch(row.get("shippingDate")) {
        Ok(Patch::Set(s)) => match JstDate::parse(&s) {
            Ok(d) => Patch::Set(d),
            Err(_) => {
                errs.push("shippingDate");
                Patch::Keep
            }
        },
        Ok(Patch::Clear) => Patch::Clear,
        Ok(Patch::Keep) => Patch::Keep,
        Err(()) => {
            errs.push("shippingDate");
            Patch::Keep
        }
    };
    let delete = match row.get("shippingDeleteFlag") {
        None | Some(Value::Null) => false,
        Some(v) => match v.as_i64().or_else(|| v.as_str().and_then(|s| s.parse().ok())) {
            Some(0) => false,
            Some(1) => true,
            _ => {
                errs.push("shippingDeleteFlag");
                false
            }
        },
    };
    let mut msgs: Vec<Message> = errs
        .into_iter()
        .map(|field| {
            let m =
                Message::error(op, "011", format!("{field}の書式が不正です。")).for_row(Some(data_number), detail_id);
            match order_number {
                Some(n) => m.for_order(n),
                None => m,
            }
        })
        .collect();
    let is_add = detail_id.is_none() && !delete;
    let nothing = matches!(delivery_company, Patch::Keep)
        && matches!(shipping_number, Patch::Keep)
        && matches!(shipping_date, Patch::Keep);
    if msgs.is_empty() && is_add && nothing {
        // A new row with none of the three fields says nothing; RMS needs at least one.
        let m = Message::error(op, "009", "deliveryCompanyの項目を指定して下さい。".into())
            .for_row(Some(data_number), None);
        msgs.push(match order_number {
            Some(n) => m.for_order(n),
            None => m,
        });
    }
    if msgs.is_empty() {
        Ok(ShippingRowUpdate { data_number, detail_id, delivery_company, shipping_number, shipping_date, delete })
    } else {
        Err(msgs)
    }
}
