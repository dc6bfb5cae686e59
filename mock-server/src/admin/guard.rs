//! Who may drive the control plane: the checks every `/__admin` request passes before its
//! handler runs (README, "Security model").
//!
//! The control plane resets shops, hands out every shop's credentials and moves clocks, so
//! it must answer its owner only, not any web page the owner's browser happens to show:
//!
//! 1. `Host` names this machine (a loopback name or address) or a name the server was told
//!    to accept (`--admin-host`). A page that rebinds its own DNS name to 127.0.0.1 (DNS
//!    rebinding) still sends its own name as `Host`, and is refused (403 `host_not_allowed`).
//! 2. An `Origin` (which browsers send on every cross-origin request and every POST) must be
//!    such a host as well; `Origin: null` (sandboxed frames, `file://` pages) is refused too
//!    (403 `origin_not_allowed`).
//! 3. With `--admin-token`, `Authorization: Bearer <token>` (compared in constant time;
//!    401 `unauthorized` with `WWW-Authenticate: Bearer`), or the console's cookie. A browser
//!    sends no Bearer header when it opens a page, so `GET /__admin/ui?token=<token>` (checked
//!    the same way) answers 303 to `/__admin/ui` with the cookie `rms_mock_admin_<port>`
//!    (`HttpOnly; SameSite=Strict; Path=/__admin`), which later requests may carry instead of
//!    the header. Strict: no request another site starts carries it; checks 2 and 4 still
//!    judge every mutation the console's page sends, so cross-site requests stay refused.
//!    The port is in the name because cookies ignore ports: two servers on one host keep
//!    their own.
//! 4. A mutation (POST, PUT, PATCH, DELETE) with a `Content-Type` must say JSON
//!    (`application/json`, `application/…+json`, any parameters), or TOML
//!    (`application/toml`) where a route reads TOML (creating a shop); anything else is 415
//!    `unsupported_media_type`. The types a browser sends cross-site without asking first
//!    (`text/plain`, forms, multipart) are all refused. A request without `Content-Type` (the
//!    control plane's bodiless POSTs, tools that send none) is read as JSON, as before: a
//!    browser sends one without a `Content-Type` only with an `Origin`, which check 2 judges.
//!
//! 403 rather than 421 (Misdirected Request) for a foreign `Host`: 421 tells a client to retry
//! over another connection, which would meet the same refusal; the host is refused by policy,
//! as other development servers refuse it (webpack's "Invalid Host header" is a 403 too).
//!
//! Only the control plane is guarded: RMS clients point real host names at the fake, and the
//! RMS families are served before the router this guard is a layer of.

use super::AdminError;
use crate::AppState;
use axum::extract::{Request, State};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::{Method, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use std::net::IpAddr;
use std::sync::Arc;

/// Who may drive the control plane: the token it requires (if any) and the host names it
/// accepts besides loopback ones. Cheap to clone.
#[derive(Clone, Default)]
pub(crate) struct AdminAccess {
    token: Option<Arc<str>>,
    /// The console cookie's value: the token in base64url (a token may hold `;` or `,`,
    /// which a cookie value may not).
    cookie: Option<Arc<str>>,
    /// Host names as [`host_name`] reads them (lowercase, no port, no trailing dot).
    hosts: Arc<Vec<String>>,
}

impl AdminAccess {
    /// Requires `Authorization: Bearer <token>` on every control-plane request. The token
    /// must pass [`token_problem`].
    pub(crate) fn with_token(mut self, token: &str) -> Self {
        self.token = Some(token.into());
        self.cookie = Some(URL_SAFE_NO_PAD.encode(token).into());
        self
    }

    /// Accepts `name` as the `Host` (any port) and in an `Origin`, beside loopback names.
    pub(crate) fn with_host(mut self, name: &str) -> Self {
        if let Some(host) = host_name(name) {
            Arc::make_mut(&mut self.hosts).push(host);
        }
        self
    }

    /// The token every control-plane request must carry, if any.
    pub(crate) fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    /// The checks of the module documentation, in that order: [`Pass::Login`] when the
    /// request is the console's `?token=` sign-in.
    fn check(&self, method: &Method, uri: &Uri, headers: &HeaderMap) -> Result<Pass, Refusal> {
        // A request may name its host twice (an absolute-form target beside `Host`): both count.
        // One that names none is let through: every browser sends `Host`.
        let named = headers.get(header::HOST).map(|h| h.to_str().unwrap_or(""));
        for host in named.into_iter().chain(uri.authority().map(|a| a.as_str())) {
            if !host_name(host).is_some_and(|h| self.allows(&h)) {
                return Err(Refusal::Host(host.to_string()));
            }
        }
        if let Some(origin) = headers.get(header::ORIGIN) {
            let origin = origin.to_str().unwrap_or("");
            if !origin_host(origin).is_some_and(|h| self.allows(&h)) {
                return Err(Refusal::Origin(origin.to_string()));
            }
        }
        let mut pass = Pass::Through;
        if let (Some(token), Some(cookie)) = (&self.token, &self.cookie) {
            let same =
                |given: &str, expected: &str| crate::auth::constant_time_eq(given.as_bytes(), expected.as_bytes());
            let sign_in = (*method == Method::GET && uri.path() == CONSOLE_PATH).then(|| query_token(uri)).flatten();
            if let Some(given) = bearer(headers) {
                if !same(given, token) {
                    return Err(Refusal::TokenWrong);
                }
            } else if let Some(given) = sign_in {
                if !same(&given, token) {
                    return Err(Refusal::TokenWrong);
                }
                pass = Pass::Login;
            } else {
                match console_cookie(headers) {
                    None => return Err(Refusal::TokenMissing),
                    Some(given) if !same(given, cookie) => return Err(Refusal::TokenWrong),
                    Some(_) => {}
                }
            }
        }
        let mutation = matches!(*method, Method::POST | Method::PUT | Method::PATCH | Method::DELETE);
        if let Some(content_type) = headers.get(header::CONTENT_TYPE).filter(|_| mutation) {
            let media = media_type(content_type);
            let toml_read_here = *method == Method::POST && uri.path() == "/__admin/shops";
            let json = media
                .as_deref()
                .is_some_and(|m| m == "application/json" || (m.starts_with("application/") && m.ends_with("+json")));
            let toml = toml_read_here && media.as_deref() == Some("application/toml");
            if !(json || toml) {
                let shown = content_type.to_str().unwrap_or("(not ASCII)").to_string();
                return Err(Refusal::MediaType { given: shown, toml: toml_read_here });
            }
        }
        Ok(pass)
    }

    fn allows(&self, host: &str) -> bool {
        is_loopback(host) || self.hosts.iter().any(|h| h == host)
    }
}

/// Why a token cannot be used, if it cannot: it must be non-empty visible ASCII (it travels
/// in a header, after `Bearer `).
pub(crate) fn token_problem(token: &str) -> Option<String> {
    if token.is_empty() {
        return Some("the admin token is empty".into());
    }
    if !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Some("the admin token must be visible ASCII characters without spaces".into());
    }
    None
}

/// Why a name cannot be accepted as a host (`--admin-host`), if it cannot.
pub(crate) fn host_problem(name: &str) -> Option<String> {
    match host_name(name) {
        Some(_) => None,
        None => Some(format!("'{name}' is not a host name or address (a port may follow: name:8080)")),
    }
}

/// The guard as a layer of the router: control-plane paths pass [`AdminAccess::check`].
pub(crate) async fn guard(State(app): State<AppState>, request: Request, next: Next) -> Response {
    // The same prefix the router's fallback treats as the control plane's.
    if !request.uri().path().starts_with("/__admin") {
        return next.run(request).await;
    }
    match app.admin_access.check(request.method(), request.uri(), request.headers()) {
        Ok(Pass::Through) => next.run(request).await,
        Ok(Pass::Login) => app.admin_access.sign_in(request.headers()),
        Err(refusal) => refusal.into_response(),
    }
}

/// The console's page: `GET` of it with `?token=` signs a browser in.
pub(crate) const CONSOLE_PATH: &str = "/__admin/ui";

/// What the checks let through.
#[derive(Debug, PartialEq, Eq)]
enum Pass {
    /// To the handler.
    Through,
    /// The console's sign-in, answered by the guard: [`AdminAccess::sign_in`].
    Login,
}

impl AdminAccess {
    /// The answer to a right `GET /__admin/ui?token=`: 303 to the page without the token in
    /// its address (history, screenshots, `Referer`), and the cookie that stands for it.
    fn sign_in(&self, headers: &HeaderMap) -> Response {
        let value = self.cookie.as_deref().unwrap_or_default();
        let cookie = format!("{}={value}; HttpOnly; SameSite=Strict; Path=/__admin", cookie_name(headers));
        let mut response = StatusCode::SEE_OTHER.into_response();
        let h = response.headers_mut();
        h.insert(header::LOCATION, HeaderValue::from_static(CONSOLE_PATH));
        if let Ok(cookie) = HeaderValue::from_str(&cookie) {
            h.insert(header::SET_COOKIE, cookie);
        }
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
        response
    }
}

/// `rms_mock_admin_<port of Host>` (80 when `Host` names none): cookies are shared by every
/// port of a host, so each server keeps its own.
fn cookie_name(headers: &HeaderMap) -> String {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    let port = match host.rsplit_once(':') {
        Some((before, port)) if is_port(port) && (!before.contains(':') || before.ends_with(']')) => port,
        _ => "80",
    };
    format!("rms_mock_admin_{port}")
}

/// The value of this server's console cookie in `Cookie`, if sent.
fn console_cookie(headers: &HeaderMap) -> Option<&str> {
    let name = cookie_name(headers);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value.trim())
}

/// `token` of the query string (percent-decoded), if given.
fn query_token(uri: &Uri) -> Option<String> {
    let axum::extract::Query(mut q) =
        axum::extract::Query::<std::collections::HashMap<String, String>>::try_from_uri(uri).ok()?;
    q.remove("token")
}

/// A request the guard turned away.
#[derive(Debug, PartialEq, Eq)]
enum Refusal {
    Host(String),
    Origin(String),
    TokenMissing,
    TokenWrong,
    MediaType { given: String, toml: bool },
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let hosts = "a loopback name (localhost, *.localhost, 127.0.0.1, [::1]) or one the server accepts \
                     (--admin-host NAME, env RMS_MOCK_ADMIN_HOSTS)";
        let (error, challenge) = match self {
            Refusal::Host(host) => (
                AdminError::new(
                    StatusCode::FORBIDDEN,
                    "host_not_allowed",
                    format!("Host '{host}' may not drive the control plane: it answers {hosts}"),
                ),
                None,
            ),
            Refusal::Origin(origin) => (
                AdminError::new(
                    StatusCode::FORBIDDEN,
                    "origin_not_allowed",
                    format!(
                        "a page from Origin '{origin}' may not drive the control plane: it answers pages of {hosts}"
                    ),
                ),
                None,
            ),
            Refusal::TokenMissing => (
                AdminError::new(
                    StatusCode::UNAUTHORIZED,
                    "unauthorized",
                    "this control plane requires Authorization: Bearer <token>, the server's --admin-token \
                     (env RMS_MOCK_ADMIN_TOKEN); a browser signs in once at /__admin/ui?token=<token>",
                ),
                Some(HeaderValue::from_static(r#"Bearer realm="rms-mock control plane""#)),
            ),
            Refusal::TokenWrong => (
                AdminError::new(
                    StatusCode::UNAUTHORIZED,
                    "unauthorized",
                    "the token (bearer, ?token= or the console's cookie) is not the server's --admin-token \
                     (env RMS_MOCK_ADMIN_TOKEN)",
                ),
                Some(HeaderValue::from_static(r#"Bearer realm="rms-mock control plane", error="invalid_token""#)),
            ),
            Refusal::MediaType { given, toml } => (
                AdminError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "unsupported_media_type",
                    format!(
                        "Content-Type '{given}': the control plane reads JSON (Content-Type: application/json){}",
                        if toml { "; this route also reads a TOML shop file (application/toml)" } else { "" }
                    ),
                ),
                None,
            ),
        };
        let mut response = error.into_response();
        if let Some(challenge) = challenge {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, challenge);
        }
        response
    }
}

impl Refusal {
    #[cfg(test)]
    fn status(&self) -> u16 {
        match self {
            Refusal::Host(_) | Refusal::Origin(_) => 403,
            Refusal::TokenMissing | Refusal::TokenWrong => 401,
            Refusal::MediaType { .. } => 415,
        }
    }
}

/// The host of an authority (`Host` value, an origin's `host[:port]`, a configured name):
/// `[::1]:8080` → `::1`, `LocalHost.:8080` → `localhost`. None when it is no host.
fn host_name(authority: &str) -> Option<String> {
    let authority = authority.trim();
    if authority.contains(['@', '/', '?', '#', ' ']) {
        return None;
    }
    let host = if let Some(rest) = authority.strip_prefix('[') {
        let (v6, after) = rest.split_once(']')?;
        if !(after.is_empty() || after.strip_prefix(':').is_some_and(is_port)) {
            return None;
        }
        v6
    } else if authority.parse::<std::net::Ipv6Addr>().is_ok() {
        authority
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) if is_port(port) => host,
            Some(_) => return None,
            None => authority,
        }
    };
    let host = host.strip_suffix('.').unwrap_or(host);
    ((!host.is_empty() && !host.contains(':')) || host.parse::<std::net::Ipv6Addr>().is_ok())
        .then(|| host.to_ascii_lowercase())
}

fn is_port(s: &str) -> bool {
    !s.is_empty() && s.len() <= 5 && s.bytes().all(|b| b.is_ascii_digit())
}

/// This machine by name: `localhost` and `*.localhost` (RFC 6761: always loopback, no DNS can
/// rebind them), loopback addresses, and the unspecified ones (`0.0.0.0`, `::`) that clients
/// use for this machine and the banner prints when the server listens on every interface.
/// An address cannot be rebound either; other addresses are accepted when configured.
fn is_loopback(host: &str) -> bool {
    if host == "localhost" || host.ends_with(".localhost") {
        return true;
    }
    host.parse::<IpAddr>().is_ok_and(|ip| {
        let ip = ip.to_canonical();
        ip.is_loopback() || ip.is_unspecified()
    })
}

/// The host of an `Origin` (`scheme://host[:port]`); None for `null` and schemes other than
/// http(s).
fn origin_host(origin: &str) -> Option<String> {
    let lower = origin.trim().to_ascii_lowercase();
    let authority = lower.strip_prefix("http://").or_else(|| lower.strip_prefix("https://"))?;
    host_name(authority)
}

/// The token of `Authorization: Bearer <token>` (the scheme in any case).
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// The media type of a `Content-Type` value, lowercase, without parameters.
fn media_type(value: &HeaderValue) -> Option<String> {
    let text = value.to_str().ok()?;
    let media = text.split(';').next()?.trim();
    (!media.is_empty()).then(|| media.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.append(*name, HeaderValue::from_str(value).unwrap());
        }
        h
    }

    fn status(access: &AdminAccess, method: Method, target: &str, pairs: &[(&'static str, &str)]) -> u16 {
        let uri: Uri = target.parse().unwrap();
        access.check(&method, &uri, &headers(pairs)).map_or_else(|r| r.status(), |_| 200)
    }

    #[test]
    fn hosts_are_read_without_port_case_or_trailing_dot() {
        for (authority, host) in [
            ("localhost", Some("localhost")),
            ("LocalHost.:8080", Some("localhost")),
            ("127.0.0.1:65535", Some("127.0.0.1")),
            ("[::1]:8080", Some("::1")),
            ("[::1]", Some("::1")),
            ("::1", Some("::1")),
            ("rms-mock:8080", Some("rms-mock")),
            ("evil.example:80", Some("evil.example")),
            ("", None),
            (":8080", None),
            ("localhost:x", None),
            ("localhost:8080:1", None),
            ("user@localhost", None),
            ("[::1", None),
            ("[::1]x", None),
            ("localhost/path", None),
        ] {
            assert_eq!(host_name(authority).as_deref(), host, "{authority:?}");
        }
    }

    #[test]
    fn loopback_names_and_addresses_are_this_machine_and_nothing_else_is() {
        for host in ["localhost", "app.localhost", "127.0.0.1", "127.5.6.7", "::1", "::ffff:127.0.0.1", "0.0.0.0", "::"]
        {
            assert!(is_loopback(host), "{host}");
        }
        for host in ["evil.example", "localhost.evil.example", "mylocalhost", "10.0.0.1", "192.168.1.5", "fe80::1"] {
            assert!(!is_loopback(host), "{host}");
        }
    }

    #[test]
    fn a_foreign_host_is_refused_unless_configured() {
        let open = AdminAccess::default();
        assert_eq!(status(&open, Method::GET, "/__admin/shops", &[("host", "127.0.0.1:8080")]), 200);
        assert_eq!(status(&open, Method::GET, "/__admin/shops", &[]), 200, "no Host: no browser sends that");
        assert_eq!(status(&open, Method::GET, "/__admin/shops", &[("host", "rebound.evil.example:8080")]), 403);
        assert_eq!(status(&open, Method::GET, "/__admin/shops", &[("host", "rms-mock:8080")]), 403);
        let configured = open.clone().with_host("RMS-Mock");
        assert_eq!(status(&configured, Method::GET, "/__admin/shops", &[("host", "rms-mock:8080")]), 200);
        assert_eq!(status(&configured, Method::GET, "/__admin/shops", &[("host", "evil.example")]), 403);
        let absolute = "http://evil.example/__admin/shops";
        assert_eq!(status(&open, Method::GET, absolute, &[("host", "localhost")]), 403, "the target's host counts too");
    }

    #[test]
    fn an_origin_must_be_a_loopback_or_configured_page() {
        let access = AdminAccess::default().with_host("ci.internal");
        let post = |origin: &str| {
            status(&access, Method::POST, "/__admin/reset", &[("host", "localhost:8080"), ("origin", origin)])
        };
        for origin in ["http://localhost:3000", "https://127.0.0.1", "http://[::1]:8080", "http://ci.internal:8080"] {
            assert_eq!(post(origin), 200, "{origin}");
        }
        for origin in
            ["https://evil.example", "null", "file://", "chrome-extension://abc", "http://localhost.evil.example"]
        {
            assert_eq!(post(origin), 403, "{origin}");
        }
    }

    #[test]
    fn with_a_token_every_request_needs_the_same_bearer_token() {
        let access = AdminAccess::default().with_token("s3cret-Token");
        let get = |auth: Option<&str>| {
            let mut pairs = vec![("host", "127.0.0.1")];
            pairs.extend(auth.map(|a| ("authorization", a)));
            status(&access, Method::GET, "/__admin/health", &pairs)
        };
        assert_eq!(get(None), 401);
        assert_eq!(get(Some("Bearer s3cret-token")), 401, "tokens are case-sensitive");
        assert_eq!(get(Some("Bearer s3cret-Token2")), 401);
        assert_eq!(get(Some("Basic s3cret-Token")), 401);
        assert_eq!(get(Some("Bearer s3cret-Token")), 200);
        assert_eq!(get(Some("bearer  s3cret-Token")), 200, "the scheme in any case");
    }

    #[test]
    fn the_console_signs_in_with_the_token_in_its_address_then_the_cookie_of_this_port_stands_for_it() {
        let access = AdminAccess::default().with_token("s3cret;Token");
        let check = |method: Method, target: &str, pairs: &[(&'static str, &str)]| {
            let mut all = vec![("host", "127.0.0.1:8080")];
            all.extend_from_slice(pairs);
            access.check(&method, &target.parse().unwrap(), &headers(&all))
        };
        assert_eq!(check(Method::GET, "/__admin/ui", &[]), Err(Refusal::TokenMissing));
        assert_eq!(check(Method::GET, "/__admin/ui?token=s3cret%3BToken", &[]), Ok(Pass::Login));
        assert_eq!(check(Method::GET, "/__admin/ui?token=s3cret", &[]), Err(Refusal::TokenWrong));
        assert_eq!(
            check(Method::GET, "/__admin/shops?token=s3cret%3BToken", &[]),
            Err(Refusal::TokenMissing),
            "only the console's page signs in"
        );
        assert_eq!(check(Method::POST, "/__admin/ui?token=s3cret%3BToken", &[]), Err(Refusal::TokenMissing));

        let answer = access.sign_in(&headers(&[("host", "127.0.0.1:8080")]));
        assert_eq!(answer.status(), StatusCode::SEE_OTHER);
        assert_eq!(answer.headers()[header::LOCATION], "/__admin/ui");
        let set = answer.headers()[header::SET_COOKIE].to_str().unwrap().to_string();
        assert!(set.ends_with("; HttpOnly; SameSite=Strict; Path=/__admin"), "{set}");
        assert!(!set.contains("s3cret"), "the token itself is not the cookie's text: {set}");
        let pair = set.split(';').next().unwrap().to_string();
        assert!(pair.starts_with("rms_mock_admin_8080="), "{pair}");

        let cookie = format!("theme=dark; {pair}");
        assert_eq!(check(Method::GET, "/__admin/shops", &[("cookie", &cookie)]), Ok(Pass::Through));
        assert_eq!(
            check(
                Method::PATCH,
                "/__admin/shops/1/settings",
                &[("cookie", &cookie), ("content-type", "application/json")]
            ),
            Ok(Pass::Through)
        );
        let other_port = [("host", "127.0.0.1:9090"), ("cookie", cookie.as_str())];
        assert_eq!(
            access.check(&Method::GET, &"/__admin/shops".parse().unwrap(), &headers(&other_port)),
            Err(Refusal::TokenMissing),
            "another server on this host has its own cookie"
        );
        let wrong = pair.replace('=', "=x");
        assert_eq!(check(Method::GET, "/__admin/shops", &[("cookie", &wrong)]), Err(Refusal::TokenWrong));
        // The cookie does not open the other checks: a foreign page, a form body.
        let foreign = [("cookie", cookie.as_str()), ("origin", "https://evil.example")];
        assert_eq!(check(Method::POST, "/__admin/reset", &foreign).map_err(|r| r.status()), Err(403));
        let form = [("cookie", cookie.as_str()), ("content-type", "application/x-www-form-urlencoded")];
        assert_eq!(check(Method::POST, "/__admin/reset", &form).map_err(|r| r.status()), Err(415));
        // Without a token there is nothing to sign in to.
        let open = AdminAccess::default();
        let target: Uri = "/__admin/ui?token=x".parse().unwrap();
        assert_eq!(open.check(&Method::GET, &target, &headers(&[("host", "localhost")])), Ok(Pass::Through));
    }

    #[test]
    fn the_cookie_name_carries_the_port_of_host() {
        for (host, name) in [
            ("127.0.0.1:8080", "rms_mock_admin_8080"),
            ("localhost", "rms_mock_admin_80"),
            ("[::1]:9000", "rms_mock_admin_9000"),
            ("::1", "rms_mock_admin_80"),
        ] {
            assert_eq!(cookie_name(&headers(&[("host", host)])), name, "{host}");
        }
    }

    #[test]
    fn mutations_take_json_or_toml_where_read_and_nothing_a_browser_sends_cross_site() {
        let access = AdminAccess::default();
        let send = |method: Method, path: &str, content_type: Option<&str>| {
            let mut pairs = vec![("host", "127.0.0.1")];
            pairs.extend(content_type.map(|c| ("content-type", c)));
            status(&access, method, path, &pairs)
        };
        for ct in
            ["application/json", "application/json; charset=utf-8", "Application/JSON", "application/merge-patch+json"]
        {
            assert_eq!(send(Method::PATCH, "/__admin/shops/1/settings", Some(ct)), 200, "{ct}");
        }
        assert_eq!(send(Method::POST, "/__admin/shops", Some("application/toml")), 200);
        assert_eq!(send(Method::POST, "/__admin/reset", None), 200, "no body, no type");
        assert_eq!(send(Method::DELETE, "/__admin/shops/1", None), 200);
        for ct in [
            "text/plain",
            "text/plain;charset=UTF-8",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "",
            "json",
        ] {
            assert_eq!(send(Method::POST, "/__admin/reset", Some(ct)), 415, "{ct:?}");
        }
        assert_eq!(
            send(Method::POST, "/__admin/shops/1/orders", Some("application/toml")),
            415,
            "TOML only where read"
        );
        assert_eq!(send(Method::GET, "/__admin/shops", Some("text/plain")), 200, "reads are not mutations");
    }

    #[test]
    fn tokens_must_be_visible_ascii() {
        assert_eq!(token_problem("abc-DEF_123.~+/="), None);
        for bad in ["", "has space", "tab\t", "日本"] {
            assert!(token_problem(bad).is_some(), "{bad:?}");
        }
    }
}
