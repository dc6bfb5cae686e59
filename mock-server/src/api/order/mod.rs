//! RakutenPay Order API (楽天ペイ受注API): `POST /es/2.0/order/<operation>/`, trailing slash
//! optional (order-api.md §2). One file per operation, all with the same shape:
//! `fn <op>(op, shop, body) -> RmsReply`, where `op` is the operation's row of `OPS`
//! (its message-code infix and answer keys). The rules are in `domain/`; these files read
//! the body, call one `Shop` method and render its outcome.

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
use crate::domain::function::OrderOperation;
use crate::domain::shop::Shop;
use crate::settings::Api;
use crate::AppState;
use axum::body::Bytes;
use axum::http::{header, Method};
use envelope::{error_body, Message};
use fields::{Body, Fields};

/// An operation on the wire: which RMS operation, and what it needs to read its body and shape
/// its errors. Each op file receives its row, so the code and keys are written once, here.
pub struct OrderOp {
    /// The RMS operation (its path segment and function id).
    pub operation: OrderOperation,
    /// Message-code infix, e.g. `SEARCH_ORDER`.
    pub code: &'static str,
    /// Top-level keys of the answer in order; all but `MessageModelList` are `null` on a 400.
    pub keys: &'static [&'static str],
    /// The handler: `fn <op>(op, shop, body) -> RmsReply`.
    pub run: fn(&OrderOp, &mut Shop, &Body) -> RmsReply,
}

impl OrderOp {
    /// The 400 answer: every validation message, the other keys `null`.
    pub fn bad_request(&self, errors: &[Message]) -> RmsReply {
        RmsReply::json(400, error_body(self.keys, errors))
    }

    /// Reads this operation's body with the shop's key matching.
    pub fn fields<'a>(&self, shop: &Shop, body: &'a Body) -> Fields<'a> {
        Fields::new(body, self.code, shop.settings().key_case)
    }
}

const MSG: &[&str] = &["MessageModelList"];

const fn op(
    operation: OrderOperation,
    code: &'static str,
    keys: &'static [&'static str],
    run: fn(&OrderOp, &mut Shop, &Body) -> RmsReply,
) -> OrderOp {
    OrderOp { operation, code, keys, run }
}

/// All 18 operations (order-api.md §3).
const OPS: &[OrderOp] = &[
    op(
        OrderOperation::SearchOrder,
        "SEARCH_ORDER",
        &["orderNumberList", "MessageModelList", "PaginationResponseModel"],
        search_order::search_order,
    ),
    op(OrderOperation::GetOrder, "GET_ORDER", &["MessageModelList", "OrderModelList"], get_order::get_order),
    op(OrderOperation::ConfirmOrder, "CONFIRM_ORDER", MSG, confirm_order::confirm_order),
    op(OrderOperation::UpdateOrderShipping, "UPDATE_ORDERSHIPPING", MSG, update_order_shipping::update_order_shipping),
    op(
        OrderOperation::UpdateOrderShippingAsync,
        "UPDATE_ORDERSHIPPING_ASYNC",
        MSG,
        update_order_shipping_async::update_order_shipping_async,
    ),
    op(
        OrderOperation::GetResultUpdateOrderShippingAsync,
        "GET_RESULT_UPDATEORDERSHIPPING_ASYNC",
        MSG,
        update_order_shipping_async::get_result_update_order_shipping_async,
    ),
    op(
        OrderOperation::GetSubStatusList,
        "GET_SUB_STATUS_LIST",
        &["MessageModelList", "StatusModelList"],
        sub_status::get_sub_status_list,
    ),
    op(OrderOperation::UpdateOrderSubStatus, "UPDATE_ORDERSUBSTATUS", MSG, sub_status::update_order_sub_status),
    op(OrderOperation::UpdateOrderMemo, "UPDATE_ORDERMEMO", MSG, update_order_memo::update_order_memo),
    op(OrderOperation::UpdateOrderRemarks, "UPDATE_ORDERREMARKS", MSG, update_order_remarks::update_order_remarks),
    op(OrderOperation::UpdateOrderSender, "UPDATE_ORDERSENDER", MSG, update_order_sender::update_order_sender),
    op(
        OrderOperation::UpdateOrderSenderAfterShipping,
        "UPDATE_ORDERSENDER_AFTER_SHIPPING",
        MSG,
        update_order_sender::update_order_sender_after_shipping,
    ),
    op(OrderOperation::CancelOrder, "CANCEL_ORDER", MSG, cancel_order::cancel_order),
    op(
        OrderOperation::CancelOrderAfterShipping,
        "CANCEL_ORDER_AFTER_SHIPPING",
        MSG,
        cancel_order::cancel_order_after_shipping,
    ),
    op(OrderOperation::UpdateOrderOrderer, "UPDATE_ORDERORDERER", MSG, update_order_orderer::update_order_orderer),
    op(OrderOperation::UpdateOrderDelivery, "UPDATE_ORDERDELIVERY", MSG, update_order_delivery::update_order_delivery),
    op(
        OrderOperation::SimulateCouponAmount,
        "SIMULATE_COUPON_AMOUNT",
        MSG,
        simulate_coupon_amount::simulate_coupon_amount,
    ),
    op(OrderOperation::GetPayment, "GET_PAYMENT", &["MessageModelList", "OrderModel"], get_payment::get_payment),
];

/// The wire row of an operation: `OPS` lists them in [`OrderOperation::ALL`]'s order (a unit
/// test checks), so the row is found by position.
pub fn order_op(operation: OrderOperation) -> &'static OrderOp {
    &OPS[operation as usize]
}

/// Whether `path` is this family's: `/es/2.0/order/{op}` or `/es/2.0/order/{op}/`, `{op}` one
/// non-empty segment (the paths [`endpoint`] serves; see [`crate::api::family`]).
pub(crate) fn serves(path: &str) -> bool {
    let Some(rest) = path.strip_prefix("/es/2.0/order/") else {
        return false;
    };
    let op = rest.strip_suffix('/').unwrap_or(rest);
    !op.is_empty() && !op.contains('/')
}

/// Every order operation comes through here. The whole request is taken as it is (an
/// extractor per part would copy the headers).
pub(crate) async fn endpoint(app: &AppState, request: axum::extract::Request) -> super::Answered {
    let (parts, body) = request.into_parts();
    let (method, path) = (&parts.method, parts.uri.path());
    // The operation comes from the raw path, not axum's `Path` extractor: a segment that is
    // not UTF-8 once decoded (`%FF`) must meet our 404, never the framework's text/plain 400.
    let rest = path.strip_prefix("/es/2.0/order/").unwrap_or("");
    let op_name = rest.strip_suffix('/').unwrap_or(rest);
    let Some(op) = OrderOperation::from_name(op_name).map(order_op) else {
        return (super::unknown_path(method, path), None);
    };
    if method != Method::POST {
        // The manual lists 405 for every operation; RMS operations are all POST.
        let msg =
            Message::error(op.code, "405", format!("{method}は許可されていないメソッドです。POSTで送信して下さい。"));
        let mut resp =
            respond(RmsReply::json(405, error_body(op.keys, &[msg])), "application/json;charset=UTF-8", None);
        resp.headers_mut().insert(header::ALLOW, axum::http::HeaderValue::from_static("POST"));
        return (resp, None);
    }
    let call =
        Call { api: Api::Order, function: op.operation.function_id(), method: method.clone(), path: path.to_string() };
    handle_rms(
        app,
        call,
        &parts.headers,
        parts.uri.query(),
        body,
        |body| parse_body(op, body),
        |shop, req, parsed| run_op(op, shop, req, parsed),
    )
    .await
}

/// The 500 of an operation whose handler panicked (`super::system_error`): the operation's
/// envelope, `ORDER_EXT_API_<OP>_ERROR_500` 「システムエラーが発生しました。」 (inferred), the
/// other keys `null`; a path naming no operation gets `MessageModelList` alone.
pub(crate) fn system_error(path: &str) -> RmsReply {
    server_error(path, 500, "システムエラーが発生しました。")
}

/// A 5xx of the operation at `path` in its envelope: `ORDER_EXT_API_<OP>_ERROR_<status>` with
/// `text`, the other keys `null` (inferred: the manual lists 500 and 503 for every operation,
/// without bodies); a path naming no operation gets `MessageModelList` alone.
pub(crate) fn server_error(path: &str, status: u16, text: &str) -> RmsReply {
    let rest = path.strip_prefix("/es/2.0/order/").unwrap_or("");
    let op = OrderOperation::from_name(rest.strip_suffix('/').unwrap_or(rest)).map(order_op);
    let (code, keys) = op.map_or(("UNKNOWN", MSG), |op| (op.code, op.keys));
    let msg = Message::error(code, &status.to_string(), text.to_string());
    RmsReply::json(status, error_body(keys, &[msg]))
}

/// A body's JSON, read before the shop is locked. The plain search is boxed: it is large next
/// to the others, and the prepared body is moved (copied whole) through every layer of the
/// gateway's closure before the operation takes it; an allocation costs less.
enum ParsedBody {
    /// Nothing to read: the body could not be read, or is only whitespace.
    Nothing,
    /// A JSON object (or `null`), read field by field under the lock.
    Object(Body),
    /// A searchOrder body read straight into its fields ([`search_order::Plain`]).
    PlainSearch(Box<search_order::Plain>),
    /// Not a JSON object (nor `null`).
    NotAnObject,
}

fn parse_body(op: &OrderOp, body: &Result<Bytes, BodyError>) -> ParsedBody {
    let Ok(bytes) = body.as_ref() else {
        return ParsedBody::Nothing;
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return ParsedBody::Nothing;
    }
    // A body checked as UTF-8 once is parsed as text: serde_json then does not check every
    // string of it again (a fifth of parsing a search). Not UTF-8: as bytes, as before (any
    // error is NotAnObject either way).
    let text = std::str::from_utf8(bytes).ok();
    if op.operation == OrderOperation::SearchOrder {
        if let Ok(search_order::ObjectOnly(plain)) = from_json(bytes, text) {
            return ParsedBody::PlainSearch(Box::new(plain));
        }
    }
    match from_json(bytes, text) {
        Ok(body) => ParsedBody::Object(body),
        Err(_) => ParsedBody::NotAnObject,
    }
}

/// `bytes` as JSON, read from `text` (the same bytes, known to be UTF-8) when given.
fn from_json<'a, T: serde::Deserialize<'a>>(bytes: &'a [u8], text: Option<&'a str>) -> serde_json::Result<T> {
    match text {
        Some(text) => serde_json::from_str(text),
        None => serde_json::from_slice(bytes),
    }
}

/// Content type, size and JSON checks shared by all operations, then the operation itself.
fn run_op(op: &OrderOp, shop: &mut Shop, req: Request<'_>, parsed: ParsedBody) -> RmsReply {
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
        if shop.settings().require_charset && !ct.contains("charset=") {
            return fail(415, "Content-Typeにcharsetを指定して下さい。".into());
        }
    }
    match req.body {
        Ok(_) => {}
        Err(BodyError::TooLarge) => {
            return fail(413, format!("リクエストボディが大きすぎます。({}バイト以内)", super::MAX_BODY_BYTES))
        }
        Err(BodyError::Unreadable) => return fail(400, "リクエストボディを読み取れませんでした。".into()),
    }
    match parsed {
        ParsedBody::Nothing => (op.run)(op, shop, &Body::default()),
        ParsedBody::Object(body) => (op.run)(op, shop, &body),
        ParsedBody::PlainSearch(plain) => search_order::search_plain(shop, *plain).unwrap_or_else(|| {
            // Not a body the plain reading answers for (a date out of the window, …): read
            // it field by field, as any other (rare: the answer is a 400).
            let body = req.body.as_ref().ok().and_then(|b| serde_json::from_slice(b).ok()).unwrap_or_default();
            (op.run)(op, shop, &body)
        }),
        ParsedBody::NotAnObject => fail(400, "リクエストボディの書式が不正です。".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rms_operation_has_exactly_one_wire_row() {
        assert_eq!(OPS.len(), OrderOperation::ALL.len());
        for operation in OrderOperation::ALL {
            assert_eq!(order_op(operation).operation, operation);
        }
    }
}
