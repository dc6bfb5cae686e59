//! Orders a shop really gets (issue 14 part 2, field-failures.md rows 2, 11, 17, 19, 20):
//! 定期購入 / 頒布会 / 予約 with their reservation fields, 送料未確定 (−9999 until the shop sets
//! the postage), social gifts waiting for the recipient's address (getOrder v10), several
//! destinations (one basket each), fraud flags and the review-NG cancel of the next day, and
//! order numbers with an 8-digit tail. Placed through the control plane and shop documents.

use crate::helpers::*;
use serde_json::{json, Value};

const RANGE: (&str, &str) = ("2026-11-01T00:00:00+0900", "2026-12-30T23:59:59+0900");

async fn placed(app: &TestApp, body: Value) -> String {
    let (status, v) = app.place_raw(body).await;
    assert_eq!(status, 201, "{v}");
    v["order_number"].as_str().unwrap().to_string()
}

fn socks() -> Value {
    json!([{"manage_number": "socks", "variant_id": "socks"}])
}

async fn search(app: &TestApp, extra: Value) -> Vec<String> {
    let mut body = json!({"dateType": 1, "startDatetime": RANGE.0, "endDatetime": RANGE.1});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let (status, v) = app.search(body).await;
    assert_eq!(status, 200, "{v}");
    let mut n: Vec<String> =
        v["orderNumberList"].as_array().map_or(vec![], |a| a.iter().map(|x| x.as_str().unwrap().to_string()).collect());
    n.sort();
    n
}

fn sorted(mut v: Vec<&String>) -> Vec<String> {
    v.sort();
    v.into_iter().cloned().collect()
}

#[tokio::test]
async fn subscription_distribution_and_reservation_orders_carry_their_type_and_reserve_fields() {
    let app = spawn(shop()).await;
    let normal = app.place(&[("socks", "socks", 1)], 1).await;
    let teiki = placed(&app, json!({"lines": socks(), "order_type": 4, "reserve_delivery_count": 3})).await;
    let hanpu = placed(&app, json!({"lines": socks(), "order_type": 5})).await;
    let yoyaku =
        placed(&app, json!({"lines": socks(), "order_type": 6, "reserve_number": "123456-20261101-00004242-r"})).await;

    let o = app.order_model(&normal, 10).await;
    assert_eq!(
        (o["orderType"].clone(), o["reserveNumber"].clone(), o["reserveDeliveryCount"].clone()),
        (json!(1), json!(null), json!(null))
    );
    let o = app.order_model(&yoyaku, 9).await;
    assert_eq!(o["orderType"], 6);
    assert_eq!(o["reserveNumber"], "123456-20261101-00004242-r");
    assert_eq!(o["reserveDeliveryCount"], 1, "the first delivery by default");
    let o = app.order_model(&teiki, 3).await;
    assert_eq!(o["orderType"], 4, "in every version");
    assert_eq!(o["reserveDeliveryCount"], 3);
    let issued = o["reserveNumber"].as_str().unwrap();
    let day = &teiki[7..15];
    assert!(issued.starts_with(&format!("123456-{day}-")) && issued.ends_with("-r") && issued.len() == 26, "{issued}");
    assert_eq!(app.order_model(&hanpu, 10).await["orderType"], 5);
    // The key order stays the manual's.
    let keys: Vec<&String> = o.as_object().unwrap().keys().collect();
    let at = keys.iter().position(|k| *k == "orderType").unwrap();
    assert_eq!(&keys[at..at + 4], ["orderType", "reserveNumber", "reserveDeliveryCount", "cautionDisplayType"]);

    // searchOrder's orderTypeList and reserveNumber filter on them.
    assert_eq!(search(&app, json!({"orderTypeList": [6]})).await, vec![yoyaku.clone()]);
    assert_eq!(search(&app, json!({"orderTypeList": [1]})).await, vec![normal.clone()]);
    assert_eq!(search(&app, json!({"orderTypeList": [1, 5]})).await, sorted(vec![&normal, &hanpu]));
    assert_eq!(search(&app, json!({"orderTypeList": [4, 5, 6]})).await, sorted(vec![&teiki, &hanpu, &yoyaku]));
    assert_eq!(search(&app, json!({"orderTypeList": [1, 4, 5, 6]})).await.len(), 4);
    assert_eq!(search(&app, json!({"reserveNumber": "123456-20261101-00004242-r"})).await, vec![yoyaku.clone()]);
    assert_eq!(search(&app, json!({"reserveNumber": "123456-20261101-00004243-r"})).await, Vec::<String>::new());
}

#[tokio::test]
async fn reserve_fields_on_a_normal_order_and_bad_kinds_are_refused_by_key() {
    let app = spawn(shop()).await;
    for (body, key) in [
        (json!({"lines": socks(), "reserve_number": "123456-20261101-00004242-r"}), "order_type"),
        (json!({"lines": socks(), "order_type": 2}), "order_type"),
        (json!({"lines": socks(), "order_type": 6, "reserve_number": "R-1"}), "reserve_number"),
        (json!({"lines": socks(), "order_type": 6, "reserve_delivery_count": 0}), "reserve_delivery_count"),
        (json!({"lines": socks(), "caution_display_type": 3}), "caution_display_type"),
        (json!({"lines": socks(), "caution_display_detail_type": 100}), "caution_display_detail_type"),
        (json!({"lines": socks(), "gift_input_days": 3}), "gift_input_days"),
        (json!({"lines": socks(), "social_gift": true, "destinations": [{"lines": socks()}]}), "destinations"),
        (
            json!({"lines": socks(), "destinations": [{"lines": [{"manage_number": "socks", "variant_id": "nope"}]}]}),
            "destinations[0].lines[0].variant_id",
        ),
    ] {
        let (status, v) = app.place_raw(body.clone()).await;
        assert_eq!(status, 400, "{body}: {v}");
        let message = v["error"]["message"].as_str().unwrap();
        assert!(message.starts_with(&format!("request body: {key}: ")), "{body}: {message}");
    }
    assert_eq!(app.stock("socks", "socks").await, 5000, "nothing reserved");
}

#[tokio::test]
async fn undetermined_postage_is_minus_9999_until_the_shop_sets_it() {
    let app = spawn(shop()).await;
    let n = placed(&app, json!({"lines": socks(), "postage_undetermined": true})).await;
    let o = app.order_model(&n, 9).await;
    for k in ["postagePrice", "totalPrice", "requestPrice"] {
        assert_eq!(o[k], -9999, "{k}");
    }
    assert_eq!(o["goodsPrice"], 500, "the goods are known");
    assert_eq!(o["PackageModelList"][0]["postagePrice"], -9999);
    // The shop cannot confirm it yet (ERROR_105, as for the shop's own undetermined postage).
    let (_, v) = app.confirm(&[&n]).await;
    assert_eq!(codes(&v), ["ORDER_EXT_API_CONFIRM_ORDER_ERROR_105"], "{v}");

    let (status, v) = app.post(&app.shop_path(&format!("/orders/{n}/postage")), json!({"postage": -1})).await;
    assert_eq!(status, 400, "{v}");
    let (status, v) =
        app.post(&app.shop_path(&format!("/orders/{n}/postage")), json!({"postage": 600, "basket_id": 1})).await;
    assert_eq!(status, 404, "{v}");
    let brief = app.shop().set_postage(&n, 600, None).await.unwrap();
    assert_eq!(brief.order_number, n);
    let o = app.order_model(&n, 9).await;
    assert_eq!(
        (o["postagePrice"].clone(), o["totalPrice"].clone(), o["requestPrice"].clone()),
        (json!(600), json!(1100), json!(1100))
    );
    let (_, v) = app.confirm(&[&n]).await;
    assert_eq!(codes(&v), ["ORDER_EXT_API_CONFIRM_ORDER_INFO_101"], "{v}");

    // A cancelled order takes no postage.
    let c = placed(&app, json!({"lines": socks(), "postage_undetermined": true})).await;
    app.shop().cancel(&c).await.unwrap();
    let (status, v) = app.post(&app.shop_path(&format!("/orders/{c}/postage")), json!({"postage": 600})).await;
    assert_eq!(status, 409, "{v}");
}

/// The staff entering the postage of a 送料後日確定 order in RMS and `POST …/postage` are one
/// path (`Shop::set_postage`): the same amounts, no `modifyFlag`; a determined postage the
/// staff change later follows updateOrderSender's rules (`modifyFlag` 1).
#[tokio::test]
async fn the_staff_entering_undetermined_postage_sets_it_as_the_postage_step_does() {
    use rms_mock::control::{StaffEditRequest, StaffLine};
    let app = spawn(shop()).await;
    let undetermined = json!({"lines": socks(), "postage_undetermined": true});
    let (by_staff, by_step) = (placed(&app, undetermined.clone()).await, placed(&app, undetermined.clone()).await);
    let postage = |yen: i64| StaffEditRequest { postage_price: Some(yen), ..Default::default() };
    app.shop().staff_edit(&by_staff, &postage(600)).await.unwrap();
    app.shop().set_postage(&by_step, 600, None).await.unwrap();
    let amounts =
        |o: &Value| ["postagePrice", "totalPrice", "requestPrice", "modifyFlag"].map(|k| o[k].clone()).to_vec();
    let staff = app.order_model(&by_staff, 9).await;
    assert_eq!(amounts(&staff), [json!(600), json!(1100), json!(1100), json!(0)], "{staff}");
    assert_eq!(amounts(&staff), amounts(&app.order_model(&by_step, 9).await));
    // Once determined, a change of the postage is an edit: updateOrderSender's rules.
    app.shop().staff_edit(&by_staff, &postage(800)).await.unwrap();
    let edited = app.order_model(&by_staff, 9).await;
    assert_eq!((edited["postagePrice"].clone(), edited["modifyFlag"].clone()), (json!(800), json!(1)));
    // An edit with items too: a refused item change leaves the postage undetermined.
    let c = placed(&app, undetermined).await;
    app.set_stock("socks", "socks", 0).await;
    let too_many = StaffEditRequest {
        items: vec![StaffLine {
            manage_number: "socks".into(),
            variant_id: "socks".into(),
            units: Some(2),
            price: None,
        }],
        postage_price: Some(600),
        address: None,
    };
    let e = app.shop().staff_edit(&c, &too_many).await.unwrap_err();
    assert!(e.to_string().contains("409"), "{e}");
    assert_eq!(app.order_model(&c, 9).await["postagePrice"], -9999, "nothing changed");
    app.set_stock("socks", "socks", 10).await;
    app.shop().staff_edit(&c, &too_many).await.unwrap();
    let o = app.order_model(&c, 9).await;
    assert_eq!(amounts(&o), [json!(600), json!(1600), json!(1600), json!(1)], "{o}");
}

#[tokio::test]
async fn a_social_gift_shows_placeholders_until_the_recipient_enters_the_address() {
    let app = spawn(shop()).await;
    let n = placed(&app, json!({"lines": socks(), "social_gift": true})).await;
    let o = app.order_model(&n, 10).await;
    assert_eq!(o["socialGiftFlag"], 1);
    assert_eq!(o["equalSenderFlag"], 0, "the recipient is not the orderer");
    let p = &o["PackageModelList"][0];
    let due = "2026-12-05"; // ordered 2026-11-28, + 7 days
    assert_eq!(
        p["SocialGiftModel"],
        json!({"sgMngNumber": format!("{n}-sg"), "inputDueDate": due, "inputFlag": 0,
               "inputCompDatetime": null, "receiverEmailAddress": null})
    );
    let s = &p["SenderModel"];
    assert_eq!((s["zipCode1"].clone(), s["zipCode2"].clone()), (json!("999"), json!("9999")));
    assert_eq!((s["prefecture"].clone(), s["familyName"].clone()), (json!("入力待ち"), json!("入力待ち")));
    assert_eq!(s["familyNameKana"], "ニュウリョクマチ");
    assert_eq!(
        (s["phoneNumber1"].clone(), s["phoneNumber2"].clone(), s["phoneNumber3"].clone()),
        (json!("999"), json!("9999"), json!("9999"))
    );
    // Before v10 the flag and the model do not exist; the placeholders are what RMS has.
    let v9 = app.order_model(&n, 9).await;
    assert!(v9.get("socialGiftFlag").is_none() && v9["PackageModelList"][0].get("SocialGiftModel").is_none());
    assert_eq!(v9["PackageModelList"][0]["SenderModel"]["city"], "入力待ち");
    // A plain order's SocialGiftModel is null in v10.
    let plain = app.place(&[("socks", "socks", 1)], 1).await;
    let o = app.order_model(&plain, 10).await;
    assert_eq!(
        (o["socialGiftFlag"].clone(), o["PackageModelList"][0]["SocialGiftModel"].clone()),
        (json!(0), json!(null))
    );

    app.advance(60).await;
    let (status, v) = app
        .post(
            &app.shop_path(&format!("/orders/{n}/gift-address")),
            json!({"family_name": "佐藤", "zip_code": "150-0001", "phone": "03-1234-5678"}),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    let o = app.order_model(&n, 10).await;
    let p = &o["PackageModelList"][0];
    assert_eq!(p["SocialGiftModel"]["inputFlag"], 1);
    assert!(p["SocialGiftModel"]["inputCompDatetime"].as_str().unwrap().ends_with("+0900"));
    assert!(p["SocialGiftModel"]["receiverEmailAddress"].as_str().unwrap().ends_with("@pc.fw.rakuten.ne.jp"));
    let s = &p["SenderModel"];
    assert_eq!(
        (s["familyName"].clone(), s["zipCode1"].clone(), s["zipCode2"].clone(), s["phoneNumber1"].clone()),
        (json!("佐藤"), json!("150"), json!("0001"), json!("03"))
    );
    assert_ne!(s["city"], "入力待ち");
    // searchOrder finds the recipient by the name entered.
    assert!(search(&app, json!({"searchKeywordType": 6, "searchKeyword": "佐藤"})).await.contains(&n));
    let (status, _) = app.post(&app.shop_path(&format!("/orders/{n}/gift-address")), json!({})).await;
    assert_eq!(status, 409, "entered once");
    let (status, _) = app.post(&app.shop_path(&format!("/orders/{plain}/gift-address")), json!({})).await;
    assert_eq!(status, 409, "not a gift");
    let (status, v) = app.post(&app.shop_path(&format!("/orders/{n}/gift-address")), json!({"zip_code": "12"})).await;
    assert_eq!(status, 400, "{v}");
}

#[tokio::test]
async fn a_gift_whose_address_never_comes_is_cancelled_by_rakuten_after_its_due_date() {
    let app = spawn(shop()).await;
    let n = placed(&app, json!({"lines": socks(), "social_gift": true, "gift_input_days": 2})).await;
    app.confirm(&[&n]).await;
    app.advance(2 * 24 * 60).await;
    assert_ne!(app.order_model(&n, 10).await["orderProgress"], 900, "the due day is not over yet");
    app.advance(24 * 60).await;
    let o = app.order_model(&n, 10).await;
    assert_eq!(o["orderProgress"], 900);
    let last = o["ChangeReasonModelList"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["changeReasonDetail"], 16, "受取情報入力期限切れ");
    let h = app.history(&n).await;
    assert_eq!(h["history"].as_array().unwrap().last().unwrap()["cause"], "gift_input_expired", "{h}");
}

#[tokio::test]
async fn several_destinations_are_one_basket_each_shipped_per_basket() {
    let app =
        spawn(shop().with_setting("auto_confirm = true\nauto_confirm_delay_minutes = 0\nprocessing_delay_minutes = 0"))
            .await;
    let n = placed(
        &app,
        json!({"lines": [{"manage_number": "tshirt", "variant_id": "m-black"}],
               "destinations": [{"lines": [{"manage_number": "socks", "variant_id": "socks", "units": 2}]}]}),
    )
    .await;
    let o = app.order_model(&n, 9).await;
    assert_eq!((o["severalSenderFlag"].clone(), o["equalSenderFlag"].clone()), (json!(1), json!(0)));
    let baskets = o["PackageModelList"].as_array().unwrap();
    assert_eq!(baskets.len(), 2);
    let (a, b) = (&baskets[0], &baskets[1]);
    assert!(b["basketId"].as_u64() > a["basketId"].as_u64());
    assert_eq!(a["ItemModelList"][0]["itemDetailId"], a["basketId"], "first item id = basket id, as in captures");
    assert_eq!(b["ItemModelList"][0]["itemDetailId"], b["basketId"]);
    assert_eq!(
        (a["ItemModelList"][0]["manageNumber"].clone(), b["ItemModelList"][0]["units"].clone()),
        (json!("tshirt"), json!(2))
    );
    assert_eq!((a["goodsPrice"].clone(), b["goodsPrice"].clone()), (json!(1980), json!(1000)));
    let postage = a["postagePrice"].as_i64().unwrap() + b["postagePrice"].as_i64().unwrap();
    assert_eq!(o["postagePrice"].as_i64().unwrap(), postage, "the order's postage is the baskets' together");
    assert_eq!(o["goodsPrice"], 2980);
    assert_ne!(a["SenderModel"]["familyName"], json!(null));
    assert_eq!(
        a["SenderModel"]["phoneNumber3"], o["OrdererModel"]["phoneNumber3"],
        "the first basket goes to the orderer"
    );
    assert_ne!(b["SenderModel"], a["SenderModel"], "the second to someone else");
    assert_eq!(app.stock("socks", "socks").await, 4998, "every basket's stock is reserved");
    assert_eq!(o["orderProgress"], 300);

    // Shipping one basket leaves the order in 300; the second closes it.
    let row = |basket: &Value, no: &str| json!({"basketId": basket["basketId"], "ShippingModelList": [{"deliveryCompany": "1001", "shippingNumber": no, "shippingDate": "2026-11-28"}]});
    let (status, v) =
        app.order("updateOrderShipping", json!({"orderNumber": n, "BasketidModelList": [row(a, "111")]})).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(app.order_model(&n, 9).await["orderProgress"], 300, "one basket still has no report");
    let (status, v) =
        app.order("updateOrderShipping", json!({"orderNumber": n, "BasketidModelList": [row(b, "222")]})).await;
    assert_eq!(status, 200, "{v}");
    let o = app.order_model(&n, 9).await;
    assert_eq!(o["orderProgress"], 500);
    assert_eq!(o["PackageModelList"][1]["ShippingModelList"][0]["shippingNumber"], "222");
    assert_eq!(o["PackageModelList"][0]["ShippingModelList"][0]["shippingNumber"], "111");
}

/// updateOrderSender on an order with several destinations changes the basket it names and
/// no other: its sender, its units (and their stock), its amounts; the order's totals follow.
/// A basket id the order does not have answers ERROR_104 and changes nothing.
#[tokio::test]
async fn update_order_sender_changes_one_basket_of_several_and_the_others_stay() {
    let app = spawn(shop()).await;
    let n = placed(
        &app,
        json!({"lines": [{"manage_number": "tshirt", "variant_id": "m-black"}],
               "destinations": [{"lines": socks()}, {"lines": [{"manage_number": "socks", "variant_id": "socks", "units": 2}]}]}),
    )
    .await;
    let before = app.order_model(&n, 9).await;
    let baskets = before["PackageModelList"].as_array().unwrap().clone();
    assert_eq!(baskets.len(), 3);
    let (second, detail) = (baskets[1]["basketId"].clone(), baskets[1]["ItemModelList"][0]["itemDetailId"].clone());
    let stock = app.stock("socks", "socks").await;
    let sender = json!({"zipCode1": "530", "zipCode2": "0001", "prefecture": "大阪府", "city": "大阪市北区", "subAddress": "梅田1-1",
                        "familyName": "田中", "firstName": "花子", "phoneNumber1": "06", "phoneNumber2": "1111", "phoneNumber3": "2222"});
    let body = json!({"orderNumber": n, "PackageModelList": [{"basketId": second, "SenderModel": sender.clone(),
                      "ItemModelList": [{"itemDetailId": detail, "units": 3}]}]});
    let (status, v) = app.order("updateOrderSender", body).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(codes(&v), ["ORDER_EXT_API_UPDATE_ORDERSENDER_INFO_101"]);
    let after = app.order_model(&n, 9).await;
    let changed = &after["PackageModelList"][1];
    assert_eq!(
        (changed["SenderModel"]["prefecture"].clone(), changed["SenderModel"]["familyName"].clone()),
        (json!("大阪府"), json!("田中"))
    );
    assert_eq!(changed["ItemModelList"][0]["units"], 3);
    assert_eq!(changed["goodsPrice"], 1500);
    assert_eq!(app.stock("socks", "socks").await, stock - 2, "the basket's two more units");
    for i in [0, 2] {
        assert_eq!(after["PackageModelList"][i], baskets[i], "basket {i} stays as it was");
    }
    assert_eq!(
        after["goodsPrice"].as_i64(),
        before["goodsPrice"].as_i64().map(|g| g + 1000),
        "the order's totals follow"
    );
    assert_eq!(after["modifyFlag"], 1);

    // A basket the order does not have: ERROR_104 naming it, and nothing changes.
    let wrong = baskets.iter().map(|b| b["basketId"].as_u64().unwrap()).max().unwrap() + 1000;
    let body = json!({"orderNumber": n, "PackageModelList": [{"basketId": wrong, "SenderModel": sender},
                      {"basketId": baskets[2]["basketId"], "ItemModelList": [{"itemDetailId": baskets[2]["ItemModelList"][0]["itemDetailId"], "units": 1}]}]});
    let (status, v) = app.order("updateOrderSender", body).await;
    assert_eq!(status, 200, "per-order errors come with HTTP 200: {v}");
    assert_eq!(codes(&v), ["ORDER_EXT_API_UPDATE_ORDERSENDER_ERROR_104"], "{v}");
    assert!(v["MessageModelList"][0]["message"].as_str().unwrap().contains(&format!("({wrong})")), "{v}");
    assert_eq!(app.order_model(&n, 9).await, after, "a refused request changes no basket");
}

#[tokio::test]
async fn fraud_flags_show_as_placed_and_a_review_ng_order_is_cancelled_the_next_day_even_shipped() {
    let app = spawn(shop().with_setting("processing_delay_minutes = 0")).await;
    let flagged = placed(
        &app,
        json!({"lines": socks(), "caution_display_type": 1, "caution_display_detail_type": 102, "rakuten_confirm": true}),
    )
    .await;
    let o = app.order_model(&flagged, 6).await;
    assert_eq!(
        (o["cautionDisplayType"].clone(), o["cautionDisplayDetailType"].clone(), o["rakutenConfirmFlag"].clone()),
        (json!(1), json!(102), json!(1))
    );
    assert!(app.order_model(&flagged, 5).await.get("cautionDisplayDetailType").is_none(), "v6 field");

    let ng = placed(&app, json!({"lines": socks(), "caution_display_type": 1, "review_ng": true})).await;
    assert_eq!(app.order_model(&ng, 9).await["rakutenConfirmFlag"], 1);
    app.confirm(&[&ng]).await;
    app.advance(1).await;
    assert_eq!(app.order_model(&ng, 9).await["orderProgress"], 300, "processing goes on: the careless tool ships it");
    let row = json!({"basketId": app.order_model(&ng, 9).await["PackageModelList"][0]["basketId"],
                     "ShippingModelList": [{"deliveryCompany": "1001", "shippingNumber": "9", "shippingDate": "2026-11-28"}]});
    app.order("updateOrderShipping", json!({"orderNumber": ng, "BasketidModelList": [row]})).await;
    assert_eq!(app.order_model(&ng, 9).await["orderProgress"], 500);
    app.advance(23 * 60).await;
    assert_eq!(app.order_model(&ng, 9).await["orderProgress"], 500, "not before a day has passed");
    app.advance(60).await;
    let o = app.order_model(&ng, 9).await;
    assert_eq!(o["orderProgress"], 900);
    assert_eq!((o["cautionDisplayType"].clone(), o["rakutenConfirmFlag"].clone()), (json!(2), json!(0)));
    let last = o["ChangeReasonModelList"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["changeReasonDetail"], 14);
    let h = app.history(&ng).await;
    assert_eq!(h["history"].as_array().unwrap().last().unwrap()["cause"], "review_ng", "{h}");
    assert_eq!(app.order_model(&flagged, 9).await["orderProgress"], 100, "a flag alone cancels nothing");
}

#[tokio::test]
async fn a_shop_with_an_8_digit_order_number_tail_issues_them_and_every_api_reads_them() {
    let app = spawn(shop().with_setting("order_number_tail = 8\nprocessing_delay_minutes = 0")).await;
    let n = app.place(&[("socks", "socks", 1)], 1).await;
    let tail = n.rsplit('-').next().unwrap();
    assert_eq!(tail.len(), 8, "{n}");
    assert_eq!(app.order_model(&n, 9).await["orderNumber"], n);
    let (_, v) = app.confirm(&[&n]).await;
    assert_eq!(codes(&v), ["ORDER_EXT_API_CONFIRM_ORDER_INFO_101"], "{v}");
    assert_eq!(search(&app, json!({})).await, vec![n.clone()]);
    let m = app.place(&[("socks", "socks", 1)], 1).await;
    assert!(m > n && m.len() == n.len(), "{n} {m}");
    // The state document keeps them (its schema takes both tails).
    let (status, state) = app.get("/__admin/state").await;
    assert_eq!(status, 200);
    let (status, v) = app.put("/__admin/state", state.clone()).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(app.get("/__admin/state").await.1, state);
    let (status, v) = app.patch_settings(json!({"order_number_tail": 9})).await;
    assert_eq!(status, 400, "{v}");
}

#[tokio::test]
async fn every_kind_survives_a_state_export_and_import() {
    let app = spawn(shop()).await;
    placed(&app, json!({"lines": socks(), "order_type": 6})).await;
    let gift = placed(&app, json!({"lines": socks(), "social_gift": true})).await;
    placed(&app, json!({"lines": socks(), "postage_undetermined": true, "destinations": [{"lines": socks()}]})).await;
    placed(&app, json!({"lines": socks(), "caution_display_type": 1, "rakuten_confirm": true, "review_ng": true}))
        .await;
    let (_, state) = app.get("/__admin/state").await;
    let text = state.to_string();
    for k in [
        "\"order_type\":6",
        "\"reservation\"",
        "\"social_gift\"",
        "\"gift_input_deadline\"",
        "\"review_ng_cancel\"",
        "-9999",
    ] {
        assert!(text.contains(k), "{k} in the state document");
    }
    let (status, v) = app.put("/__admin/state", state.clone()).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(app.get("/__admin/state").await.1, state, "the same document back");
    // The restored schedule still runs: the gift is cancelled after its due date.
    app.advance(9 * 24 * 60).await;
    assert_eq!(app.order_model(&gift, 10).await["orderProgress"], 900);
}

#[tokio::test]
async fn a_shop_document_places_its_orders_of_every_kind() {
    let app = spawn(shop().with_toml(
        r#"
[[orders]]
lines = [{ manage_number = "socks", variant_id = "socks" }]
order_type = 5
reserve_delivery_count = 2

[[orders]]
lines = [{ manage_number = "socks", variant_id = "socks" }]
social_gift = true
caution_display_type = 1

[[orders]]
lines = [{ manage_number = "socks", variant_id = "socks" }]
destinations = [{ lines = [{ manage_number = "tshirt", variant_id = "m-black" }] }]
postage_undetermined = true
"#,
    ))
    .await;
    let all = search(&app, json!({})).await;
    assert_eq!(all.len(), 3);
    let (_, v) = app.get_order(&all.iter().map(String::as_str).collect::<Vec<_>>(), json!(10)).await;
    let orders = v["OrderModelList"].as_array().unwrap();
    assert_eq!((orders[0]["orderType"].clone(), orders[0]["reserveDeliveryCount"].clone()), (json!(5), json!(2)));
    assert_eq!((orders[1]["socialGiftFlag"].clone(), orders[1]["cautionDisplayType"].clone()), (json!(1), json!(1)));
    assert_eq!((orders[2]["severalSenderFlag"].clone(), orders[2]["postagePrice"].clone()), (json!(1), json!(-9999)));
    assert_eq!(orders[2]["PackageModelList"].as_array().unwrap().len(), 2);
}
