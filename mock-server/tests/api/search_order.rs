//! searchOrder: filters, date types, paging, sorting, validation.

use crate::helpers::*;
use serde_json::{json, Value};

fn window() -> Value {
    json!({"dateType": 1, "startDatetime": "2026-11-01T00:00:00+0900", "endDatetime": "2026-12-31T23:59:59+0900"})
}

fn with(mut base: Value, extra: Value) -> Value {
    for (k, v) in extra.as_object().unwrap() {
        base[k] = v.clone();
    }
    base
}

#[tokio::test]
async fn zero_hits_answer_info_102_with_null_pagination() {
    let app = spawn(shop()).await;
    let (status, v) = app.search(window()).await;
    assert_eq!(status, 200);
    assert_eq!(
        v.to_string(),
        r#"{"orderNumberList":[],"MessageModelList":[{"messageType":"INFO","messageCode":"ORDER_EXT_API_SEARCH_ORDER_INFO_102","message":"注文検索に成功しました。(検索結果０件)"}],"PaginationResponseModel":{"totalRecordsAmount":null,"totalPages":null,"requestPage":null}}"#
    );
}

#[tokio::test]
async fn hits_answer_info_101_with_keys_in_captured_order() {
    let app = spawn(shop()).await;
    let n = app.place_one(1).await;
    let (status, v) = app.search(window()).await;
    assert_eq!(status, 200);
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["orderNumberList", "MessageModelList", "PaginationResponseModel"]);
    assert_eq!(v["orderNumberList"], json!([n]));
    assert_eq!(v["MessageModelList"][0]["message"], "注文検索に成功しました。");
    assert_eq!(v["PaginationResponseModel"], json!({"totalRecordsAmount": 1, "totalPages": 1, "requestPage": 1}));
}

#[tokio::test]
async fn order_numbers_have_the_shop_id_the_date_and_ten_digits() {
    let app = spawn(shop()).await;
    let n = app.place_one(1).await;
    let parts: Vec<&str> = n.split('-').collect();
    assert_eq!(parts[0], SHOP_ID);
    assert_eq!(parts[1], "20261128");
    assert_eq!(parts[2].len(), 10);
    assert!(parts[2].bytes().all(|b| b.is_ascii_digit()));
}

#[tokio::test]
async fn pages_default_to_30_and_sort_by_order_datetime() {
    let app = spawn(shop()).await;
    let mut placed = vec![];
    for _ in 0..35 {
        placed.push(app.place_one(1).await);
        app.advance(1).await;
    }
    let (_, p1) = app.search(window()).await;
    assert_eq!(p1["orderNumberList"].as_array().unwrap().len(), 30);
    assert_eq!(p1["PaginationResponseModel"], json!({"totalRecordsAmount": 35, "totalPages": 2, "requestPage": 1}));
    let (_, p2) = app
        .search(with(window(), json!({"PaginationRequestModel": {"requestRecordsAmount": 30, "requestPage": 2}})))
        .await;
    let all: Vec<Value> = p1["orderNumberList"]
        .as_array()
        .unwrap()
        .iter()
        .chain(p2["orderNumberList"].as_array().unwrap())
        .cloned()
        .collect();
    assert_eq!(all, placed.iter().map(|n| json!(n)).collect::<Vec<_>>(), "ascending by default, all pages");

    let (_, desc) = app
        .search(with(
            window(),
            json!({"PaginationRequestModel": {"requestRecordsAmount": 5, "requestPage": 1, "SortModelList": [{"sortColumn": 1, "sortDirection": 2}]}}),
        ))
        .await;
    let expected: Vec<Value> = placed.iter().rev().take(5).map(|n| json!(n)).collect();
    assert_eq!(desc["orderNumberList"], json!(expected));
    assert_eq!(desc["PaginationResponseModel"]["totalPages"], 7);
}

#[tokio::test]
async fn status_settlement_and_keyword_filters_narrow_the_result() {
    let app = spawn(shop()).await;
    let card = app.place_one(1).await;
    let cod = app.place(&[("socks", "socks", 2)], 2).await;
    let bank = app.place_one(9).await;
    app.confirm(&[&card]).await;

    assert_eq!(app.search_numbers(&[100]).await, vec![cod.clone(), bank.clone()]);
    assert_eq!(app.search_numbers(&[200]).await, vec![card.clone()]);
    assert_eq!(app.search_numbers(&[100, 200]).await.len(), 3);
    let (_, v) = app.search(with(window(), json!({"settlementMethod": 2}))).await;
    assert_eq!(v["orderNumberList"], json!([cod]));
    for (kind, kw, expected) in [
        (7, "m-black", vec![card.clone(), bank.clone()]),
        (8, "TS-M-BK", vec![card.clone(), bank.clone()]),
        (9, "カラー:ブラック", vec![card.clone(), bank.clone()]),
        (1, "ソックス", vec![cod.clone()]),
        (2, "socks", vec![cod.clone()]),
    ] {
        let (status, v) = app.search(with(window(), json!({"searchKeywordType": kind, "searchKeyword": kw}))).await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["orderNumberList"], json!(expected), "keyword type {kind}");
    }
    // The orderer's own name finds their order.
    let (_, m) = app.get_order(&[&cod], json!(7)).await;
    let name = format!(
        "{} {}",
        m["OrderModelList"][0]["OrdererModel"]["familyName"].as_str().unwrap(),
        m["OrderModelList"][0]["OrdererModel"]["firstName"].as_str().unwrap()
    );
    let (_, v) = app.search(with(window(), json!({"searchKeywordType": 4, "searchKeyword": name}))).await;
    assert!(v["orderNumberList"].as_array().unwrap().contains(&json!(cod)));
    // Flags that no order of the fake has (あす楽, coupons) match nothing.
    let (_, v) = app.search(with(window(), json!({"asurakuFlag": 1}))).await;
    assert_eq!(codes(&v), vec!["ORDER_EXT_API_SEARCH_ORDER_INFO_102"]);
}

#[tokio::test]
async fn date_types_2_and_3_search_confirmation_and_fix_dates() {
    let app = spawn(shop()).await;
    let a = app.place_one(1).await;
    let _b = app.place_one(1).await;
    app.advance(60).await;
    app.confirm(&[&a]).await; // 10:00
    let range = |dt: u8| json!({"dateType": dt, "startDatetime": "2026-11-28T09:30:00+0900", "endDatetime": "2026-11-28T12:00:00+0900"});
    let (_, v) = app.search(range(2)).await;
    assert_eq!(v["orderNumberList"], json!([a]));
    let (_, v) = app.search(range(3)).await;
    assert_eq!(codes(&v), vec!["ORDER_EXT_API_SEARCH_ORDER_INFO_102"], "not fixed until processing ends");
    app.advance(30).await;
    let (_, v) = app.search(range(3)).await;
    assert_eq!(v["orderNumberList"], json!([a]));
    let (_, v) = app.search(range(1)).await;
    assert_eq!(codes(&v), vec!["ORDER_EXT_API_SEARCH_ORDER_INFO_102"], "ordered at 09:00, outside 09:30–12:00");
}

#[tokio::test]
async fn the_400_body_lists_every_problem_with_null_siblings() {
    let app = spawn(shop()).await;
    let (status, v) = app.search(json!({"startDatetime": "2026-11-01T00:00:00+09:00", "endDatetime": ""})).await;
    assert_eq!(status, 400);
    assert_eq!(
        v.to_string(),
        r#"{"orderNumberList":null,"MessageModelList":[{"messageType":"ERROR","messageCode":"ORDER_EXT_API_SEARCH_ORDER_ERROR_009","message":"dateTypeの項目を指定して下さい。"},{"messageType":"ERROR","messageCode":"ORDER_EXT_API_SEARCH_ORDER_ERROR_011","message":"startDatetimeの書式が不正です。"},{"messageType":"ERROR","messageCode":"ORDER_EXT_API_SEARCH_ORDER_ERROR_010","message":"endDatetimeの値を指定して下さい。"}],"PaginationResponseModel":null}"#
    );
}

#[tokio::test]
async fn only_the_plus_0900_datetime_form_is_accepted() {
    let app = spawn(shop()).await;
    for bad in [
        "2026-11-01T00:00:00+09:00",
        "2026-11-01T00:00:00Z",
        "2026-11-01T00:00:00",
        "2026-11-01",
        "2026-11-01T00:00:00.000+0900",
    ] {
        let (status, v) = app.search(with(window(), json!({"startDatetime": bad}))).await;
        assert_eq!(status, 400, "{bad}");
        assert_eq!(codes(&v), vec!["ORDER_EXT_API_SEARCH_ORDER_ERROR_011"], "{bad}");
    }
    let lenient = spawn(shop().with_setting("datetime_mode = \"lenient\"")).await;
    let (status, _) = lenient.search(with(window(), json!({"startDatetime": "2026-11-01T00:00:00+09:00"}))).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn the_63_day_window_and_730_day_horizon_are_enforced() {
    let app = spawn(shop()).await;
    let ok =
        json!({"dateType": 1, "startDatetime": "2026-10-01T00:00:00+0900", "endDatetime": "2026-12-03T00:00:00+0900"});
    assert_eq!(app.search(ok).await.0, 200, "exactly 63 days");
    let too_wide =
        json!({"dateType": 1, "startDatetime": "2026-10-01T00:00:00+0900", "endDatetime": "2026-12-03T00:00:01+0900"});
    let (status, v) = app.search(too_wide).await;
    assert_eq!((status, codes(&v)), (400, vec!["ORDER_EXT_API_SEARCH_ORDER_ERROR_023".to_string()]));
    let too_old =
        json!({"dateType": 1, "startDatetime": "2024-11-27T00:00:00+0900", "endDatetime": "2024-12-01T00:00:00+0900"});
    let (status, v) = app.search(too_old).await;
    assert_eq!((status, codes(&v)), (400, vec!["ORDER_EXT_API_SEARCH_ORDER_ERROR_023".to_string()]));
    let reversed =
        json!({"dateType": 1, "startDatetime": "2026-11-02T00:00:00+0900", "endDatetime": "2026-11-01T00:00:00+0900"});
    assert_eq!(app.search(reversed).await.0, 400);
}

#[tokio::test]
async fn paging_limits_and_enumerations_are_validated() {
    let app = spawn(shop()).await;
    for (extra, field) in [
        (json!({"PaginationRequestModel": {"requestRecordsAmount": 1001, "requestPage": 1}}), "requestRecordsAmount"),
        (json!({"PaginationRequestModel": {"requestRecordsAmount": 0, "requestPage": 1}}), "requestRecordsAmount"),
        (json!({"PaginationRequestModel": {"requestRecordsAmount": 10, "requestPage": 0}}), "requestPage"),
        (json!({"PaginationRequestModel": {"SortModelList": [{"sortColumn": 2, "sortDirection": 1}]}}), "sortColumn"),
        (json!({"dateType": 7}), "dateType"),
        (json!({"orderProgressList": [150]}), "orderProgressList"),
        (json!({"orderProgressList": "100"}), "orderProgressList"),
        (json!({"searchKeywordType": 7, "searchKeyword": "x".repeat(41)}), "searchKeyword"),
        (json!({"settlementMethod": 99}), "settlementMethod"),
        (json!({"shippingDateBlankFlag": 2}), "shippingDateBlankFlag"),
    ] {
        let (status, v) = app.search(with(window(), extra.clone())).await;
        assert_eq!(status, 400, "{extra}");
        assert_eq!(v["MessageModelList"][0]["message"], format!("{field}の書式が不正です。"), "{extra}");
    }
    let (status, v) = app.search(with(window(), json!({"subStatusIdList": [-1]}))).await;
    assert_eq!(status, 400);
    assert_eq!(v["MessageModelList"][0]["message"], "orderProgressListの項目を指定して下さい。");
}

/// What a production batch sends on every run (order-api.md §0): real RMS must answer it, so a
/// null keyword is a search without keyword filter; `""` is an empty value like any other.
#[tokio::test]
async fn a_null_keyword_searches_without_keyword_filter_and_an_empty_one_is_error_010() {
    let app = spawn(shop()).await;
    let tshirt = app.place_one(1).await;
    let socks = app.place(&[("socks", "socks", 1)], 1).await;
    let batch = with(
        window(),
        json!({"searchKeywordType": 1, "searchKeyword": null, "subStatusIdList": [-1], "orderProgressList": [100],
               "PaginationRequestModel": {"requestRecordsAmount": 1000, "requestPage": 1,
                                          "SortModelList": [{"sortColumn": 1, "sortDirection": 1}]}}),
    );
    let (status, v) = app.search(batch).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["orderNumberList"], json!([tshirt, socks]), "both orders: no keyword filter");
    // Left out, the keyword is the same search (a Java backend sees null either way).
    let (status, v) = app.search(with(window(), json!({"searchKeywordType": 4}))).await;
    assert_eq!((status, v["orderNumberList"].as_array().map(Vec::len)), (200, Some(2)), "{v}");
    for empty in [json!(""), json!("   ")] {
        let (status, v) = app.search(with(window(), json!({"searchKeywordType": 1, "searchKeyword": empty}))).await;
        assert_eq!(status, 400, "{empty}");
        assert_eq!(codes(&v), vec!["ORDER_EXT_API_SEARCH_ORDER_ERROR_010"], "{empty}");
        assert_eq!(v["MessageModelList"][0]["message"], "searchKeywordの値を指定して下さい。");
        assert!(v["orderNumberList"].is_null() && v["PaginationResponseModel"].is_null());
    }
    let (status, v) = app.search(with(window(), json!({"searchKeywordType": 1, "searchKeyword": ["x"]}))).await;
    assert_eq!((status, v["MessageModelList"][0]["message"].as_str()), (400, Some("searchKeywordの書式が不正です。")));
    // A real keyword still filters.
    let (_, v) = app.search(with(window(), json!({"searchKeywordType": 1, "searchKeyword": "ソックス"}))).await;
    assert_eq!(v["orderNumberList"], json!([socks]));
}

#[tokio::test]
async fn numeric_strings_and_lowercase_keys_follow_the_shop_settings() {
    let app = spawn(shop()).await;
    app.place_one(1).await;
    app.place_one(1).await;
    let (status, v) = app
        .search(json!({"dateType": "1", "startDatetime": "2026-11-01T00:00:00+0900", "endDatetime": "2026-11-30T00:00:00+0900",
                       "paginationRequestModel": {"requestRecordsAmount": 1, "requestPage": 1}}))
        .await;
    assert_eq!(status, 200);
    assert_eq!(v["orderNumberList"].as_array().unwrap().len(), 2, "a lower-case key is ignored like an unknown key");

    let lenient = spawn(shop().with_setting("key_case = \"insensitive\"")).await;
    lenient.place_one(1).await;
    lenient.place_one(1).await;
    let (_, v) = lenient
        .search(json!({"dateType": 1, "startDatetime": "2026-11-01T00:00:00+0900", "endDatetime": "2026-11-30T00:00:00+0900",
                       "paginationRequestModel": {"requestRecordsAmount": 1, "requestPage": 1}}))
        .await;
    assert_eq!(v["orderNumberList"].as_array().unwrap().len(), 1);
}
