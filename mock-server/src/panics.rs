//! Panic containment. A panic while a request is answered (a bug) becomes an answer, the 500
//! of the request's API family, and an error line in the log, never a connection dropped
//! without a word. Two nets: around an RMS operation, with its shop locked, so the 500 is
//! journaled like any answer and the lock is not poisoned (`api::handle_rms`); and around
//! the whole answer, for the rest (the control plane, the gateway, reading the body;
//! `service::Fake`).
//!
//! A shop is never left half-changed by a panic because operations check everything before
//! their first effect (a stock write plans every write, then applies them; an order operation
//! refuses before it changes the order), and what can panic (arithmetic, parsing, slicing)
//! is in the checks. The tests arm fault points at those places (`domain::fault`).

use std::any::Any;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::task::Poll;

/// Runs `f`; a panic in it comes back as its message.
pub(crate) fn run<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|panic| message(&*panic))
}

/// Awaits `answer`; a panic while it is polled comes back as its message (and the future is
/// dropped by its owner). Takes the future pinned where it lies: an `async fn` taking the
/// future by value would hold it twice (the argument, then its pinned copy), and the request
/// futures are kilobytes that are moved (copied) whole (issue 11).
pub(crate) async fn contain<F: Future>(mut answer: Pin<&mut F>) -> Result<F::Output, String> {
    std::future::poll_fn(|cx| match catch_unwind(AssertUnwindSafe(|| answer.as_mut().poll(cx))) {
        Ok(Poll::Ready(out)) => Poll::Ready(Ok(out)),
        Ok(Poll::Pending) => Poll::Pending,
        Err(panic) => Poll::Ready(Err(message(&*panic))),
    })
    .await
}

fn message(panic: &(dyn Any + Send)) -> String {
    match (panic.downcast_ref::<&str>(), panic.downcast_ref::<String>()) {
        (Some(text), _) => (*text).to_string(),
        (_, Some(text)) => text.clone(),
        _ => "a panic without a message".to_string(),
    }
}

/// The error line of a contained panic (the request's own line follows, with its 500).
pub(crate) fn log(panic: &str, method: &str, target: &str) {
    tracing::error!(target: "rms_mock::panic", panic, "{method} {target}: a bug in rms-mock: the handler panicked; answered 500");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fault::{arm, FaultPoint};
    use crate::AppState;
    use serde_json::{json, Value};

    #[test]
    fn a_panic_comes_back_as_its_message_and_a_value_as_itself() {
        assert_eq!(run(|| 7), Ok(7));
        assert_eq!(run(|| -> u8 { panic!("static text") }), Err("static text".to_string()));
        assert_eq!(run(|| -> u8 { panic!("formatted {}", 42) }), Err("formatted 42".to_string()));
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let contained: Result<(), String> = runtime.block_on(contain(std::pin::pin!(async { panic!("in a future") })));
        assert_eq!(contained, Err("in a future".to_string()));
    }

    /// The demo shop served in this test's runtime: its handlers run on this thread, where
    /// the fault points are armed.
    struct Demo {
        state: AppState,
        base: String,
        client: reqwest::Client,
        auth: String,
    }

    async fn demo() -> Demo {
        let state = AppState::demo();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(crate::serve(listener, state.clone(), std::future::pending()));
        let auth = crate::auth::esa_header("SP123456_DemoSecret0000001", "SL123456_DemoLicense000001");
        Demo { state, base, client: reqwest::Client::new(), auth }
    }

    impl Demo {
        async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, String, Value) {
            let mut req =
                self.client.request(method, format!("{}{path}", self.base)).header("Authorization", &self.auth);
            if let Some(body) = body {
                req = req.header("Content-Type", "application/json").body(body.to_string());
            }
            let r = req.send().await.unwrap();
            let status = r.status().as_u16();
            let ct = r.headers().get("content-type").map_or("", |v| v.to_str().unwrap()).to_string();
            let text = r.text().await.unwrap();
            (status, ct, serde_json::from_str(&text).unwrap_or(Value::Null))
        }

        fn stock(&self, m: &str, v: &str) -> i64 {
            self.state.registry.get("123456").unwrap().with(|s| s.inventory().quantity(m, v))
        }

        async fn journal_of_500s(&self) -> Value {
            let url = format!("{}/__admin/shops/123456/journal?status=500", self.base);
            self.client.get(url).send().await.unwrap().json().await.unwrap()
        }
    }

    /// Log lines written on this thread (where the test's server runs), as JSON.
    #[derive(Clone, Default)]
    struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Captured {
        fn install(&self) -> tracing::subscriber::DefaultGuard {
            // tracing caches each callsite's interest globally: reached first by another
            // test's thread with no subscriber, a callsite could be cached as "never" and this
            // test capture nothing. A global subscriber keeping `info` (into a sink) makes
            // every `info` callsite interesting for good; each event then asks this thread's.
            static ONCE: std::sync::Once = std::sync::Once::new();
            ONCE.call_once(|| {
                let sink = crate::logs::subscriber(crate::LogFormat::Text, "info", std::io::sink);
                let _ = tracing::subscriber::set_global_default(sink);
            });
            let writer = self.clone();
            tracing::subscriber::set_default(crate::logs::subscriber(crate::LogFormat::Json, "info", move || {
                writer.clone()
            }))
        }

        fn lines(&self) -> Vec<Value> {
            let text = String::from_utf8(self.0.lock().unwrap().clone()).unwrap();
            text.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
        }
    }

    fn search() -> Value {
        json!({"dateType": 1, "startDatetime": "2026-11-01T00:00:00+0900", "endDatetime": "2026-11-28T23:59:59+0900"})
    }

    /// Issue 12: a panic in a handler gave the client an empty reply. Now: the family's 500,
    /// in the journal like any answer, and the shop answers the next request as before.
    #[tokio::test]
    async fn a_panic_in_an_operation_is_each_familys_500_journaled_and_the_shop_still_answers() {
        let logs = Captured::default();
        let _logging = logs.install();
        let app = demo().await;
        let cases = [
            (
                reqwest::Method::POST,
                "/es/2.0/order/searchOrder/",
                Some(search()),
                "application/json;charset=UTF-8",
                json!({"orderNumberList": null, "MessageModelList": [{"messageType": "ERROR",
                    "messageCode": "ORDER_EXT_API_SEARCH_ORDER_ERROR_500", "message": "システムエラーが発生しました。"}],
                    "PaginationResponseModel": null}),
            ),
            (
                reqwest::Method::GET,
                "/es/2.0/items/manage-numbers/tshirt-basic",
                None,
                "application/json",
                json!({"errors": [{"code": "X0000", "message": "An unexpected error has occurred"}]}),
            ),
            (
                reqwest::Method::GET,
                "/es/2.1/inventories/manage-numbers/tshirt-basic/variants/m-black",
                None,
                "application/json",
                json!({"errors": [{"code": "X0000", "message": "An unexpected error has occurred"}]}),
            ),
        ];
        for (i, (method, path, body, content_type, envelope)) in cases.into_iter().enumerate() {
            let (status, ct, before) = app.call(method.clone(), path, body.clone()).await;
            assert_eq!(status, 200, "{path}: {before}");
            arm(FaultPoint::Operation);
            assert_eq!(app.call(method.clone(), path, body.clone()).await, (500, content_type.to_string(), envelope));
            // The shop's lock was not left poisoned, nor its state changed.
            assert_eq!(app.call(method, path, body).await, (200, ct, before), "{path}");
            let journal = app.journal_of_500s().await;
            assert_eq!(journal["entries"].as_array().unwrap().len(), i + 1, "{journal}");
            assert_eq!(journal["entries"][i]["path"], path);
        }
        // Each panic: an error line naming the request, then the request's own line.
        let lines = logs.lines();
        let panics: Vec<&Value> = lines.iter().filter(|l| l["target"] == "rms_mock::panic").collect();
        assert_eq!(panics.len(), 3, "{lines:?}");
        assert_eq!(
            (&panics[0]["level"], &panics[0]["panic"]),
            (&json!("ERROR"), &json!("fault injected at Operation"))
        );
        assert!(
            panics[0]["message"].as_str().unwrap().starts_with("POST /es/2.0/order/searchOrder/: a bug"),
            "{lines:?}"
        );
        let failed: Vec<&Value> = lines.iter().filter(|l| l["status"] == 500).collect();
        assert_eq!(failed.len(), 3, "{lines:?}");
        assert_eq!(failed[0]["codes"], "ORDER_EXT_API_SEARCH_ORDER_ERROR_500");
        assert_eq!(failed[2]["codes"], "X0000");
    }

    /// A panic outside the operation (reading the body, the gateway) is caught around the
    /// whole answer: the same 500, not journaled (no shop was locked).
    #[tokio::test]
    async fn a_panic_outside_the_operation_is_still_the_familys_500() {
        let logs = Captured::default();
        let _logging = logs.install();
        let app = demo().await;
        arm(FaultPoint::Prepare);
        let (status, _, v) = app.call(reqwest::Method::POST, "/es/2.0/order/getOrder/", Some(json!({}))).await;
        assert_eq!(
            (status, &v["MessageModelList"][0]["messageCode"]),
            (500, &json!("ORDER_EXT_API_GET_ORDER_ERROR_500"))
        );
        assert_eq!(v["OrderModelList"], Value::Null, "{v}");
        let (status, _, _) = app.call(reqwest::Method::POST, "/es/2.0/order/searchOrder/", Some(search())).await;
        assert_eq!(status, 200);
        let lines = logs.lines();
        assert!(lines.iter().any(|l| l["target"] == "rms_mock::panic" && l["panic"] == "fault injected at Prepare"));
        let failed = lines.iter().find(|l| l["status"] == 500).unwrap();
        assert_eq!(failed["codes"], "ORDER_EXT_API_GET_ORDER_ERROR_500", "{failed}");
        assert!(failed["message"].as_str().unwrap().starts_with("POST /es/2.0/order/getOrder/"), "{failed}");
    }

    /// Checks before effects: a bulk-upsert that panics after its writes were planned and
    /// checked, before the first is applied, leaves every quantity as it was; sent again, it
    /// applies in full.
    #[tokio::test]
    async fn a_panic_between_a_stock_writes_checks_and_its_effects_changes_no_stock() {
        let app = demo().await;
        let (black, socks) = (app.stock("tshirt-basic", "m-black"), app.stock("socks-3p", "socks-3p"));
        let body = json!({"inventories": [
            {"manageNumber": "tshirt-basic", "variantId": "m-black", "mode": "ABSOLUTE", "quantity": 7},
            {"manageNumber": "socks-3p", "variantId": "socks-3p", "mode": "RELATIVE", "quantity": -3},
        ]});
        arm(FaultPoint::StockWrite);
        let (status, _, v) =
            app.call(reqwest::Method::POST, "/es/2.1/inventories/bulk-upsert", Some(body.clone())).await;
        assert_eq!((status, &v["errors"][0]["code"]), (500, &json!("X0000")));
        assert_eq!((app.stock("tshirt-basic", "m-black"), app.stock("socks-3p", "socks-3p")), (black, socks));
        let (status, _, _) = app.call(reqwest::Method::POST, "/es/2.1/inventories/bulk-upsert", Some(body)).await;
        assert_eq!(status, 204);
        assert_eq!((app.stock("tshirt-basic", "m-black"), app.stock("socks-3p", "socks-3p")), (7, socks - 3));
    }
}
