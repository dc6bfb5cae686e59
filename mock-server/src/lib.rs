//! rms-mock: a faithful, stateful fake of Rakuten RMS WEB SERVICE (RakutenPay Order API,
//! Item API 2.0, Inventory API 2.0/2.1), for the tests of tools that integrate with RMS.
//!
//! In a Rust test, start one [`RmsMock`] per test and create shops on it from
//! [`ShopDocument`]s built in Rust; each [`MockShop`] hands out its `Authorization` header
//! and plays the buyer, Rakuten and time passing through the typed control plane
//! ([`control`]). Everything else runs as the `rms-mock` binary does, over HTTP.
//!
//! Inside, the crate is layered (all modules private but [`control`]): `domain` holds the
//! rules of RMS (shops, orders, items, stock, the clock) as typed data and typed outcomes,
//! with no JSON, HTTP status, message code or text (a test keeps it so); `api` is the RMS
//! wire, one module per API family, and alone maps outcomes to codes, texts and envelopes;
//! `admin` is the control plane under `/__admin/`; `settings` is the shop's settings, read
//! by both; `setup` the shop documents; `embed` the in-test handles. No two files import
//! each other (a test walks `src/` for cycles).

#![warn(missing_docs)]

mod admin;
mod api;
mod auth;
mod cli;
pub mod control;
mod domain;
mod embed;
mod index;
mod journal;
mod logs;
mod merge;
mod registry;
mod settings;
mod setup;

pub use api::message_codes;
pub use auth::esa_header;
pub use cli::{check_shop_files, run_server, Cli, Command, ServeArgs};
pub use domain::function::{FunctionId, OrderOperation, UnknownFunction};
pub use embed::{ControlClient, Error, MockShop, RmsMock};
pub use logs::{install as install_logging, subscriber as log_subscriber, LogFormat};
pub use merge::merge_patch;
pub use settings::{
    Api, CancelFlow, DatetimeMode, GatewaySettings, HttpStatus, KeyCase, LimitClock, RateLimitSettings,
    ShippingSettings, ShopSettings, SortDirection, SubStatusDef, UnknownParams,
};
pub use setup::{
    parse_json, parse_toml, CouponDoc, GenerateDoc, ItemDoc, LineDoc, OrderDoc, OrderedPairs, SetupError, ShopDocument,
    ShopSection, VariantDoc, DEFAULT_CLOCK_START, DEMO_SHOP_TOML,
};

use axum::http::{Method, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use registry::Registry;
use std::future::Future;
use std::sync::Arc;
use tokio::net::TcpListener;

/// What every request shares: the shops, and the documents to re-create on reset.
#[derive(Clone, Default)]
pub struct AppState {
    pub(crate) registry: Registry,
    /// Requests whose credentials named no shop (`GET /__admin/journal`).
    pub(crate) server_journal: journal::ServerJournal,
    boot: Arc<Vec<(String, ShopDocument)>>,
}

impl AppState {
    /// A server with these shop documents (source name, document), created now and again
    /// on `POST /__admin/reset`.
    pub fn with_shops(docs: Vec<(String, ShopDocument)>) -> Result<Self, String> {
        let state = AppState { boot: Arc::new(docs), ..AppState::default() };
        state.reset()?;
        Ok(state)
    }

    /// A server with the embedded demo shop.
    pub fn demo() -> Self {
        let doc: ShopDocument = setup::parse_toml(setup::DEMO_SHOP_TOML, "fixtures/shops/demo.toml")
            .expect("the embedded demo shop parses");
        Self::with_shops(vec![("fixtures/shops/demo.toml".into(), doc)]).expect("the embedded demo shop builds")
    }

    /// Drops every shop, empties the server's journal and re-creates the boot shops.
    pub fn reset(&self) -> Result<(), String> {
        self.registry.clear();
        self.server_journal.with(|j| j.clear());
        for (source, doc) in self.boot.iter() {
            let shop = doc.build(source).map_err(|e| e.to_string())?;
            self.registry.insert(shop).map_err(|e| format!("{source}: {e:?}"))?;
        }
        Ok(())
    }
}

/// Every route of the fake, for serving it on a listener of your own with `axum::serve`.
pub fn router(state: AppState) -> Router {
    let routes = Router::new()
        .merge(api::order::routes())
        .merge(api::item::routes())
        .merge(api::inventory::routes())
        .merge(admin::routes())
        .route("/", axum::routing::get(index::root))
        .route("/__admin", axum::routing::get(index::admin))
        .route("/__admin/", axum::routing::get(index::admin))
        .fallback(fallback)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state);
    logs::layer(routes)
}

async fn fallback(method: Method, uri: Uri) -> Response {
    if uri.path().starts_with("/__admin") {
        return admin::AdminError::new(
            axum::http::StatusCode::NOT_FOUND,
            "not_found",
            format!("no control-plane endpoint {method} {}", uri.path()),
        )
        .into_response();
    }
    let p = uri.path();
    if p.starts_with("/es/2.0/items") || p.starts_with("/es/2.0/inventories") || p.starts_with("/es/2.1/") {
        return api::rest::no_such_path();
    }
    api::unknown_path(&method, p)
}

async fn method_not_allowed(method: Method, uri: Uri) -> Response {
    admin::AdminError::new(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("{method} is not allowed on {}", uri.path()),
    )
    .into_response()
}

/// Serves until `shutdown` completes; in-flight requests finish first.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state)).with_graceful_shutdown(shutdown).await
}
