//! RakutenPay Order API (楽天ペイ受注API): `POST /es/2.0/order/<operation>/`, trailing slash
//! optional (order-api.md §2). One file per operation, all with the same shape:
//! `fn <op>(shop, body) -> RmsReply`.

pub mod cancel_order;
pub mod confirm_order;
pub mod envelope;
pub mod fields;
pub mod get_order;
pub mod get_payment;
pub mod model;
pub mod search_order;
pub mod shipping_rows;
pub mod simulate_coupon_amount;
pub mod single;
pub mod sub_status;
pub mod update_order_delivery;
pub mod update_order_memo;
pub mod update_order_orderer;
pub mod update_order_remarks;
pub mod update_order_sender;
pub mod update_order_shipping;
pub mod update_order_shipping_async;

use super::{handle_rms, respond, BodyError, Call, Request, RmsReply};
use crate::domain::settings::{Api, KeyCase};
use crate::domain::shop::Shop;
use crate::AppState;
use axum::body::Body;
use axum::extract::{OriginalUri, State};
use axum::http::{header, HeaderMap, Method};
use axum::response::Response;
use envelope::{error_body, Message};
use serde_json::{Map, Value};

/// What an operation needs to know to read its body and shape its errors.
pub struct OrderOp {
    /// Path segment and function suffix, e.g. `searchOrder`.
    pub name: &'static str,
    /// Message-code infix, e.g. `SEARCH_ORDER`.
    pub code: &'static str,
    /// Top-level keys of the answer in order; all but `MessageModelList` are `null` on a 400.
    pub keys: &'static [&'static str],
    pub run: fn(&mut Shop, &Map<String, Value>) -> RmsReply,
}

const MSG: &[&str] = &["MessageModelList"];

/// All 18 operations (order-api.md §3).
const OPS: &[OrderOp] = &[
    OrderOp {
        name: "searchOrder",
        code: "SEARCH_ORDER",
        keys: &["orderNumberList", "MessageModelList", "PaginationResponseModel"],
        run: search_order::search_order,
    },
    OrderOp {
        name: "getOrder",
        code: "GET_ORDER",
        keys: &["MessageModelList", "OrderModelList"],
        run: get_order::get_order,
    },
    OrderOp { name: "confirmOrder", code: "CONFIRM_ORDER", keys: MSG, run: confirm_order::confirm_order },
    OrderOp {
        name: "updateOrderShipping",
        code: "UPDATE_ORDERSHIPPING",
        keys: MSG,
        run: update_order_shipping::update_order_shipping,
    },
    OrderOp {
        name: "updateOrderShippingAsync",
        code: "UPDATE_ORDERSHIPPING_ASYNC",
        keys: MSG,
        run: update_order_shipping_async::update_order_shipping_async,
    },
    OrderOp {
        name: "getResultUpdateOrderShippingAsync",
        code: "GET_RESULT_UPDATEORDERSHIPPING_ASYNC",
        keys: MSG,
        run: update_order_shipping_async::get_result_update_order_shipping_async,
    },
    OrderOp {
        name: "getSubStatusList",
        code: "GET_SUB_STATUS_LIST",
        keys: &["MessageModelList", "StatusModelList"],
        run: sub_status::get_sub_status_list,
    },
    OrderOp {
        name: "updateOrderSubStatus",
        code: "UPDATE_ORDERSUBSTATUS",
        keys: MSG,
        run: sub_status::update_order_sub_status,
    },
    OrderOp { name: "updateOrderMemo", code: "UPDATE_ORDERMEMO", keys: MSG, run: update_order_memo::update_order_memo },
    OrderOp {
        name: "updateOrderRemarks",
        code: "UPDATE_ORDERREMARKS",
        keys: MSG,
        run: update_order_remarks::update_order_remarks,
    },
    OrderOp {
        name: "updateOrderSender",
        code: "UPDATE_ORDERSENDER",
        keys: MSG,
        run: update_order_sender::update_order_sender,
    },
    OrderOp {
        name: "updateOrderSenderAfterShipping",
        code: "UPDATE_ORDERSENDER_AFTER_SHIPPING",
        keys: MSG,
        run: update_order_sender::update_order_sender_after_shipping,
    },
    OrderOp { name: "cancelOrder", code: "CANCEL_ORDER", keys: MSG, run: cancel_order::cancel_order },
    OrderOp {
        name: "cancelOrderAfterShipping",
        code: "CANCEL_ORDER_AFTER_SHIPPING",
        keys: MSG,
        run: cancel_order::cancel_order_after_shipping,
    },
    OrderOp {
        name: "updateOrderOrderer",
        code: "UPDATE_ORDERORDERER",
        keys: MSG,
        run: update_order_orderer::update_order_orderer,
    },
    OrderOp {
        name: "updateOrderDelivery",
        code: "UPDATE_ORDERDELIVERY",
        keys: MSG,
        run: update_order_delivery::update_order_delivery,
    },
    OrderOp {
        name: "simulateCouponAmount",
        code: "SIMULATE_COUPON_AMOUNT",
        keys: MSG,
        run: simulate_coupon_amount::simulate_coupon_amount,
    },
    OrderOp {
        name: "getPayment",
        code: "GET_PAYMENT",
        keys: &["MessageModelList", "OrderModel"],
        run: get_payment::get_payment,
    },
];

pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/es/2.0/order/{op}", axum::routing::any(order_endpoint))
        .route("/es/2.0/order/{op}/", axum::routing::any(order_endpoint))
}

/// Every order operation comes through here.
async fn order_endpoint(
    State(app): State<AppState>,
    method: Method,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let path = uri.path().to_string();
    // The operation comes from the raw path, not axum's `Path` extractor: a segment that is
    // not UTF-8 once decoded (`%FF`) must meet our 404, never the framework's text/plain 400.
    let rest = path.strip_prefix("/es/2.0/order/").unwrap_or("");
    let op_name = rest.strip_suffix('/').unwrap_or(rest);
    let Some(op) = OPS.iter().find(|o| o.name == op_name) else {
        return super::unknown_path(&method, &path);
    };
    if method != Method::POST {
        // The manual lists 405 for every operation; RMS operations are all POST.
        let msg =
            Message::error(op.code, "405", format!("{method}は許可されていないメソッドです。POSTで送信して下さい。"));
        let mut resp =
            respond(RmsReply::json(405, error_body(op.keys, &[msg])), "application/json;charset=UTF-8", None);
        resp.headers_mut().insert(header::ALLOW, axum::http::HeaderValue::from_static("POST"));
        return resp;
    }
    let call = Call { api: Api::Order, function: format!("rpay.order.{}", op.name), method, path };
    handle_rms(&app, call, &headers, uri.query(), body, |shop, req| run_op(op, shop, req)).await
}

/// Content type, size and JSON checks shared by all operations, then the operation itself.
fn run_op(op: &OrderOp, shop: &mut Shop, req: Request<'_>) -> RmsReply {
    let fail = |status: u16, text: String| {
        let msg = Message::error(op.code, "011", text);
        RmsReply::json(status, error_body(op.keys, &[msg]))
    };
    if let Some(ct) = req.headers.get(header::CONTENT_TYPE) {
        let ct = ct.to_str().unwrap_or("").to_ascii_lowercase();
        let media = ct.split(';').next().unwrap_or("").trim();
        if media != "application/json" {
            return fail(
                415,
                format!("Content-Type {media} はサポートされていません。application/json を指定して下さい。"),
            );
        }
        if shop.settings.require_charset && !ct.contains("charset=") {
            return fail(415, "Content-Typeにcharsetを指定して下さい。".into());
        }
    }
    let bytes = match req.body {
        Ok(b) => b,
        Err(BodyError::TooLarge) => {
            return fail(413, format!("リクエストボディが大きすぎます。({}バイト以内)", super::MAX_BODY_BYTES))
        }
        Err(BodyError::Unreadable) => return fail(400, "リクエストボディを読み取れませんでした。".into()),
    };
    let empty = Map::new();
    let value: Value = if bytes.iter().all(u8::is_ascii_whitespace) {
        Value::Null
    } else {
        match serde_json::from_slice(&bytes) {
            Ok(v) => v,
            Err(_) => return fail(400, "リクエストボディの書式が不正です。".into()),
        }
    };
    match &value {
        Value::Object(obj) => (op.run)(shop, obj),
        Value::Null => (op.run)(shop, &empty),
        _ => fail(400, "リクエストボディの書式が不正です。".into()),
    }
}

/// Shared by the operations: `KeyCase` of the shop.
pub fn key_case(shop: &Shop) -> KeyCase {
    shop.settings.key_case
}
