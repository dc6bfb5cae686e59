//! The virtual clock and what RMS does on its own: 自動注文確認, processing, payment
//! deadlines, the 14-day auto-cancel, the buyer's 30-minute cancel.

use crate::helpers::*;
use serde_json::json;

#[tokio::test]
async fn auto_confirm_hides_new_orders_from_a_100_search_after_the_delay() {
    let app = spawn(shop().with_setting("auto_confirm = true").with_setting("auto_confirm_delay_minutes = 10")).await;
    let n = app.place_one(1).await;
    app.advance(9).await;
    assert_eq!(app.search_numbers(&[100]).await, vec![n.clone()]);
    let fired = app.advance(1).await;
    assert_eq!(
        fired["transitions"][0],
        json!({"at": "2026-11-28T09:10:00+0900", "order_number": n, "from": 100, "to": 200, "cause": "auto_confirm"})
    );
    assert!(app.search_numbers(&[100]).await.is_empty());
    // Exactly like confirmOrder: the confirmation datetime and a changeType 8 entry.
    let o = app.order_model(&n, 9).await;
    assert_eq!(o["shopOrderCfmDatetime"], "2026-11-28T09:10:00+0900");
    assert_eq!(o["ChangeReasonModelList"][0]["changeType"], 8);
    // A late confirmOrder finds the order already moved.
    let (_, v) = app.confirm(&[&n]).await;
    assert_eq!(codes(&v), vec!["ORDER_EXT_API_CONFIRM_ORDER_ERROR_103"]);
}

#[tokio::test]
async fn auto_confirm_with_no_delay_confirms_at_once() {
    let app = spawn(shop().with_setting("auto_confirm = true")).await;
    let n = app.place_one(1).await;
    assert!(app.search_numbers(&[100]).await.is_empty());
    assert_eq!(app.history(&n).await["history"][1]["cause"], "auto_confirm");
}

#[tokio::test]
async fn unconfirmed_orders_are_cancelled_after_14_days() {
    let app = spawn(shop()).await;
    let n = app.place_one(1).await;
    let confirmed = app.place_one(1).await;
    app.confirm(&[&confirmed]).await;
    app.advance(14 * 24 * 60 - 1).await;
    assert_eq!(app.order_model(&n, 9).await["orderProgress"], 100);
    let fired = app.advance(1).await;
    assert_eq!(
        fired["transitions"],
        json!([{"at": "2026-12-12T09:00:00+0900", "order_number": n, "from": 100, "to": 900, "cause": "auto_cancel"}])
    );
    let o = app.order_model(&n, 9).await;
    assert_eq!(o["orderProgress"], 900);
    assert_eq!(o["ChangeReasonModelList"][0]["changeType"], 2);
    assert_eq!(app.order_model(&confirmed, 9).await["orderProgress"], 300);
}

#[tokio::test]
async fn prepaid_orders_wait_in_200_until_paid() {
    let app = spawn(shop()).await;
    let n = app.place_one(9).await;
    app.confirm(&[&n]).await;
    app.advance(3 * 24 * 60).await;
    let o = app.order_model(&n, 9).await;
    assert_eq!(o["orderProgress"], 200, "no processing while unpaid");
    assert_eq!(o["DueDateModelList"], json!([{"dueDateType": 0, "dueDate": "2026-12-05"}]));
    let (status, v) = app.admin(reqwest::Method::POST, &app.shop_path(&format!("/orders/{n}/payment")), None).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["order_progress"], 300);
    let h = app.history(&n).await;
    assert_eq!(h["history"][2], json!({"at": "2026-12-01T09:00:00+0900", "from": 200, "to": 300, "cause": "payment"}));
    // dateType 6 (決済確定日) finds it.
    let (_, v) = app.search(json!({"dateType": 6, "startDatetime": "2026-12-01T00:00:00+0900", "endDatetime": "2026-12-01T23:59:59+0900"})).await;
    assert_eq!(v["orderNumberList"], json!([n]));
    // Paying twice, or paying a card order, is refused.
    let (status, _) = app.admin(reqwest::Method::POST, &app.shop_path(&format!("/orders/{n}/payment")), None).await;
    assert_eq!(status, 409);
    let card = app.place_one(1).await;
    let (status, v) = app.admin(reqwest::Method::POST, &app.shop_path(&format!("/orders/{card}/payment")), None).await;
    assert_eq!(status, 409, "{v}");
}

#[tokio::test]
async fn unpaid_prepaid_orders_are_cancelled_when_the_deadline_passes() {
    let app = spawn(shop()).await;
    let n = app.place_one(13).await;
    app.confirm(&[&n]).await;
    // Due 2026-12-05: cancelled when that day ends.
    let fired = app.advance(8 * 24 * 60).await;
    let t: Vec<_> =
        fired["transitions"].as_array().unwrap().iter().filter(|t| t["order_number"] == n.as_str()).cloned().collect();
    assert_eq!(
        t,
        vec![
            json!({"at": "2026-12-05T23:59:59+0900", "order_number": n, "from": 200, "to": 900, "cause": "payment_deadline"})
        ]
    );
    let o = app.order_model(&n, 9).await;
    assert_eq!(o["ChangeReasonModelList"][1]["changeReasonDetail"], 4, "未入金");
}

#[tokio::test]
async fn advance_fires_due_transitions_in_time_order() {
    let app = spawn(shop().with_setting("processing_delay_minutes = 60")).await;
    let a = app.place_one(1).await;
    app.advance(10).await;
    let b = app.place_one(1).await;
    app.confirm(&[&b]).await; // b: processing at 10:10
    app.advance(5).await;
    app.confirm(&[&a]).await; // a: processing at 10:15
    let fired = app.advance(24 * 60).await;
    let order: Vec<(String, String)> = fired["transitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["at"].as_str().unwrap().to_string(), t["order_number"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(order, vec![("2026-11-28T10:10:00+0900".into(), b), ("2026-11-28T10:15:00+0900".into(), a)]);
    assert_eq!(fired["now"], "2026-11-29T09:15:00+0900");
}

#[tokio::test]
async fn the_buyer_may_cancel_within_30_minutes_and_stock_comes_back() {
    let app = spawn(shop()).await;
    let n = app.place(&[("tshirt", "l-white", 3)], 1).await;
    let (status, v) =
        app.place_raw(json!({"lines": [{"manage_number": "tshirt", "variant_id": "l-white", "units": 1}]})).await;
    assert_eq!(status, 409, "out of stock: {v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("out of stock"));
    app.advance(30).await;
    let (status, v) = app.admin(reqwest::Method::POST, &app.shop_path(&format!("/orders/{n}/cancel")), None).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(app.history(&n).await["history"][1]["cause"], "buyer_cancel");
    // Stock restored: the buyer can order the last three again.
    app.place(&[("tshirt", "l-white", 3)], 1).await;
    let late = app.place_one(1).await;
    app.advance(31).await;
    let (status, _) = app.admin(reqwest::Method::POST, &app.shop_path(&format!("/orders/{late}/cancel")), None).await;
    assert_eq!(status, 409);
}

#[tokio::test]
async fn the_clock_only_moves_forward() {
    let app = spawn(shop()).await;
    let (status, v) = app
        .admin(reqwest::Method::POST, &app.shop_path("/clock/advance"), Some(json!({"to": "2026-11-27T09:00:00+0900"})))
        .await;
    assert_eq!(status, 400, "{v}");
    let (status, _) =
        app.admin(reqwest::Method::POST, &app.shop_path("/clock/advance"), Some(json!({"minutes": -5}))).await;
    assert_eq!(status, 400);
    let (status, v) = app
        .admin(reqwest::Method::POST, &app.shop_path("/clock/advance"), Some(json!({"to": "2026-12-01T00:00:00+0900"})))
        .await;
    assert_eq!((status, v["now"].as_str()), (200, Some("2026-12-01T00:00:00+0900")));
    let (status, _) = app
        .admin(
            reqwest::Method::POST,
            &app.shop_path("/clock/advance"),
            Some(json!({"minutes": 1, "to": "2026-12-02T00:00:00+0900"})),
        )
        .await;
    assert_eq!(status, 400, "exactly one of minutes / to");
}
