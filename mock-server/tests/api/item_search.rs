//! items.search: filters, paging, sorting, the cursorMark protocol, client quirks.

use crate::helpers::*;
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::HashSet;

fn numbers(v: &Value) -> Vec<String> {
    v["results"].as_array().unwrap().iter().map(|r| r["item"]["manageNumber"].as_str().unwrap().to_string()).collect()
}

async fn generate(app: &TestApp, items: usize, variants: usize) {
    let (status, v) = app
        .admin(
            Method::POST,
            &app.shop_path("/catalog/generate"),
            Some(json!({"items": items, "variants": variants, "seed": 7, "quantity": 10})),
        )
        .await;
    assert_eq!(status, 201, "{v}");
}

#[tokio::test]
async fn search_filters_by_text_type_price_and_stock() {
    let app = spawn(shop()).await;
    let (status, v) = app.get("/es/2.0/items/search?title=Tシャツ").await;
    assert_eq!(status, 200);
    assert_eq!(numbers(&v), vec!["tshirt"]);
    assert_eq!(v["numFound"], 1);
    assert_eq!(v["offset"], 0);
    assert!(v.get("nextCursorMark").is_none(), "only with cursorMark");
    let (_, v) = app.get("/es/2.0/items/search?merchantDefinedSkuId=TS-M").await;
    assert_eq!(numbers(&v), vec!["tshirt"]);
    let (_, v) = app.get("/es/2.0/items/search?variantId=socks").await;
    assert_eq!(numbers(&v), vec!["socks"]);
    let (_, v) = app.get("/es/2.0/items/search?standardPriceFrom=2000&standardPriceTo=2500").await;
    assert_eq!(numbers(&v), vec!["tshirt"], "any one SKU in range");
    let (_, v) =
        app.get("/es/2.0/items/search?itemType=NORMAL&genreId=559887&sortKey=manageNumber&sortOrder=asc").await;
    assert_eq!(numbers(&v), vec!["socks", "tshirt"]);
    app.set_stock("socks", "socks", 0).await;
    let (_, v) = app.get("/es/2.0/items/search?isItemStockout=True").await;
    assert_eq!(numbers(&v), vec!["socks"], "JakeJP's capitalised booleans");
    let (_, v) = app
        .get("/es/2.0/items/search?isItemStockout=false&sortOrder=asc&offset=0&hits=10&isInventoryIncluded=True")
        .await;
    assert_eq!(numbers(&v), vec!["tshirt"]);
}

#[tokio::test]
async fn search_validates_its_parameters() {
    let app = spawn(shop()).await;
    for (q, code) in [
        ("itemType=NORML", "IE0007"),
        ("sortKey=price", "IE0007"),
        ("sortOrder=up", "IE0007"),
        ("hits=0", "IE0003"),
        ("hits=101", "IE0003"),
        ("offset=10001", "IE0003"),
        ("isHiddenItem=yes", "IE0002"),
        ("createdFrom=2026/11/01", "IE0002"),
        ("offset=0&cursorMark=*", "IE1003"),
        ("cursorMark=*&sortKey=created", "IE1004"),
        ("cursorMark=zz", "IE0002"),
        // Not ASCII, even in length: it once panicked, slicing inside a character.
        ("cursorMark=%E3%81%82a", "IE0002"),
        ("cursorMark=%E3%81%82%E3%81%82", "IE0002"),
    ] {
        let (status, v) = app.get(&format!("/es/2.0/items/search?{q}")).await;
        assert_eq!((status, error_codes(&v)), (400, vec![code.to_string()]), "{q}");
        assert!(v["errors"][0].get("metadata").is_none(), "query errors carry no metadata");
    }
    let (status, v) = app.get("/es/2.0/items/search?hits=100&offset=10000").await;
    assert_eq!((status, v["results"].as_array().unwrap().len()), (200, 0));
    // The official response-code table's texts.
    for (q, code, text) in [
        ("offset=0&cursorMark=*", "IE1003", "Only one of offset and cursorMark can be registered."),
        ("cursorMark=*&sortKey=created", "IE1004", "When cursorMark is set, sortKey cannot be registered."),
        ("cursorMark=*&sortOrder=asc", "IE1004", "When cursorMark is set, sortOrder cannot be registered."),
    ] {
        let (status, v) = app.get(&format!("/es/2.0/items/search?{q}")).await;
        assert_eq!((status, v), (400, json!({"errors": [{"code": code, "message": text}]})), "{q}");
    }
}

#[tokio::test]
async fn unknown_parameters_and_a_trailing_slash_are_accepted_unless_configured() {
    let app = spawn(shop()).await;
    let (status, v) = app.get("/es/2.0/items/search/?searchType=1&offset=0").await;
    assert_eq!(status, 200, "rms-mcp's request");
    assert_eq!(v["numFound"], 2);
    let strict = spawn(shop().with_setting("item_search_unknown_params = \"reject\"")).await;
    let (status, v) = strict.get("/es/2.0/items/search/?searchType=1").await;
    assert_eq!((status, v), (400, json!({"errors": [{"code": "IE1005", "message": "Invalid request parameter."}]})));
}

#[tokio::test]
async fn offset_paging_and_sorting_cover_a_large_catalog() {
    let app = spawn(shop()).await;
    generate(&app, 120, 2).await;
    let mut seen = Vec::new();
    for offset in [0, 100] {
        let (status, v) = app
            .get(&format!(
                "/es/2.0/items/search?sortKey=manageNumber&sortOrder=asc&hits=100&offset={offset}&manageNumber=gen-"
            ))
            .await;
        assert_eq!(status, 200);
        assert_eq!(v["numFound"], 120);
        seen.extend(numbers(&v));
    }
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted);
    assert_eq!(seen.len(), 120);
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 120);
}

#[tokio::test]
async fn the_cursor_protocol_walks_every_item_once_and_repeats_the_token_at_the_end() {
    let app = spawn(shop()).await;
    generate(&app, 250, 1).await;
    // Spread `updated` over time so the cursor crosses distinct timestamps too.
    for i in 0..30 {
        app.advance(1).await;
        let (s, _, _) = app
            .rms(Method::PATCH, &format!("/es/2.0/items/manage-numbers/gen-7-{i:06}"), Some(json!({"tagline": "更新"})))
            .await;
        assert_eq!(s, 204);
    }
    let mut cursor = "*".to_string();
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let (status, v) = app.get(&format!("/es/2.0/items/search?cursorMark={cursor}&hits=100")).await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["numFound"], 252);
        let next = v["nextCursorMark"].as_str().unwrap().to_string();
        seen.extend(numbers(&v));
        pages += 1;
        if next == cursor {
            assert!(v["results"].as_array().unwrap().is_empty());
            break;
        }
        cursor = next;
        assert!(pages < 10, "the cursor must end");
    }
    assert_eq!(pages, 4, "3 pages of results and one that repeats the token");
    assert_eq!(seen.len(), 252);
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 252, "no item twice");
    assert_eq!(seen[0], "gen-7-000029", "default order: updated, newest first");
}

#[tokio::test]
async fn inventory_is_included_only_for_skus_with_explicit_settings() {
    let app = spawn(shop()).await;
    let (_, v) = app.get("/es/2.0/items/search?isInventoryIncluded=true&manageNumber=tshirt").await;
    assert!(v["results"][0].get("inventory").is_none());
    let (status, v) = app
        .put(
            "/es/2.1/inventories/manage-numbers/tshirt/variants/m-black",
            json!({"mode": "ABSOLUTE", "quantity": 5, "shipFromIds": [2]}),
        )
        .await;
    assert_eq!(status, 204, "{v}");
    let (_, v) = app.get("/es/2.0/items/search?isInventoryIncluded=true&manageNumber=tshirt").await;
    let inv = &v["results"][0]["inventory"];
    assert_eq!(inv["m-black"], json!({"shipFromIds": [2]}));
    assert!(inv.get("l-white").is_none());
    assert_eq!(inv["updated"], "2026-11-28T00:00:00.000Z", "UTC with milliseconds, as the manual's sample");
}

/// item-api.md §7: the search index lags up to 24 h behind writes. With
/// `item_search_lag_seconds` the search sees the items as they were that long ago on the
/// shop's clock, and an item deleted since comes back as `{"item":{"manageNumber":…}}` only.
#[tokio::test]
async fn with_a_search_lag_new_changed_and_deleted_items_show_only_after_it() {
    let app = spawn(shop().with_setting("item_search_lag_seconds = 86400")).await;
    let item = "/es/2.0/items/manage-numbers";
    assert_eq!(app.put(&format!("{item}/new"), item_body("新商品", &[("s", "S", 100)])).await.0, 201);
    let (status, _, _) = app.rms(Method::PATCH, &format!("{item}/tshirt"), Some(json!({"title": "改名シャツ"}))).await;
    assert_eq!(status, 204);
    assert_eq!(app.rms(Method::DELETE, &format!("{item}/socks"), None).await.0, 204);
    assert_eq!(app.get(&format!("{item}/new")).await.0, 200, "items.get has no lag here");

    let (_, v) = app.get("/es/2.0/items/search?sortKey=manageNumber&sortOrder=asc").await;
    assert_eq!(numbers(&v), ["socks", "tshirt"], "the new item is not indexed yet");
    assert_eq!(v["results"][0], json!({"item": {"manageNumber": "socks"}}), "a deleted item: its number only");
    assert_eq!(v["results"][1]["item"]["title"], "ベーシックTシャツ", "the old version");
    let (_, v) = app.get("/es/2.0/items/search?title=改名").await;
    assert_eq!(v["numFound"], 0);

    app.advance(24 * 60 - 1).await;
    assert_eq!(
        numbers(&app.get("/es/2.0/items/search?sortKey=manageNumber&sortOrder=asc").await.1),
        ["socks", "tshirt"]
    );
    app.advance(1).await;
    let (_, v) = app.get("/es/2.0/items/search?sortKey=manageNumber&sortOrder=asc").await;
    assert_eq!(numbers(&v), ["new", "tshirt"], "24 h later the index has caught up");
    assert_eq!(v["results"][1]["item"]["title"], "改名シャツ");
}
