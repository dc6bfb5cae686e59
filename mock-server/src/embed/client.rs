//! [`ControlClient`]: the typed HTTP client of the control plane (`/__admin/`), for any
//! running fake: the one [`RmsMock`](super::RmsMock) started, or a server started elsewhere
//! (the conformance runner's `--base-url`).

use super::{Error, MockShop};
use crate::control::{ErrorBody, Health, Journal, JournalQuery, ShopDetail, ShopList, StateImported};
use crate::setup::ShopDocument;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::sync::Arc;

/// The control plane of one server. Cheap to clone (the HTTP connection pool is shared).
#[derive(Clone)]
pub struct ControlClient {
    base: String,
    http: reqwest::Client,
    /// `Authorization: Bearer <token>` on every request, for a server started with
    /// `--admin-token`.
    admin_token: Option<Arc<str>>,
}

impl std::fmt::Debug for ControlClient {
    /// Never shows the admin token (a test's failure output may be published).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ControlClient")
            .field("base", &self.base)
            .field("admin_token", &self.admin_token.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// A request body.
pub(super) enum Body {
    None,
    Json(String),
    Toml(String),
}

impl Body {
    pub(super) fn json(v: &impl Serialize) -> Result<Body, Error> {
        serde_json::to_string(v).map(Body::Json).map_err(|e| Error::Unexpected(e.to_string()))
    }
}

impl ControlClient {
    /// A client for the server at `base_url` (`http://127.0.0.1:8080`).
    pub fn new(base_url: &str) -> Self {
        ControlClient {
            base: base_url.trim_end_matches('/').to_string(),
            http: reqwest::Client::new(),
            admin_token: None,
        }
    }

    /// The same client sending `Authorization: Bearer <token>` on every request: the token of
    /// a server started with `--admin-token` (env `RMS_MOCK_ADMIN_TOKEN`). Shops created or
    /// found through it send it too.
    pub fn with_admin_token(mut self, token: &str) -> Self {
        self.admin_token = Some(token.into());
        self
    }

    /// The server's base URL.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// `GET /__admin/health`.
    pub async fn health(&self) -> Result<Health, Error> {
        self.call(reqwest::Method::GET, "/__admin/health", Body::None).await
    }

    /// `POST /__admin/reset`: drops every shop and re-creates the ones the server started with.
    pub async fn reset(&self) -> Result<Health, Error> {
        self.call(reqwest::Method::POST, "/__admin/reset", Body::None).await
    }

    /// `GET /__admin/shops`.
    pub async fn shops(&self) -> Result<ShopList, Error> {
        self.call(reqwest::Method::GET, "/__admin/shops", Body::None).await
    }

    /// Creates a shop from a document built in Rust.
    pub async fn create_shop(&self, doc: &ShopDocument) -> Result<MockShop, Error> {
        let credentials = self.call(reqwest::Method::POST, "/__admin/shops", Body::json(doc)?).await?;
        Ok(MockShop::new(self.clone(), credentials))
    }

    /// Creates a shop from the text of a shop file (TOML).
    pub async fn create_shop_toml(&self, toml: &str) -> Result<MockShop, Error> {
        let credentials = self.call(reqwest::Method::POST, "/__admin/shops", Body::Toml(toml.to_string())).await?;
        Ok(MockShop::new(self.clone(), credentials))
    }

    /// A handle to a shop that already exists (a shop file the server was started with).
    pub async fn existing_shop(&self, shop_id: &str) -> Result<MockShop, Error> {
        let detail: ShopDetail =
            self.call(reqwest::Method::GET, &format!("/__admin/shops/{shop_id}"), Body::None).await?;
        Ok(MockShop::new(self.clone(), detail.credentials))
    }

    /// `DELETE /__admin/shops/{shop_id}`: its credentials stop working at once.
    pub async fn delete_shop(&self, shop_id: &str) -> Result<(), Error> {
        self.send(reqwest::Method::DELETE, &format!("/__admin/shops/{shop_id}"), Body::None).await.map(drop)
    }

    /// `GET /__admin/journal`: RMS requests whose credentials named no shop (a misspelt
    /// service secret, a missing header), filtered by `query`.
    pub async fn server_journal(&self, query: &JournalQuery) -> Result<Journal, Error> {
        self.call(reqwest::Method::GET, &format!("/__admin/journal{}", query_string(query)), Body::None).await
    }

    /// `DELETE /__admin/journal`: empties the server's journal (its `recorded` count goes on).
    pub async fn clear_server_journal(&self) -> Result<(), Error> {
        self.send(reqwest::Method::DELETE, "/__admin/journal", Body::None).await.map(drop)
    }

    /// `GET /__admin/state` (`shop`: None for every shop, or one shop's id): the state
    /// document as the server writes it, JSON text, byte for byte (so it can be committed
    /// as a fixture and compared).
    pub async fn export_state(&self, shop: Option<&str>) -> Result<String, Error> {
        let path = match shop {
            Some(id) => format!("/__admin/state?shop={id}"),
            None => "/__admin/state".to_string(),
        };
        self.send(reqwest::Method::GET, &path, Body::None).await
    }

    /// `PUT /__admin/state`: each shop of the state document (JSON text) replaces the shop
    /// of its id, or is created; the others keep serving.
    pub async fn import_state(&self, document: &str) -> Result<StateImported, Error> {
        self.call(reqwest::Method::PUT, "/__admin/state", Body::Json(document.to_string())).await
    }

    /// Sends a request and reads a 2xx answer into `T`.
    pub(super) async fn call<T: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Body,
    ) -> Result<T, Error> {
        let text = self.send(method, path, body).await?;
        serde_json::from_str(&text).map_err(|e| Error::Unexpected(format!("{path}: {e}: {text}")))
    }

    /// Sends a request; the body text of a 2xx answer, or the control plane's error.
    pub(super) async fn send(&self, method: reqwest::Method, path: &str, body: Body) -> Result<String, Error> {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(token) = &self.admin_token {
            req = req.bearer_auth(token);
        }
        req = match body {
            Body::None => req,
            Body::Json(text) => req.header("Content-Type", "application/json").body(text),
            Body::Toml(text) => req.header("Content-Type", "application/toml").body(text),
        };
        let r = req.send().await?;
        let status = r.status().as_u16();
        let text = r.text().await?;
        if (200..300).contains(&status) {
            return Ok(text);
        }
        Err(match serde_json::from_str::<ErrorBody>(&text) {
            Ok(e) => Error::Control { status, code: e.error.code, message: e.error.message },
            Err(_) => Error::Control { status, code: String::new(), message: text },
        })
    }
}

/// `?function=…&since=…` for a journal query (empty when it has no field).
pub(super) fn query_string(q: &JournalQuery) -> String {
    fn encode(v: &str) -> String {
        v.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect()
    }
    let pairs = [
        ("function", q.function.clone()),
        ("actor", q.actor.clone()),
        ("status", q.status.clone()),
        ("order_number", q.order_number.clone()),
        ("since", q.since.map(|v| v.to_string())),
        ("limit", q.limit.map(|v| v.to_string())),
        ("wait", q.wait.map(|v| v.to_string())),
    ];
    let parts: Vec<String> =
        pairs.iter().filter_map(|(k, v)| v.as_deref().map(|v| format!("{k}={}", encode(v)))).collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}
