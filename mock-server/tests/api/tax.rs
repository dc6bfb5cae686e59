//! Tax-exclusive items (`includeTaxFlag` 0) and a SKU's own postage in orders: the amounts of
//! getOrder, TaxSummaryModelList, getPayment and the control plane, from shop files and from
//! items created through the Item API (order-api.md §0).

use crate::helpers::*;
use rms_mock::OrderDoc;
use serde_json::{json, Value};

/// The test shop plus a tax-exclusive item at `rate` and `price`, postage 500, never free.
fn shop_with_tax_excluded(rate: &str, price: i64) -> ShopSpec {
    shop().with_toml(&format!(
        "[shipping]\npostage_price = 500\nfree_postage_threshold = 0\n\n\
         [[items]]\nmanage_number = \"taxex\"\ntitle = \"税別の商品\"\ntax_included = false\ntax_rate = {rate}\n\
         \x20 [[items.variants]]\n  variant_id = \"taxex\"\n  price = {price}\n  quantity = 100\n"
    ))
}

fn line(o: &Value, n: usize) -> &Value {
    &o["PackageModelList"][0]["ItemModelList"][n]
}

fn amounts(o: &Value) -> [i64; 4] {
    ["goodsPrice", "postagePrice", "totalPrice", "requestPrice"].map(|k| o[k].as_i64().unwrap())
}

/// Σ of one key over the TaxSummaryModelList entries.
fn summed(o: &Value, key: &str) -> i64 {
    o["TaxSummaryModelList"].as_array().unwrap().iter().map(|t| t[key].as_i64().unwrap()).sum()
}

#[tokio::test]
async fn a_tax_exclusive_item_is_ordered_as_in_rakutens_sample() {
    let app = spawn(shop_with_tax_excluded("0.1", 1500)).await;
    let n = app.place(&[("taxex", "taxex", 1)], 1).await;
    let o = app.order_model(&n, 9).await;
    let i = line(&o, 0);
    assert_eq!(
        (i["price"].as_i64(), i["includeTaxFlag"].as_i64(), &i["taxRate"], i["priceTaxIncl"].as_i64()),
        (Some(1500), Some(0), &json!(0.1), Some(1650))
    );
    // goods tax-exclusive, total with the tax: 1650 + 500.
    assert_eq!(amounts(&o), [1500, 500, 2150, 2150]);
    let p = &o["PackageModelList"][0];
    assert_eq!((p["goodsPrice"].as_i64(), p["totalPrice"].as_i64()), (Some(1500), Some(2150)));
    assert_eq!(
        o["TaxSummaryModelList"],
        json!([{"taxRate": 0.1, "reqPrice": 2150, "reqPriceTax": 195, "totalPrice": 2150, "paymentCharge": 0, "couponPrice": 0, "point": 0}])
    );
    // Until v7 the tax on the goods shows as goodsTax, in the order and in the basket.
    let v7 = app.order_model(&n, 7).await;
    assert_eq!((v7["goodsTax"].as_i64(), v7["PackageModelList"][0]["goodsTax"].as_i64()), (Some(150), Some(150)));
    assert_eq!(amounts(&v7), [1500, 500, 2150, 2150]);
    // Everything that shows the amount to pay agrees.
    let (_, pay) = app.order("getPayment", json!({"orderNumber": n, "version": 4})).await;
    assert_eq!(pay["OrderModel"]["PaymentModelList"][0]["paymentAmount"], 2150, "{pay}");
    assert_eq!(app.shop().order(&n).await.unwrap().request_price, 2150);
    let (_, sim) = app
        .order(
            "simulateCouponAmount",
            json!({"orderNumber": n, "CouponModelList": [{"couponPrice": 150, "couponUnit": 1}]}),
        )
        .await;
    assert_eq!(sim["requestPrice"], 2000, "{sim}");
}

#[tokio::test]
async fn tax_inclusive_items_keep_goods_tax_0_and_one_summary_entry() {
    let app = spawn(shop()).await;
    let n = app.place(&[("tshirt", "m-black", 1)], 1).await;
    let o = app.order_model(&n, 7).await;
    let i = line(&o, 0);
    assert_eq!((i["includeTaxFlag"].as_i64(), i["priceTaxIncl"].as_i64()), (Some(1), Some(1980)));
    assert_eq!((o["goodsTax"].as_i64(), o["PackageModelList"][0]["goodsTax"].as_i64()), (Some(0), Some(0)));
    assert_eq!(amounts(&o), [1980, 550, 2530, 2530]);
    assert_eq!(o["TaxSummaryModelList"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn an_8_percent_item_is_rounded_the_shops_way_and_summed_at_its_rate() {
    // 999 × 1.08 = 1078.92: 切り捨て by default.
    let app = spawn(shop_with_tax_excluded("0.08", 999)).await;
    let n = app.place(&[("taxex", "taxex", 2)], 1).await;
    let o = app.order_model(&n, 9).await;
    assert_eq!((line(&o, 0)["taxRate"].clone(), line(&o, 0)["priceTaxIncl"].as_i64()), (json!(0.08), Some(1078)));
    assert_eq!(amounts(&o), [1998, 500, 2656, 2656]);
    // The goods at 8 %, the postage at 10 % (postageTaxRate).
    assert_eq!(
        o["TaxSummaryModelList"],
        json!([
            {"taxRate": 0.1, "reqPrice": 500, "reqPriceTax": 45, "totalPrice": 500, "paymentCharge": 0, "couponPrice": 0, "point": 0},
            {"taxRate": 0.08, "reqPrice": 2156, "reqPriceTax": 160, "totalPrice": 2156, "paymentCharge": 0, "couponPrice": 0, "point": 0},
        ])
    );

    // 四捨五入 and 切り上げ are the shop's choice; the setting applies to orders placed after it.
    for (rounding, expected) in [("half_up", 1079), ("ceil", 1079), ("floor", 1078)] {
        let (status, _) = app.patch_settings(json!({"tax_rounding": rounding})).await;
        assert_eq!(status, 200);
        let m = app.place(&[("taxex", "taxex", 1)], 1).await;
        assert_eq!(line(&app.order_model(&m, 9).await, 0)["priceTaxIncl"], expected, "{rounding}");
    }
    assert_eq!(line(&app.order_model(&n, 9).await, 0)["priceTaxIncl"], 1078, "an order keeps its prices");
    let (status, v) = app.patch_settings(json!({"tax_rounding": "nearest"})).await;
    assert_eq!(status, 400, "{v}");
}

#[tokio::test]
async fn a_mixed_order_sums_each_rate_and_splits_coupons_between_them() {
    let app = spawn(shop_with_tax_excluded("0.08", 1500)).await;
    // 1980 (10 %, tax included) + 2 × 1620 (8 %, 1500 without tax) + postage 500.
    let order = OrderDoc::new()
        .line("tshirt", "m-black", 1)
        .line("taxex", "taxex", 2)
        .coupon(rms_mock::CouponDoc::new("C1", 1000))
        .used_point(100);
    let n = app.shop().place_order(&order).await.unwrap().order_number;
    let o = app.order_model(&n, 9).await;
    assert_eq!((line(&o, 0)["includeTaxFlag"].as_i64(), line(&o, 1)["includeTaxFlag"].as_i64()), (Some(1), Some(0)));
    assert_eq!(amounts(&o), [1980 + 3000, 500, 1980 + 3240 + 500, 1980 + 3240 + 500 - 1000 - 100]);
    let p = &o["PackageModelList"][0];
    assert_eq!((p["goodsPrice"].as_i64(), p["totalPrice"].as_i64()), (Some(4980), Some(5720)));
    // 1000 yen of coupons in proportion to the goods: 3240 / 5220 of it at 8 % (620), the rest at 10 %.
    assert_eq!(
        o["TaxSummaryModelList"],
        json!([
            {"taxRate": 0.1, "reqPrice": 2100, "reqPriceTax": 191, "totalPrice": 2480, "paymentCharge": 0, "couponPrice": 380, "point": 0},
            {"taxRate": 0.08, "reqPrice": 2620, "reqPriceTax": 194, "totalPrice": 3240, "paymentCharge": 0, "couponPrice": 620, "point": 0},
        ])
    );
    assert_eq!(summed(&o, "totalPrice"), o["totalPrice"].as_i64().unwrap());
    assert_eq!(summed(&o, "couponPrice"), o["couponAllTotalPrice"].as_i64().unwrap());
    assert_eq!(summed(&o, "reqPrice"), o["requestPrice"].as_i64().unwrap() + 100, "points are not subtracted");
    let v7 = app.order_model(&n, 7).await;
    assert_eq!(v7["goodsTax"], 240, "only the tax-exclusive line adds tax");
}

#[tokio::test]
async fn an_order_paid_fully_with_points_requests_0_and_keeps_its_tax_summary() {
    let app = spawn(shop_with_tax_excluded("0.1", 1500)).await;
    let n = app.shop().place_order(&OrderDoc::new().line("taxex", "taxex", 1).used_point(2150)).await.unwrap();
    assert_eq!(n.request_price, 0);
    let o = app.order_model(&n.order_number, 9).await;
    assert_eq!((o["requestPrice"].as_i64(), o["PointModel"]["usedPoint"].as_i64()), (Some(0), Some(2150)));
    // reqPrice = total, point 0, reqPriceTax = round(2150 × 10 / 110) = 195.
    let t = &o["TaxSummaryModelList"][0];
    assert_eq!(
        (t["reqPrice"].as_i64(), t["point"].as_i64(), t["reqPriceTax"].as_i64()),
        (Some(2150), Some(0), Some(195))
    );

    // A tax-inclusive one likewise: 1980 + 500 = 2480, round(2480 × 10 / 110) = 225.
    let m = app.shop().place_order(&OrderDoc::new().line("tshirt", "m-black", 1).used_point(2480)).await.unwrap();
    let o = app.order_model(&m.order_number, 9).await;
    let t = &o["TaxSummaryModelList"][0];
    assert_eq!(
        (o["requestPrice"].as_i64(), t["reqPrice"].as_i64(), t["point"].as_i64(), t["reqPriceTax"].as_i64()),
        (Some(0), Some(2480), Some(0), Some(225))
    );
    // Points beyond what the buyer pays (tax included) are refused.
    let (status, v) =
        app.place_raw(json!({"lines": [{"manage_number": "taxex", "variant_id": "taxex"}], "used_point": 2151})).await;
    assert_eq!(status, 400, "{v}");
    assert!(v.to_string().contains("(2150)"), "the cap is the tax-inclusive total: {v}");
}

#[tokio::test]
async fn free_postage_counts_tax_exclusive_goods_with_their_tax() {
    // 3700 without tax is below 3980, 4070 with it is not.
    let app = spawn(shop().with_toml(
        "[[items]]\nmanage_number = \"taxex\"\ntitle = \"税別\"\ntax_included = false\n\
         \x20 [[items.variants]]\n  variant_id = \"taxex\"\n  price = 3700\n  quantity = 10\n",
    ))
    .await;
    let n = app.place(&[("taxex", "taxex", 1)], 1).await;
    let o = app.order_model(&n, 9).await;
    assert_eq!(line(&o, 0)["taxRate"], 0.1, "no tax_rate: the shop's, 10 %");
    assert_eq!(amounts(&o), [3700, 0, 4070, 4070]);
}

#[tokio::test]
async fn a_sku_with_its_own_shipping_fee_carries_it_as_postage() {
    let app = spawn(shop().with_toml(
        "[[items]]\nmanage_number = \"sofa\"\ntitle = \"ソファ\"\n\
         \x20 [[items.variants]]\n  variant_id = \"sofa\"\n  price = 1000\n  postage = 800\n  quantity = 10\n",
    ))
    .await;
    let (_, item) = app.get("/es/2.0/items/manage-numbers/sofa").await;
    assert_eq!(item["variants"]["sofa"]["shipping"]["fee"], "800", "the shorthand is the Item API's shipping.fee");
    // Alone: its own fee, once per line whatever the units.
    let n = app.place(&[("sofa", "sofa", 3)], 1).await;
    assert_eq!(amounts(&app.order_model(&n, 9).await), [3000, 800, 3800, 3800]);
    // With a line that has none, the shop's postage comes on top (550 below 3980).
    let n = app.place(&[("sofa", "sofa", 1), ("socks", "socks", 1)], 1).await;
    let o = app.order_model(&n, 9).await;
    assert_eq!(amounts(&o), [1500, 800 + 550, 2850, 2850]);
    assert_eq!(o["PackageModelList"][0]["postagePrice"], 1350);
    // The free-postage threshold counts the lines that pay the shop's postage: the socks
    // alone stay below it, however expensive the sofa line is.
    let n = app.place(&[("sofa", "sofa", 5), ("socks", "socks", 1)], 1).await;
    assert_eq!(app.order_model(&n, 9).await["postagePrice"], 1350);
    let n = app.place(&[("sofa", "sofa", 1), ("tshirt", "m-black", 3)], 1).await;
    assert_eq!(app.order_model(&n, 9).await["postagePrice"], 800, "5940 of T-shirts ship free");
}

#[tokio::test]
async fn an_item_created_through_the_item_api_without_tax_is_ordered_without_tax() {
    let app = spawn(shop()).await;
    let mut body = item_body("帽子", &[("s", "S", 1000), ("l", "L", 1200)]);
    body["payment"] = json!({"taxIncluded": false, "taxRate": "0.08"});
    body["variants"]["l"]["shipping"] = json!({"fee": "700"});
    let (status, v) = app.put("/es/2.0/items/manage-numbers/hat", body).await;
    assert_eq!(status, 201, "{v}");
    app.set_stock("hat", "s", 5).await;
    app.set_stock("hat", "l", 5).await;

    let n = app.place(&[("hat", "s", 2)], 1).await;
    let o = app.order_model(&n, 9).await;
    let i = line(&o, 0);
    assert_eq!(
        (i["price"].as_i64(), i["includeTaxFlag"].as_i64(), &i["taxRate"], i["priceTaxIncl"].as_i64()),
        (Some(1000), Some(0), &json!(0.08), Some(1080))
    );
    assert_eq!(amounts(&o), [2000, 550, 2160 + 550, 2160 + 550]);

    // The variant with shipping.fee "700" pays that instead of the shop's postage.
    let n = app.place(&[("hat", "l", 1)], 1).await;
    let o = app.order_model(&n, 9).await;
    assert_eq!(line(&o, 0)["priceTaxIncl"], 1296);
    assert_eq!(amounts(&o), [1200, 700, 1996, 1996]);

    // Made tax-inclusive again, the item's next orders are.
    let patch = json!({"payment": {"taxIncluded": true}});
    let (status, _, v) = app.rms(reqwest::Method::PATCH, "/es/2.0/items/manage-numbers/hat", Some(patch)).await;
    assert_eq!(status, 204, "{v}");
    let n = app.place(&[("hat", "s", 1)], 1).await;
    let i = line(&app.order_model(&n, 9).await, 0).clone();
    assert_eq!((i["includeTaxFlag"].as_i64(), i["priceTaxIncl"].as_i64()), (Some(1), Some(1000)));
}

#[tokio::test]
async fn update_order_sender_reprices_a_tax_exclusive_line_with_its_tax() {
    let app = spawn(shop_with_tax_excluded("0.1", 1500)).await;
    let n = app.place(&[("taxex", "taxex", 1)], 1).await;
    let o = app.order_model(&n, 9).await;
    let basket = o["PackageModelList"][0]["basketId"].clone();
    let detail = line(&o, 0)["itemDetailId"].clone();
    let body = json!({"orderNumber": n, "PackageModelList": [{"basketId": basket, "ItemModelList": [{"itemDetailId": detail, "price": 2000}]}]});
    let (_, v) = app.order("updateOrderSender", body).await;
    assert_eq!(codes(&v), vec!["ORDER_EXT_API_UPDATE_ORDERSENDER_INFO_101"]);
    let o = app.order_model(&n, 9).await;
    assert_eq!((line(&o, 0)["price"].as_i64(), line(&o, 0)["priceTaxIncl"].as_i64()), (Some(2000), Some(2200)));
    assert_eq!(amounts(&o), [2000, 500, 2700, 2700]);
}

#[tokio::test]
async fn shop_files_refuse_unknown_tax_rates_and_negative_postage() {
    let app = spawn_empty().await;
    let doc = |item: &str| shop().with_toml(item).toml();
    let (status, v) = app
        .create_shop_toml(&doc("[[items]]\nmanage_number = \"x\"\ntitle = \"x\"\ntax_rate = 0.05\n[[items.variants]]\nvariant_id = \"x\"\nprice = 1\n"))
        .await;
    assert_eq!(status, 400);
    assert!(v.to_string().contains("items[2].tax_rate: 0.05 is not a tax rate of Rakuten (0.1, 0.08 or 0)"), "{v}");
    let (status, v) = app
        .create_shop_toml(&doc("[[items]]\nmanage_number = \"x\"\ntitle = \"x\"\n[[items.variants]]\nvariant_id = \"x\"\nprice = 1\npostage = -1\n"))
        .await;
    assert_eq!(status, 400);
    assert!(v.to_string().contains("items[2].variants[0].postage: -1 is negative"), "{v}");
}
