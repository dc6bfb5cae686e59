//! First contact: what `GET /` and `GET /__admin` answer, so a developer who opens the fake's
//! address in a browser or with curl learns what is served and where the control plane is,
//! instead of meeting a 404. Neither path exists on real RMS, so no RMS client is affected.

use crate::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

/// `GET /`.
#[derive(Serialize)]
struct Index {
    name: &'static str,
    version: &'static str,
    what: &'static str,
    rms_apis: Vec<Endpoint>,
    auth: &'static str,
    control_plane: &'static str,
    console: &'static str,
    shops: Vec<String>,
}

/// One line of an index: how to call it and what it does.
#[derive(Serialize)]
struct Endpoint {
    call: &'static str,
    what: &'static str,
}

const RMS_APIS: &[(&str, &str)] = &[
    (
        "POST /es/2.0/order/<operation>/",
        "RakutenPay Order API: the 18 operations (searchOrder, getOrder, confirmOrder, …)",
    ),
    ("/es/2.0/items/…", "Item API 2.0: manage-numbers/{m}, search, bulk-get, inventory-related-settings"),
    ("/es/2.0/inventories/… and /es/2.1/inventories/…", "Inventory API 2.0 / 2.1"),
];

/// The control plane's endpoints (`/__admin/…`, not part of RMS). Kept beside the routes'
/// handlers by hand; a test checks that every GET listed here answers.
pub(crate) const CONTROL_PLANE: &[(&str, &str)] = &[
    ("GET /__admin/health", "liveness"),
    ("POST /__admin/reset", "drop every shop and re-create the shops the server started with"),
    ("GET /__admin/shops", "every shop with its credentials and ready Authorization header"),
    ("POST /__admin/shops", "create a shop from a shop document (TOML or JSON)"),
    ("GET|DELETE /__admin/shops/{id}", "one shop"),
    ("GET|PATCH /__admin/shops/{id}/settings", "the shop's settings; PATCH is a JSON merge patch"),
    ("POST /__admin/shops/{id}/license", "issue a new licence key"),
    ("GET|POST /__admin/shops/{id}/orders", "list orders; place one as a buyer"),
    ("POST /__admin/shops/{id}/orders/bulk", "place up to 10,000 orders at once, in time order"),
    ("GET /__admin/shops/{id}/orders/{number}", "one order"),
    ("POST /__admin/shops/{id}/orders/{number}/payment", "the buyer pays (prepaid) or fixes a failed card review"),
    ("POST /__admin/shops/{id}/orders/{number}/cancel", "the buyer cancels"),
    ("POST /__admin/shops/{id}/orders/{number}/review", "Rakuten's card review says NG"),
    ("GET /__admin/shops/{id}/orders/{number}/history", "every status change with its time and cause"),
    (
        "GET /__admin/shops/{id}/orders/{number}/model",
        "the order's OrderModel as getOrder writes it (?version=3..10), without an RMS request",
    ),
    ("GET /__admin/shops/{id}/catalog", "items, stock and orphan stock"),
    ("POST /__admin/shops/{id}/catalog/generate", "add generated items with stock"),
    ("GET /__admin/shops/{id}/clock", "the shop's virtual now"),
    (
        "POST /__admin/shops/{id}/clock/advance",
        "move the shop's clock; answers what fired (?transitions=all: every one)",
    ),
    (
        "GET|DELETE /__admin/shops/{id}/journal",
        "the RMS requests the shop answered, with bodies; ?function=&status=&order_number=&since=&limit=&wait=",
    ),
    ("GET|DELETE /__admin/journal", "RMS requests whose credentials named no shop (same filters)"),
    ("GET|PATCH /__admin/shops/{id}/simulate", "simulated buyers: their plan and counts; PATCH switches them on/off"),
];

fn endpoints(table: &'static [(&'static str, &'static str)]) -> Vec<Endpoint> {
    table.iter().map(|&(call, what)| Endpoint { call, what }).collect()
}

/// `GET /`: what this server is and serves; a browser (that asks for HTML) gets a small page
/// with the same links instead.
pub(crate) async fn root(State(app): State<AppState>, headers: HeaderMap) -> Response {
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|a| a.to_str().ok())
        .is_some_and(|a| a.split(',').any(|t| t.trim().starts_with("text/html")));
    if wants_html {
        return (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::CONTENT_SECURITY_POLICY, "default-src 'none'; style-src 'unsafe-inline'"),
            ],
            ROOT_PAGE,
        )
            .into_response();
    }
    Json(Index {
        name: "rms-mock",
        version: env!("CARGO_PKG_VERSION"),
        what: "A fake of Rakuten RMS WEB SERVICE: use this address instead of https://api.rms.rakuten.co.jp.",
        rms_apis: endpoints(RMS_APIS),
        auth: "Authorization: ESA base64(serviceSecret:licenseKey); GET /__admin/shops lists each shop's header",
        control_plane: "/__admin",
        console: CONSOLE,
        shops: app.registry.all().into_iter().map(|(id, _)| id).collect(),
    })
    .into_response()
}

/// Where the console is.
const CONSOLE: &str = "/__admin/ui";

/// `GET /` for a browser: static (no data, so nothing to escape).
const ROOT_PAGE: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>rms-mock</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:40em;margin:3em auto;padding:0 1em}code{background:#f3f3f3;padding:0 .2em}</style>
</head><body>
<h1>rms-mock</h1>
<p>A fake of Rakuten RMS WEB SERVICE: point an RMS client at this address instead of
<code>https://api.rms.rakuten.co.jp</code>.</p>
<ul>
<li><a href="/__admin/ui">Console</a>: shops, settings, the clock, orders and their timelines, the journal, the catalog
(with <code>--admin-token</code>: open <code>/__admin/ui?token=&lt;token&gt;</code> once).</li>
<li><a href="/__admin">Control plane endpoints</a> (JSON) and the README's sections "The control plane",
"Console" and "Security model".</li>
</ul>
</body></html>
"#;

/// `GET /__admin`: the control plane's endpoints.
pub(crate) async fn admin() -> Json<impl Serialize> {
    #[derive(Serialize)]
    struct AdminIndex {
        control_plane: Vec<Endpoint>,
        console: &'static str,
    }
    Json(AdminIndex { control_plane: endpoints(CONTROL_PLANE), console: CONSOLE })
}
