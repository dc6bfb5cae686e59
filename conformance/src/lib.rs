//! rms-conformance: replays customer integration setups against rms-mock and produces the
//! order-flow ledger.
//!
//! - [`setup`]: setup files (RMS side, integration side, timeline).
//! - [`integration`]: the reference integration (talks to RMS over HTTP only and imports
//!   nothing from rms-mock, like a third-party tool; [`time`] is its own clock arithmetic).
//! - [`runner`]: plays a setup against an in-process or running fake.
//! - [`control`]: the runner's side channel, rms-mock's typed control plane.
//! - [`ledger`]: what happened to each order, as text or JSON.
//! - [`report`]: the ledgers as one HTML page of swimlane timelines (`run --html`).
//! - [`diff`]: what changed between two runs' JSON ledgers (`rms-conformance diff`).
//! - [`RmsClient`]: a minimal import poll, kept as the smallest example of a client.

pub mod control;
pub mod diff;
pub mod integration;
pub mod ledger;
pub mod report;
pub mod runner;
pub mod setup;
pub mod time;

use serde_json::{json, Value};

/// Where and as whom the integration talks to RMS.
#[derive(Clone, Debug)]
pub struct RmsClient {
    pub base_url: String,
    pub authorization: String,
    http: reqwest::Client,
}

/// What one poll saw and did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PollOutcome {
    /// Numbers searchOrder returned, in order.
    pub found: Vec<String>,
    /// Numbers getOrder returned a model for.
    pub fetched: Vec<String>,
    /// Numbers confirmOrder answered INFO_101 for.
    pub confirmed: Vec<String>,
    /// `(call, HTTP status, codes)` of every call that did not succeed.
    pub failures: Vec<(String, u16, Vec<String>)>,
}

impl RmsClient {
    pub fn new(base_url: &str, service_secret: &str, license_key: &str) -> Self {
        RmsClient {
            base_url: base_url.trim_end_matches('/').to_string(),
            authorization: rms_mock::esa_header(service_secret, license_key),
            http: reqwest::Client::new(),
        }
    }

    /// `POST /es/2.0/order/<op>/`; returns the status and the JSON body.
    pub async fn order(&self, op: &str, body: &Value) -> Result<(u16, Value), reqwest::Error> {
        let r = self
            .http
            .post(format!("{}/es/2.0/order/{op}/", self.base_url))
            .header("Authorization", &self.authorization)
            .header("Content-Type", "application/json; charset=utf-8")
            .body(body.to_string())
            .send()
            .await?;
        let status = r.status().as_u16();
        let v = r.json::<Value>().await.unwrap_or(Value::Null);
        Ok((status, v))
    }

    /// One import poll over `[start, end]` (RMS datetimes, `+0900`).
    pub async fn poll(&self, start: &str, end: &str, version: u8) -> Result<PollOutcome, reqwest::Error> {
        let mut out = PollOutcome::default();
        let mut page = 1;
        loop {
            let body = json!({
                "dateType": 1,
                "startDatetime": start,
                "endDatetime": end,
                "orderProgressList": [100],
                "PaginationRequestModel": {"requestRecordsAmount": 1000, "requestPage": page},
            });
            let (status, v) = self.order("searchOrder", &body).await?;
            if status != 200 {
                out.failures.push(("searchOrder".into(), status, codes(&v)));
                return Ok(out);
            }
            out.found.extend(
                v["orderNumberList"].as_array().into_iter().flatten().filter_map(|n| n.as_str().map(String::from)),
            );
            let pages = v["PaginationResponseModel"]["totalPages"].as_u64().unwrap_or(0);
            if page >= pages {
                break;
            }
            page += 1;
        }
        for batch in out.found.clone().chunks(100) {
            let (status, v) = self.order("getOrder", &json!({"orderNumberList": batch, "version": version})).await?;
            if status != 200 {
                out.failures.push(("getOrder".into(), status, codes(&v)));
                continue;
            }
            out.fetched.extend(
                v["OrderModelList"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|o| o["orderNumber"].as_str().map(String::from)),
            );
        }
        for batch in out.fetched.clone().chunks(100) {
            let (status, v) = self.order("confirmOrder", &json!({"orderNumberList": batch})).await?;
            if status != 200 {
                out.failures.push(("confirmOrder".into(), status, codes(&v)));
                continue;
            }
            for m in v["MessageModelList"].as_array().into_iter().flatten() {
                if m["messageCode"] == "ORDER_EXT_API_CONFIRM_ORDER_INFO_101" {
                    out.confirmed.extend(m["orderNumber"].as_str().map(String::from));
                }
            }
        }
        Ok(out)
    }
}

/// The codes of any RMS answer: order-API `messageCode`s, item/inventory `errors[].code`,
/// or the gateway's `Results.errorCode`.
pub fn codes(v: &Value) -> Vec<String> {
    let mut out: Vec<String> = v["MessageModelList"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| m["messageCode"].as_str().map(String::from))
        .collect();
    out.extend(v["errors"].as_array().into_iter().flatten().filter_map(|e| e["code"].as_str().map(String::from)));
    if let Some(c) = v.pointer("/Results/errorCode").and_then(Value::as_str) {
        out.push(c.to_string());
    }
    out
}
