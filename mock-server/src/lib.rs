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

mod abort;
mod admin;
mod api;
mod auth;
mod cli;
mod conn;
pub mod control;
mod domain;
mod durable;
mod embed;
mod index;
mod journal;
mod logs;
mod merge;
mod panics;
mod registry;
mod service;
mod settings;
mod setup;
mod state;
mod wall;

pub use api::message_codes;
pub use auth::esa_header;
pub use cli::{check_shop_files, run_server, Cli, ClockAnchor, Command, ServeArgs};
pub use conn::ConnectionLimits;
pub use domain::function::{FunctionId, OrderOperation, UnknownFunction};
pub use domain::shop::{ClockMode, MAX_CLOCK_SPEED};
pub use domain::tax::TaxRounding;
pub use embed::{ControlClient, Error, MockShop, RmsMock};
pub use logs::{flush as flush_logging, install as install_logging, subscriber as log_subscriber, LogFormat};
pub use merge::merge_patch;
pub use settings::{
    Api, Approval, CancelDueDates, CancelDueRule, CancelFlow, DatetimeMode, GatewaySettings, HttpStatus, KeyCase,
    LimitClock, NotFoundWording, RateLimitSettings, ShippingSettings, ShopSettings, SortDirection, SubStatusDef,
    UnknownParams,
};
pub use setup::{
    parse_json, parse_toml, CouponDoc, DestinationDoc, FaultKind, FaultSpec, GenerateDoc, ItemDoc, LineDoc, OrderDoc,
    OrderedPairs, OtherKeyDoc, SetupError, ShopDocument, ShopSection, SimulateDoc, VariantDoc, DEFAULT_CLOCK_START,
    DEMO_SHOP_TOML,
};
pub use wall::WallClock;

use axum::http::{Method, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use registry::Registry;
use std::future::Future;
use std::sync::Arc;
use tokio::net::TcpListener;

/// A shop the server starts with: its source (file name), its document, and the shop built
/// from it.
pub(crate) type BootShop = (String, ShopDocument, domain::shop::Shop);

/// What every request shares: the shops, and the documents to re-create on reset.
#[derive(Clone, Default)]
pub struct AppState {
    pub(crate) registry: Registry,
    /// Requests whose credentials named no shop (`GET /__admin/journal`).
    pub(crate) server_journal: journal::ServerJournal,
    /// Who may drive the control plane (its token, the host names it accepts).
    pub(crate) admin_access: admin::guard::AdminAccess,
    boot: Arc<Vec<(String, ShopDocument)>>,
    /// State documents the server started with (source, their shops), re-created on reset.
    boot_states: Arc<Vec<(String, Vec<domain::state::ShopState>)>>,
}

impl AppState {
    /// A server with these shop documents (source name, document), created now and again
    /// on `POST /__admin/reset`.
    pub fn with_shops(docs: Vec<(String, ShopDocument)>) -> Result<Self, String> {
        let state = AppState { boot: Arc::new(docs), ..AppState::default() };
        state.reset()?;
        Ok(state)
    }

    /// A server with shops already built from these documents (the documents are kept for
    /// `POST /__admin/reset`), so the binary builds each shop file once.
    pub(crate) fn with_built_shops(shops: Vec<BootShop>) -> Result<Self, String> {
        let mut boot = Vec::with_capacity(shops.len());
        let mut built = Vec::with_capacity(shops.len());
        for (source, doc, shop) in shops {
            boot.push((source.clone(), doc));
            built.push((source, shop));
        }
        let state = AppState { boot: Arc::new(boot), ..AppState::default() };
        for (source, shop) in built {
            state.serve_boot_shop(&source, shop)?;
        }
        Ok(state)
    }

    /// A server with the embedded demo shop as its file says: manual clock at
    /// 2026-11-28T09:00:00+0900 (what `rms-mock serve --shop fixtures/shops/demo.toml`
    /// serves; the binary's no-argument demo is the live one).
    pub fn demo() -> Self {
        let doc: ShopDocument = setup::parse_toml(setup::DEMO_SHOP_TOML, "fixtures/shops/demo.toml")
            .expect("the embedded demo shop parses");
        Self::with_shops(vec![("fixtures/shops/demo.toml".into(), doc)]).expect("the embedded demo shop builds")
    }

    /// The same server with shops in wall mode following `wall` (by default
    /// [`WallClock::tokio`]): give a test [`WallClock::manual`] to decide how much real time
    /// passes. Call it while setting up, before serving.
    pub fn with_wall_clock(mut self, wall: WallClock) -> Self {
        self.registry = self.registry.with_wall_clock(wall);
        self
    }

    /// The same server also serving the shops of a state document (the JSON that
    /// `GET /__admin/state` and [`RmsMock::export_state`] give), exactly as they were
    /// exported; `POST /__admin/reset` re-creates them from it too. `source` names the
    /// document in errors. Err when the document is refused (another format, a newer
    /// version, a shop that does not hold together) or names a shop this server already has
    /// (its id or its service secret): a conflict is never resolved silently.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use rms_mock::{AppState, RmsMock};
    /// // A shop's state as a team commits it (e.g. fixtures/state/demo.json), here exported
    /// // from the demo shop.
    /// let fixture = RmsMock::start_with(AppState::demo()).await?.export_state().await?;
    /// let mock = RmsMock::start_with(AppState::default().with_state("demo.json", fixture.as_bytes())?).await?;
    /// assert_eq!(mock.export_state().await?, fixture, "the same state, byte for byte");
    /// # Ok(())
    /// # }
    /// ```
    pub fn with_state(mut self, source: &str, json: &[u8]) -> Result<Self, String> {
        let states = state::from_json(json).map_err(|e| format!("{source}: {e}"))?;
        self.serve_state_shops(source, states.clone())?;
        Arc::make_mut(&mut self.boot_states).push((source.to_string(), states));
        Ok(self)
    }

    fn serve_state_shops(&self, source: &str, states: Vec<domain::state::ShopState>) -> Result<(), String> {
        for shop in state::build(states).map_err(|e| format!("{source}: {e}"))? {
            let id = shop.profile().shop_id.clone();
            if self.registry.get(&id).is_some() {
                return Err(format!(
                    "{source}: shop {id} is served already (by a shop file or another state document)"
                ));
            }
            self.serve_boot_shop(source, shop)?;
        }
        Ok(())
    }

    /// The same server with a control plane that requires `Authorization: Bearer <token>` on
    /// every `/__admin` request (what `--admin-token` does). [`RmsMock::start_with`] sends it
    /// from its [`ControlClient`] and every [`MockShop`]; other clients must send it themselves.
    ///
    /// # Panics
    ///
    /// When the token is empty or has characters other than visible ASCII (it travels in a
    /// header): a test's own mistake, caught where it is made.
    pub fn with_admin_token(mut self, token: &str) -> Self {
        if let Some(problem) = admin::guard::token_problem(token) {
            panic!("{problem}");
        }
        self.admin_access = self.admin_access.with_token(token);
        self
    }

    /// The same server with a control plane that also answers requests whose `Host` (any
    /// port) or `Origin` names `host`, besides loopback names (what `--admin-host` does): for
    /// a fake reached by another name, such as a container's service name in CI.
    pub fn with_admin_host(mut self, host: &str) -> Self {
        self.admin_access = self.admin_access.with_host(host);
        self
    }

    /// Drops every shop, empties the server's journal and re-creates the boot shops. A boot shop in wall mode follows the
    /// wall clock from the server's start, so after a reset it stands where it would had
    /// nobody touched it (its clock never runs backwards against real time).
    pub fn reset(&self) -> Result<(), String> {
        self.registry.clear();
        self.server_journal.with(|j| j.clear());
        for (source, doc) in self.boot.iter() {
            self.serve_boot_shop(source, doc.build(source).map_err(|e| e.to_string())?)?;
        }
        for (source, states) in self.boot_states.iter() {
            self.serve_state_shops(source, states.clone())?;
        }
        Ok(())
    }

    /// The same server keeping its shops in the state directory `dir` (what `--state-dir`
    /// does; README, "Durability"): every acknowledged change is fsynced there before its
    /// answer goes out, and a server started on the same directory later resumes exactly where
    /// this one stood. A `dir` that holds shops serves those (restored) instead of the shops
    /// given so far, which then only seed [`AppState::reset`]; a new or empty `dir` starts
    /// with the shops given so far. Err names the file when the directory is damaged, of a
    /// newer version, or not a state directory; nothing is reset silently.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use rms_mock::{AppState, OrderDoc, RmsMock};
    /// let dir = std::env::temp_dir().join(format!("rms-mock-doc-{}", std::process::id()));
    /// let mock = RmsMock::start_with(AppState::demo().with_state_dir(&dir)?).await?;
    /// let shop = mock.control().existing_shop("123456").await?;
    /// let placed = shop.place_order(&OrderDoc::new().line("tshirt-basic", "m-black", 1)).await?;
    /// drop(mock);
    /// // Later (another process, after a crash): the order is there.
    /// let again = RmsMock::start_with(AppState::demo().with_state_dir(&dir)?).await?;
    /// let history = again.control().existing_shop("123456").await?.history(&placed.order_number).await?;
    /// assert_eq!(history.order_number, placed.order_number);
    /// # drop(again);
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn with_state_dir(self, dir: impl AsRef<std::path::Path>) -> Result<Self, String> {
        let opened = durable::StateDir::open(dir.as_ref()).map_err(|e| e.to_string())?;
        self.keep_in(opened)
    }

    /// Keeps the shops in a state directory from now on (`--state-dir`): a directory that
    /// holds shops replaces the ones served so far with its own (restored where they stood);
    /// an empty one gets the shops served so far. Returns once they are on disk.
    pub(crate) fn keep_in(mut self, opened: durable::Opened) -> Result<Self, String> {
        let durable::Opened { dir, shops } = opened;
        if !shops.is_empty() {
            self.registry.clear();
        }
        self.registry = self.registry.with_state_dir(dir.clone());
        for recovered in shops {
            let (shop, log) = recovered.into_parts();
            self.registry.insert_recovered(shop, log).map_err(|e| format!("{}: {e:?}", dir.root().display()))?;
        }
        dir.settle_blocking()?;
        Ok(self)
    }

    /// Serves a boot shop: in wall mode it follows the wall clock from the server's start.
    fn serve_boot_shop(&self, source: &str, mut shop: domain::shop::Shop) -> Result<(), String> {
        shop.set_clock(shop.clock_mode(), shop.clock_speed(), std::time::Duration::ZERO);
        self.registry.insert(shop).map_err(|e| match e {
            registry::RegistryError::DuplicateShopId(id) => format!("{source}: shop {id} is served already"),
            registry::RegistryError::DuplicateServiceSecret(id) => {
                format!("{source}: shop {id}: another shop already uses its service_secret")
            }
        })?;
        Ok(())
    }
}

/// Every route of the fake, for serving it on a listener of your own with `axum::serve`
/// (without [`serve`]'s connection timeouts, clean closes and shutdown deadline).
pub fn router(state: AppState) -> Router {
    Router::new().fallback_service(service::Fake::new(state))
}

/// Every route but the RMS families', which [`service::Fake`] serves in front of them. These
/// go through the logs' middleware, which notes each request for its line.
fn other_routes(state: AppState) -> Router {
    let others = Router::new()
        .merge(admin::routes())
        .route("/", axum::routing::get(index::root))
        .route("/__admin", axum::routing::get(index::admin))
        .route("/__admin/", axum::routing::get(index::admin))
        .fallback(fallback)
        .method_not_allowed_fallback(method_not_allowed)
        // Before any handler or fallback of the control plane: its owner only (README,
        // "Security model"). A layer of this router alone, so RMS requests never meet it.
        .layer(axum::middleware::from_fn_with_state(state.clone(), admin::guard::guard));
    logs::note_requests(others).with_state(state)
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

/// Serves until `shutdown` completes; in-flight requests finish first, for at most the
/// default [`ConnectionLimits::shutdown_timeout`]. Shops in wall mode follow the wall clock
/// meanwhile (a background task, stopped with the server).
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with_limits(listener, state, shutdown, ConnectionLimits::default()).await
}

/// [`serve`] with these connection timeouts and shutdown deadline.
pub async fn serve_with_limits(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
    limits: ConnectionLimits,
) -> std::io::Result<()> {
    let _follower = AbortOnDrop(tokio::spawn(follow_wall_clock(state.registry.clone())));
    // The fake's own service, not a `Router` around it: a router's fallback is a catch-all
    // route, whose matched tail is stored in every request's extensions.
    conn::serve(listener, service::Fake::new(state), limits, shutdown).await
}

/// How often shops in wall mode follow the wall clock by themselves. Requests bring a shop up
/// to date anyway; ticks make due transitions fire while nobody asks.
const WALL_TICK: std::time::Duration = std::time::Duration::from_millis(100);

/// The most due events one shop fires per tick, so a shop far behind (a high speed, a long
/// stall) catches up over several ticks without holding its lock for long.
const WALL_EVENTS_PER_TICK: usize = 256;

/// The background follower of one server: each tick, every shop in wall mode follows the
/// wall clock, with bounded work (see [`registry::Registry::follow_wall_clock`]).
async fn follow_wall_clock(registry: Registry) {
    let mut ticks = tokio::time::interval(WALL_TICK);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        for (shop_id, fired) in registry.follow_wall_clock(WALL_EVENTS_PER_TICK) {
            logs::log_transitions(&shop_id, &fired);
        }
    }
}

/// Stops a spawned task when the future that owns it ends or is dropped.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The number of cases a proptest property runs: `PROPTEST_CASES` when set (long runs,
/// README "Tests"), else the property's own small default for CI.
#[cfg(test)]
pub(crate) fn proptest_cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.trim().parse().ok()).unwrap_or(default)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::order::OrderProgress;
    use std::time::Duration;

    /// The follower alone (no request catches the shop up): under `tokio::time::pause`, a card
    /// order confirmed at speed 600 reaches 300 when 3 s of wall time have passed (30 virtual
    /// minutes, `processing_delay_minutes`), not before.
    #[tokio::test(start_paused = true)]
    async fn the_follower_fires_due_transitions_by_itself_as_wall_time_passes() {
        let registry = Registry::default();
        let doc = ShopDocument::new("123456")
            .item(ItemDoc::new("tshirt", "Tシャツ").variant("m", 1980, 10))
            .order(OrderDoc::new().line("tshirt", "m", 1))
            .clock(ClockMode::Wall, 600.0);
        let shop = registry.insert(doc.build("test").unwrap()).unwrap();
        let number = shop.with(|s| {
            let n = s.orders().iter().next().unwrap().number.to_string();
            assert_eq!(s.confirm_orders(std::slice::from_ref(&n)), vec![Ok(())]);
            n
        });
        let _follower = AbortOnDrop(tokio::spawn(follow_wall_clock(registry.clone())));
        let progress = || shop.with(|s| s.order(&number).unwrap().progress);
        let settle = || async {
            for _ in 0..10 {
                tokio::task::yield_now().await;
            }
        };

        tokio::time::advance(Duration::from_millis(2_900)).await;
        settle().await;
        assert_eq!(progress(), OrderProgress::RakutenProcessing);
        assert_eq!(shop.with(|s| s.now().to_rms()), "2026-11-28T09:29:00+0900", "followed without any request");
        tokio::time::advance(Duration::from_millis(100)).await;
        settle().await;
        assert_eq!(progress(), OrderProgress::WaitingForShipment);
        let history = shop.with(|s| s.order(&number).unwrap().history.last().cloned().unwrap());
        assert_eq!(history.at.to_rms(), "2026-11-28T09:30:00+0900", "at its due time, not the tick's");
    }

    /// A shop far behind (a day per second, many orders) catches up over several ticks, at most
    /// `WALL_EVENTS_PER_TICK` events a tick.
    #[tokio::test(start_paused = true)]
    async fn each_tick_fires_a_bounded_number_of_events_per_shop() {
        let registry = Registry::default();
        let mut doc = ShopDocument::new("123456")
            .item(ItemDoc::new("tshirt", "Tシャツ").variant("m", 1980, 9999))
            .settings(|s| s.auto_confirm = true)
            .clock(ClockMode::Wall, 86_400.0);
        doc.settings.auto_confirm_delay_minutes = 10;
        let shop = registry.insert(doc.build("test").unwrap()).unwrap();
        shop.with(|s| {
            for _ in 0..600 {
                s.place_order(
                    &[crate::domain::shop::OrderLine {
                        manage_number: "tshirt".into(),
                        variant_id: "m".into(),
                        units: 1,
                    }],
                    1,
                    None,
                )
                .unwrap();
            }
        });
        tokio::time::advance(Duration::from_secs(1)).await;
        let fired = registry.follow_wall_clock(WALL_EVENTS_PER_TICK);
        assert_eq!(fired[0].1.len(), WALL_EVENTS_PER_TICK);
        let fired = registry.follow_wall_clock(WALL_EVENTS_PER_TICK);
        assert_eq!(fired[0].1.len(), WALL_EVENTS_PER_TICK);
        // A lookup (what every request does) fires the rest at once.
        let shop = registry.get("123456").unwrap();
        assert_eq!(shop.with(|s| s.now().to_rms()), "2026-11-29T09:00:00+0900");
        assert!(shop.with(|s| s.orders().iter().all(|o| o.progress == OrderProgress::WaitingForShipment)));
    }
}
