//! The fake embedded in a Rust test: [`RmsMock`] is one server on its own free port, and
//! [`MockShop`] one shop on it, driven through the typed control plane ([`crate::control`]).
//!
//! In the style of wiremock's `MockServer`: every test starts its own server, so parallel
//! tests never see each other and no recycled port delivers an earlier test's stray
//! requests; dropping the server stops it. Everything talks HTTP to the server, exactly as a
//! test's own client does, so the handle tests the same code paths that users reach.

mod client;
mod shop;

pub use client::ControlClient;
pub use shop::MockShop;

use crate::setup::ShopDocument;
use crate::AppState;
use std::net::SocketAddr;
use tokio::sync::oneshot;

/// Everything that can go wrong driving the fake from Rust.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The server could not bind its port.
    #[error("cannot start the fake: {0}")]
    Start(#[from] std::io::Error),
    /// The server could not be reached or its answer not read.
    #[error("cannot reach the fake: {0}")]
    Http(#[from] reqwest::Error),
    /// The control plane refused the request (a bad document, an unknown order, …).
    #[error("{status} {message}")]
    Control {
        /// The HTTP status.
        status: u16,
        /// The control-plane error code (`invalid_request`, `not_found`, `conflict`, …).
        code: String,
        /// What was wrong, naming the key of a bad body.
        message: String,
    },
    /// A 2xx answer that is not the JSON this version expects (a server of another version).
    #[error("unexpected control-plane answer: {0}")]
    Unexpected(String),
}

/// A fake RMS on 127.0.0.1 and its own free port, served by a task of the current Tokio
/// runtime until dropped.
///
/// The example of the README, as a doc test:
///
/// ```
/// use rms_mock::{ItemDoc, OrderDoc, RmsMock, ShopDocument};
/// use serde_json::{json, Value};
///
/// # #[tokio::main]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let mock = RmsMock::start().await;
/// let shop = mock.shop(ShopDocument::new("123456").item(ItemDoc::new("tshirt", "Tシャツ").variant("m", 1980, 10))).await?;
/// let n = shop.place_order(&OrderDoc::new().line("tshirt", "m", 1)).await?.order_number; // a card order
/// let rms = |op: &str, body: Value| reqwest::Client::new().post(format!("{}/es/2.0/order/{op}/", mock.uri()))
///     .header("Authorization", shop.authorization()).json(&body).send();
/// let search = |progress: u16| json!({"dateType": 1, "orderProgressList": [progress],
///     "startDatetime": "2026-11-28T00:00:00+0900", "endDatetime": "2026-11-28T23:59:59+0900"});
/// assert_eq!(rms("searchOrder", search(100)).await?.json::<Value>().await?["orderNumberList"], json!([n]));
/// rms("confirmOrder", json!({"orderNumberList": [n]})).await?;
/// shop.advance_minutes(30).await?; // Rakuten's processing: 200 → 300 after processing_delay_minutes
/// assert_eq!(rms("searchOrder", search(300)).await?.json::<Value>().await?["orderNumberList"], json!([n]));
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct RmsMock {
    address: SocketAddr,
    control: ControlClient,
    shutdown: Option<oneshot::Sender<()>>,
}

impl RmsMock {
    /// Starts an empty fake (no shops). Panics when no port can be bound, as a test cannot go
    /// on without its server; use [`RmsMock::start_with`] to handle that error.
    pub async fn start() -> RmsMock {
        match Self::start_with(AppState::default()).await {
            Ok(mock) => mock,
            Err(e) => panic!("{e}"),
        }
    }

    /// Starts a fake serving `state` (e.g. [`AppState::demo`] or [`AppState::with_shops`]).
    /// With [`AppState::with_admin_token`], its [`ControlClient`] (and every [`MockShop`]
    /// from it) sends the token.
    pub async fn start_with(state: AppState) -> Result<RmsMock, Error> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?;
        let mut control = ControlClient::new(&format!("http://{address}"));
        if let Some(token) = state.admin_access.token() {
            control = control.with_admin_token(token);
        }
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(crate::serve(listener, state, async {
            // Dropping the sender (the RmsMock) ends the wait too.
            let _ = rx.await;
        }));
        Ok(RmsMock { address, control, shutdown: Some(tx) })
    }

    /// The base URL, e.g. `http://127.0.0.1:41234`: put it where the client under test
    /// expects `https://api.rms.rakuten.co.jp`.
    pub fn uri(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The socket address the server listens on.
    pub fn address(&self) -> &SocketAddr {
        &self.address
    }

    /// The control plane of this server, for what [`MockShop`] does not cover (listing,
    /// deleting and resetting shops, creating one from TOML).
    pub fn control(&self) -> &ControlClient {
        &self.control
    }

    /// The state document of every shop of this server (`GET /__admin/state`), as JSON text:
    /// the complete state, versioned, in a stable key order, so the same state is the same
    /// bytes. Hand it to [`RmsMock::import_state`], [`AppState::with_state`] or
    /// `rms-mock serve --state FILE` to resume exactly there.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use rms_mock::{AppState, RmsMock};
    /// let original = RmsMock::start_with(AppState::demo()).await?;
    /// let shop = original.control().existing_shop("123456").await?;
    /// shop.advance_minutes(90).await?;
    /// let state = original.export_state().await?;
    ///
    /// let copy = RmsMock::start().await;
    /// let imported = copy.import_state(&state).await?;
    /// assert_eq!((imported.imported[0].shop_id.as_str(), imported.imported[0].replaced), ("123456", false));
    /// assert_eq!(copy.export_state().await?, state);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn export_state(&self) -> Result<String, Error> {
        self.control.export_state(None).await
    }

    /// Imports a state document (`PUT /__admin/state`): each of its shops replaces the shop
    /// of its id on this server, or is created; other shops keep serving. See
    /// [`RmsMock::export_state`].
    pub async fn import_state(&self, document: &str) -> Result<crate::control::StateImported, Error> {
        self.control.import_state(document).await
    }

    /// Creates a shop from `doc` through the control plane and returns its handle.
    pub async fn shop(&self, doc: ShopDocument) -> Result<MockShop, Error> {
        self.control.create_shop(&doc).await
    }
}

impl Drop for RmsMock {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
