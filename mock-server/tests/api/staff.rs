//! The shop's staff as an actor (README "Shop staff"): confirm, cancel, edit, sub-status and
//! stock by hand through `/__admin/shops/{id}/staff/…`, with the causes that tell them from API
//! calls in the order's history.

use crate::helpers::*;
use reqwest::Method;
use rms_mock::control::{StaffAddressDoc, StaffEditRequest, StaffLine, StaffStock};
use serde_json::{json, Value};

fn causes(history: &Value) -> Vec<(Option<i64>, i64, String)> {
    history["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["from"].as_i64(), h["to"].as_i64().unwrap(), h["cause"].as_str().unwrap().to_string()))
        .collect()
}

fn units(manage_number: &str, variant_id: &str, units: i64) -> StaffEditRequest {
    StaffEditRequest {
        items: vec![StaffLine {
            manage_number: manage_number.into(),
            variant_id: variant_id.into(),
            units: Some(units),
            price: None,
        }],
        ..Default::default()
    }
}

#[tokio::test]
async fn staff_confirm_moves_100_to_200_as_staff_confirm_and_confirm_order_then_answers_103() {
    let app = spawn(shop()).await;
    let n = app.place_one(1).await;
    let before = app.journal().await["recorded"].as_u64().unwrap();
    let brief = app.shop().staff_confirm(&n).await.unwrap();
    assert_eq!(brief.order_progress, 200);
    // In the journal as the staff's action, not as an RMS request.
    let j = app.journal().await;
    assert_eq!(j["recorded"], before + 1);
    let e = j["entries"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(e["actor"], "staff");
    assert_eq!(e["function"], "staff.confirm");
    assert_eq!(e["path"], app.shop_path(&format!("/staff/orders/{n}/confirm")));
    assert_eq!(
        e["staff"],
        json!({"action": "confirm", "order_number": n, "changed": ["orderProgress 100 → 200"], "outcome": "done"})
    );
    let o = app.order_model(&n, 9).await;
    assert_eq!(o["ChangeReasonModelList"][0]["changeType"], 8, "confirmed exactly as confirmOrder does");
    assert!(o["shopOrderCfmDatetime"].is_string());
    let h = app.history(&n).await;
    assert_eq!(causes(&h)[1], (Some(100), 200, "staff_confirm".to_string()));
    let (_, v) = app.confirm(&[&n]).await;
    assert!(codes(&v).iter().any(|c| c.ends_with("ERROR_103")), "the tool's confirm meets 103: {v}");
    // Twice: the staff cannot confirm an order past 100.
    let e = app.shop().staff_confirm(&n).await.unwrap_err();
    assert!(e.to_string().contains("409"), "{e}");
    // The refusal is journalled too, with nothing changed; the tool's confirmOrder keeps the
    // shape of an RMS request (no `actor`, no `staff`).
    let j = app.journal().await;
    let entries = j["entries"].as_array().unwrap();
    let refused = entries.last().unwrap();
    assert_eq!((refused["status"].as_u64(), &refused["codes"]), (Some(409), &json!(["conflict"])));
    assert_eq!(refused["staff"]["changed"], json!([]));
    assert!(refused["staff"]["outcome"].as_str().unwrap().starts_with("refused: the order is in 200"), "{refused}");
    let api = &entries[entries.len() - 2];
    assert_eq!(api["function"], "rpay.order.confirmOrder");
    assert!(api.get("actor").is_none() && api.get("staff").is_none(), "{api}");
}

#[tokio::test]
async fn the_journal_filter_actor_selects_staff_actions_or_rms_requests() {
    let app = spawn(shop()).await;
    app.set_stock("tshirt", "m-black", 10).await;
    let n = app.place_one(1).await;
    app.confirm(&[&n]).await;
    app.shop()
        .staff_stock(&StaffStock {
            manage_number: "tshirt".into(),
            variant_id: "m-black".into(),
            mode: None,
            quantity: 4,
        })
        .await
        .unwrap();
    let functions = |q: &str| {
        let app = &app;
        let q = q.to_string();
        async move {
            let (status, v) = app.admin(Method::GET, &app.shop_path(&format!("/journal{q}")), None).await;
            assert_eq!(status, 200, "{v}");
            v["entries"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["function"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(functions("?actor=staff").await, ["staff.stock"]);
    assert_eq!(functions("?actor=api").await, ["inventoryapi.inventories.variants.upsert", "rpay.order.confirmOrder"]);
    assert_eq!(functions("").await.len(), 3);
    app.shop().staff_confirm(&n).await.unwrap_err();
    assert_eq!(functions(&format!("?actor=staff&order_number={n}")).await, ["staff.confirm"], "by its path");
    assert_eq!(
        functions("?function=confirmOrder").await,
        ["rpay.order.confirmOrder"],
        "no staff action has an RMS function"
    );
    let staff = app.shop().query_journal(&rms_mock::control::JournalQuery::new().actor("staff")).await.unwrap();
    let note = staff.entries[0].staff.as_ref().unwrap();
    assert_eq!(
        (note.sku.as_deref(), note.changed.as_slice()),
        (Some("tshirt/m-black"), ["stock 9 → 4".to_string()].as_slice())
    );
    let (status, v) = app.admin(Method::GET, &app.shop_path("/journal?actor=buyer"), None).await;
    assert_eq!(status, 400);
    assert!(v["error"]["message"].as_str().unwrap().contains("actor: 'buyer' is not staff or api"), "{v}");
}

#[tokio::test]
async fn staff_cancel_cancels_at_once_and_restocks_by_the_items_rule_unless_told() {
    let app = spawn(shop()).await;
    app.set_stock("tshirt", "m-black", 10).await;
    let restocked = app.place(&[("tshirt", "m-black", 3)], 1).await;
    let kept = app.place(&[("tshirt", "m-black", 2)], 1).await;
    assert_eq!(app.stock("tshirt", "m-black").await, 5);
    app.confirm(&[&restocked]).await;
    let b = app.shop().staff_cancel(&restocked, None).await.unwrap();
    assert_eq!(b.order_progress, 900, "no 800 step: the staff cancel in RMS at once");
    assert_eq!(app.stock("tshirt", "m-black").await, 8, "restock_on_cancel defaults to true in shop files");
    app.shop().staff_cancel(&kept, Some(false)).await.unwrap();
    assert_eq!(app.stock("tshirt", "m-black").await, 8, "restock = false keeps the units out");
    assert_eq!(causes(&app.history(&restocked).await).last().unwrap(), &(Some(200), 900, "staff_cancel".into()));
    let o = app.order_model(&kept, 9).await;
    let cr = &o["ChangeReasonModelList"][0];
    assert_eq!((cr["changeType"].as_i64(), cr["changeReasonDetail"].as_i64()), (Some(2), Some(10)));
    let e = app.shop().staff_cancel(&kept, None).await.unwrap_err();
    assert!(e.to_string().contains("cancelled"), "{e}");
}

#[tokio::test]
async fn staff_edit_of_a_confirmed_orders_amount_goes_to_400_and_back_with_modify_flag_and_stock() {
    let app = spawn(shop()).await;
    app.set_stock("tshirt", "m-black", 10).await;
    let n = app.place(&[("tshirt", "m-black", 1)], 1).await;
    app.confirm(&[&n]).await;
    let before = app.order_model(&n, 9).await;
    assert_eq!(before["modifyFlag"], 0);
    let b = app.shop().staff_edit(&n, &units("tshirt", "m-black", 3)).await.unwrap();
    assert_eq!(b.order_progress, 400, "a confirmed order whose amount changes waits in 400");
    assert_eq!(app.stock("tshirt", "m-black").await, 7, "stock follows the units");
    let o = app.order_model(&n, 9).await;
    assert_eq!(o["modifyFlag"], 1);
    assert!(o["requestPrice"].as_i64() > before["requestPrice"].as_i64());
    let reasons = o["ChangeReasonModelList"].as_array().unwrap();
    assert_eq!(reasons.len(), 2, "confirmation + the change: {reasons:?}");
    assert_eq!(reasons[1]["changeType"], 4, "change requested");
    assert!(reasons[1]["changeCmplDatetime"].is_null());
    let fired = app.advance(60).await;
    assert_eq!(fired["transitions"][0]["cause"], "change_confirmed");
    let o = app.order_model(&n, 9).await;
    assert_eq!(o["orderProgress"], 300, "back to 200, processing fell due meanwhile");
    assert_eq!(o["ChangeReasonModelList"][1]["changeType"], 6, "change completed");
    let c = causes(&app.history(&n).await);
    assert!(c.contains(&(Some(200), 400, "staff_edit".into())), "{c:?}");
    assert!(c.contains(&(Some(400), 200, "change_confirmed".into())), "{c:?}");
    // A reduction needs no reason from the staff (the screen records one): units back to 1.
    app.shop().staff_edit(&n, &units("tshirt", "m-black", 1)).await.unwrap();
    assert_eq!(app.stock("tshirt", "m-black").await, 9);
    let o = app.order_model(&n, 9).await;
    assert_eq!(o["ChangeReasonModelList"][2]["changeReasonDetail"], 10);
}

#[tokio::test]
async fn staff_edit_in_100_changes_price_postage_and_address_without_moving_the_status() {
    let app = spawn(shop()).await;
    let n = app.place_one(1).await;
    let edit = StaffEditRequest {
        items: vec![StaffLine {
            manage_number: "tshirt".into(),
            variant_id: "m-black".into(),
            units: None,
            price: Some(1500),
        }],
        postage_price: Some(800),
        address: Some(StaffAddressDoc {
            zip_code: "100-0001".into(),
            prefecture: "東京都".into(),
            city: "千代田区".into(),
            sub_address: "千代田1-1".into(),
        }),
    };
    let b = app.shop().staff_edit(&n, &edit).await.unwrap();
    assert_eq!(b.order_progress, 100);
    let o = app.order_model(&n, 9).await;
    assert_eq!(o["modifyFlag"], 1);
    let pkg = &o["PackageModelList"][0];
    assert_eq!(pkg["postagePrice"], 800);
    assert_eq!(pkg["ItemModelList"][0]["price"], 1500, "the unit price the staff typed");
    assert_eq!(o["requestPrice"], 1500 + 800);
    let sender = &pkg["SenderModel"];
    assert_eq!(
        (sender["zipCode1"].as_str(), sender["zipCode2"].as_str(), sender["prefecture"].as_str()),
        (Some("100"), Some("0001"), Some("東京都"))
    );
    assert_eq!(sender["subAddress"], "千代田1-1");
    assert_ne!(o["OrdererModel"]["subAddress"], "千代田1-1", "the orderer stays");
    assert_eq!(causes(&app.history(&n).await).len(), 1, "no status change in 100");
}

#[tokio::test]
async fn staff_edits_that_cannot_be_made_are_refused_with_the_key() {
    let app = spawn(shop()).await;
    let n = app.place_one(1).await;
    let path = app.shop_path(&format!("/staff/orders/{n}/edit"));
    for (body, expect) in [
        (json!({}), "give at least one of items, postage_price, address"),
        (json!({"postage_price": -1}), "postage_price: -1 is not between 0 and 999999999"),
        (json!({"items": [{"manage_number": "tshirt", "variant_id": "m-black", "units": 0}]}), "items[0].units"),
        (json!({"items": [{"manage_number": "socks", "variant_id": "socks", "units": 2}]}), "no line of socks/socks"),
        (
            json!({"address": {"zip_code": "12", "prefecture": "東京都", "city": "x", "sub_address": "y"}}),
            "address.zip_code",
        ),
        (
            json!({"address": {"zip_code": "1000001", "prefecture": "東京", "city": "x", "sub_address": "y"}}),
            "address.prefecture",
        ),
        (json!({"colour": "red"}), "colour"),
    ] {
        let (status, v) = app.admin(Method::POST, &path, Some(body.clone())).await;
        assert_eq!(status, 400, "{body}: {v}");
        let m = v["error"]["message"].as_str().unwrap();
        assert!(m.contains(expect), "{body}: {m}");
    }
    let (status, _) =
        app.admin(Method::POST, &app.shop_path("/staff/orders/nope/edit"), Some(json!({"postage_price": 1}))).await;
    assert_eq!(status, 404);
    app.shop().staff_cancel(&n, None).await.unwrap();
    let (status, v) = app.admin(Method::POST, &path, Some(json!({"postage_price": 1}))).await;
    assert_eq!((status, v["error"]["code"].as_str()), (409, Some("conflict")), "{v}");
}

#[tokio::test]
async fn staff_set_and_clear_a_sub_status_with_update_order_sub_status_rules() {
    let app =
        spawn(shop().with_toml("[[sub_statuses]]\nid = 1101\nname = \"在庫確認中\"\norder_progress = 100\n")).await;
    let n = app.place_one(1).await;
    app.shop().staff_sub_status(&n, Some(1101)).await.unwrap();
    assert_eq!(app.order_model(&n, 9).await["subStatusId"], 1101);
    let e = app.shop().staff_sub_status(&n, Some(9999)).await.unwrap_err();
    assert!(e.to_string().contains("sub_status_id"), "{e}");
    app.shop().staff_sub_status(&n, None).await.unwrap();
    assert!(app.order_model(&n, 9).await["subStatusId"].is_null());
}

#[tokio::test]
async fn staff_change_stock_by_hand_absolute_and_relative_as_the_inventory_api_would() {
    let app = spawn(shop()).await;
    let set = |mode: Option<&str>, quantity: i64| StaffStock {
        manage_number: "tshirt".into(),
        variant_id: "m-black".into(),
        mode: mode.map(String::from),
        quantity,
    };
    assert_eq!(app.shop().staff_stock(&set(None, 12)).await.unwrap().quantity, 12);
    assert_eq!(app.shop().staff_stock(&set(Some("RELATIVE"), -2)).await.unwrap().quantity, 10);
    assert_eq!(app.stock("tshirt", "m-black").await, 10, "the Inventory API reads what the staff set");
    let e = app.shop().staff_stock(&set(Some("RELATIVE"), -11)).await.unwrap_err();
    assert!(e.to_string().contains("0..99999"), "{e}");
    let e = app.shop().staff_stock(&set(Some("SOMETIMES"), 1)).await.unwrap_err();
    assert!(e.to_string().contains("mode"), "{e}");
    let orphan = StaffStock {
        manage_number: "ghost".into(),
        variant_id: "v".into(),
        mode: Some("RELATIVE".into()),
        quantity: 1,
    };
    let e = app.shop().staff_stock(&orphan).await.unwrap_err();
    assert!(e.to_string().contains("ABSOLUTE first"), "{e}");
}

#[tokio::test]
async fn staff_actions_survive_a_state_export_and_import() {
    let app = spawn(shop()).await;
    let n = app.place_one(1).await;
    app.confirm(&[&n]).await;
    app.shop().staff_edit(&n, &units("tshirt", "m-black", 2)).await.unwrap();
    let (status, state) = app.get("/__admin/state").await;
    assert_eq!(status, 200);
    let (status, v) = app.put("/__admin/state", state.clone()).await;
    assert_eq!(status, 200, "{v}");
    let c = causes(&app.history(&n).await);
    assert_eq!(c.last().unwrap(), &(Some(200), 400, "staff_edit".into()), "the cause reads back: {c:?}");
    let (_, again) = app.get("/__admin/state").await;
    assert_eq!(again, state);
}

/// A shipping report made while the order waits in 400 is accepted (INFO_101) but does not
/// ship it; it takes effect when the order is back in 300 (inferred, README "Inferred
/// behaviour"): 300 → 500 `held_shipping_report` with `shippingCmplRptDatetime` then. An
/// incomplete report (no tracking number) leaves the order in 300, as it would have in 300.
#[tokio::test]
async fn a_shipping_report_made_in_400_ships_the_order_when_it_is_back_in_300() {
    let app = spawn(shop()).await;
    app.set_stock("tshirt", "m-black", 10).await;
    let report = |n: &str, basket: &Value, number: Option<&str>| {
        let mut row = json!({"deliveryCompany": "1001", "shippingDate": "2026-11-28"});
        if let Some(number) = number {
            row["shippingNumber"] = json!(number);
        }
        json!({"orderNumber": n, "BasketidModelList": [{"basketId": basket, "ShippingModelList": [row]}]})
    };
    let (complete, incomplete) = (app.place_one(1).await, app.place_one(1).await);
    app.confirm(&[&complete, &incomplete]).await;
    app.advance(30).await;
    for n in [&complete, &incomplete] {
        assert_eq!(app.order_model(n, 9).await["orderProgress"], 300);
        let b = app.shop().staff_edit(n, &units("tshirt", "m-black", 2)).await.unwrap();
        assert_eq!(b.order_progress, 400);
        let basket = app.order_model(n, 9).await["PackageModelList"][0]["basketId"].clone();
        let number = (n == &complete).then_some("1234-5678");
        let (status, v) = app.order("updateOrderShipping", report(n, &basket, number)).await;
        assert_eq!(status, 200, "{v}");
        assert!(codes(&v).iter().all(|c| c.ends_with("INFO_101")), "accepted in 400: {v}");
        assert_eq!(app.order_model(n, 9).await["orderProgress"], 400, "no 500 from 400");
    }
    app.advance(60).await; // change_confirm_minutes: back to 300
    let shipped = app.order_model(&complete, 9).await;
    assert_eq!(shipped["orderProgress"], 500, "{shipped}");
    assert_eq!(shipped["shippingCmplRptDatetime"], "2026-11-28T10:30:00+0900", "when it reached 300");
    let c = causes(&app.history(&complete).await);
    assert_eq!(
        &c[c.len() - 2..],
        [(Some(400), 300, "change_confirmed".into()), (Some(300), 500, "held_shipping_report".into())]
    );
    let waiting = app.order_model(&incomplete, 9).await;
    assert_eq!(waiting["orderProgress"], 300, "an incomplete report ships nothing");
    assert!(waiting["shippingCmplRptDatetime"].is_null());
    // Rakuten's payment processing follows the held report as it follows any.
    let fired = app.advance(24 * 60).await;
    assert!(fired["transitions"].as_array().unwrap().iter().any(|t| t["cause"] == "payment_processing"), "{fired}");
}
