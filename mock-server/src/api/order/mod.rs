//! RakutenPay Order API (楽天ペイ受注API): `POST /es/2.0/order/<operation>/`, trailing slash
//! optional (order-api.md §2). One file per operation, all with the same shape:
//! `fn <op>(shop, body) -> RmsReply`.

pub mod confirm_order;
pub mod envelope;
pub mod fields;
pub mod get_order;
pub mod model;
pub mod search_order;

use super::{handle_rms, respond, BodyError, Call, Request, RmsReply};
use crate::domain::settings::{Api, KeyCase};
use crate::domain::shop::Shop;
use crate::AppState;
use axum::body::Body;
use axum::extract::{OriginalUri, Path, State};
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

const OPS: &[OrderOp] = &[
    OrderOp {
        name: "searchOrder",
        code: "SEARCH_ORDER",
        keys: &[
            "orderNumberList",
            "MessageModelList",
            "PaginationResponseModel",
        ],
        run: search_order::search_order,
    },
    OrderOp {
        name: "getOrder",
        code: "GET_ORDER",
        keys: &["MessageModelList", "OrderModelList"],
        run: get_order::get_order,
    },
    OrderOp {
        name: "confirmOrder",
        code: "CONFIRM_ORDER",
        keys: &["MessageModelList"],
        run: confirm_order::confirm_order,
    },
];

/// The other operations of the API (order-api.md §3), not served yet: they answer 501 so a
/// client sees at once that the fake, not its request, is the limit.
const NOT_YET: &[&str] = &[
    "updateOrderShipping",
    "updateOrderShippingAsync",
    "getResultUpdateOrderShippingAsync",
    "getSubStatusList",
    "updateOrderSubStatus",
    "updateOrderMemo",
    "updateOrderRemarks",
    "updateOrderSender",
    "updateOrderSenderAfterShipping",
    "cancelOrder",
    "cancelOrderAfterShipping",
    "updateOrderOrderer",
    "updateOrderDelivery",
    "simulateCouponAmount",
    "getPayment",
];

pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/es/2.0/order/{op}", axum::routing::any(order_endpoint))
        .route("/es/2.0/order/{op}/", axum::routing::any(order_endpoint))
}

/// Every order operation comes through here.
async fn order_endpoint(
    State(app): State<AppState>,
    Path(op_name): Path<String>,
    method: Method,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let path = uri.path().to_string();
    let Some(op) = OPS.iter().find(|o| o.name == op_name) else {
        if NOT_YET.contains(&op_name.as_str()) {
            let msg = Message {
                kind: "ERROR",
                code: "RMS_MOCK_NOT_IMPLEMENTED".into(),
                text: format!("rms-mock does not implement {op_name} yet"),
                order_number: None,
            };
            return respond(
                RmsReply::json(501, error_body(&["MessageModelList"], &[msg])),
                "application/json;charset=UTF-8",
                None,
            );
        }
        return super::unknown_path(&method, &path);
    };
    if method != Method::POST {
        // The manual lists 405 for every operation; RMS operations are all POST.
        let msg = Message {
            kind: "ERROR",
            code: format!("ORDER_EXT_API_{}_ERROR_405", op.code),
            text: format!("{method}は許可されていないメソッドです。POSTで送信して下さい。"),
            order_number: None,
        };
        let mut resp = respond(
            RmsReply::json(405, error_body(op.keys, &[msg])),
            "application/json;charset=UTF-8",
            None,
        );
        resp.headers_mut()
            .insert(header::ALLOW, axum::http::HeaderValue::from_static("POST"));
        return resp;
    }
    let call = Call {
        api: Api::Order,
        function: format!("rpay.order.{}", op.name),
        method,
        path,
    };
    handle_rms(&app, call, &headers, uri.query(), body, |shop, req| {
        run_op(op, shop, req)
    })
    .await
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
            return fail(415, format!("Content-Type {media} はサポートされていません。application/json を指定して下さい。"));
        }
        if shop.settings.require_charset && !ct.contains("charset=") {
            return fail(415, "Content-Typeにcharsetを指定して下さい。".into());
        }
    }
    let bytes = match req.body {
        Ok(b) => b,
        Err(BodyError::TooLarge) => {
            return fail(
                413,
                format!(
                    "リクエストボディが大きすぎます。({}バイト以内)",
                    super::MAX_BODY_BYTES
                ),
            )
        }
        Err(BodyError::Unreadable) => {
            return fail(400, "リクエストボディを読み取れませんでした。".into())
        }
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
