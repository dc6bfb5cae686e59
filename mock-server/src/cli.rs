//! Command-line flags of the `rms-mock` binary (every flag also reads an env var).

use crate::domain::shop::ClockMode;
use crate::domain::time::JstDateTime;
use crate::setup::{self, ShopDocument};
use crate::ConnectionLimits;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::time::Duration;

/// Shown after the flags in `--help`.
const EXAMPLES: &str = "\
Examples:
  rms-mock                                   the demo shop on http://127.0.0.1:8080 (credentials printed),
                                             live: its clock starts now and follows real time
  rms-mock --clock-speed 60                  the same, a virtual hour per real minute
  rms-mock serve --port 0                    the demo shop on any free port
  rms-mock serve --shop shops/a.toml --shop shops/b.toml
                                             your own shops (see fixtures/shops/demo.toml)
  rms-mock --simulate 30                     the demo shop with buyers ordering ~30 times per virtual hour
  RMS_MOCK_PORT=9090 rms-mock                every flag also reads an env var
  rms-mock --log-format json 2>log.jsonl     one JSON line per request (RUST_LOG filters)
  rms-mock check shops/a.toml                validate shop files (exit 2 naming the key on error)
  curl -s localhost:8080/__admin/state > state.json
  rms-mock serve --state state.json          resume the exported shops exactly where they were
  rms-mock serve --state-dir state/          keep the shops in state/ (changes survive a restart or a crash)
  RMS_MOCK_ADMIN_TOKEN=s3cret rms-mock --host 0.0.0.0
                                             reachable from other machines, its control plane
                                             only with Authorization: Bearer s3cret

Then point your RMS client at the printed address instead of https://api.rms.rakuten.co.jp,
with the printed Authorization header. The control plane (not part of RMS) is under /__admin.";

/// The `rms-mock` command line.
#[derive(Parser, Debug)]
#[command(
    name = "rms-mock",
    version,
    about = "A faithful, stateful fake of Rakuten RMS WEB SERVICE.\n\nWith no arguments, serves the embedded demo shop on 127.0.0.1:8080, live (its clock follows real time).",
    after_help = EXAMPLES,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// What to do; none serves (the demo shop unless `--shop` is given).
    #[command(subcommand)]
    pub command: Option<Command>,
    /// `rms-mock --port 0` works as `rms-mock serve --port 0` does.
    #[command(flatten)]
    pub serve: ServeArgs,
}

/// The subcommands.
#[derive(Subcommand, Debug)]
// Parsed once per process: the size of `Serve` costs nothing worth a `Box` in a public type.
#[allow(clippy::large_enum_variant)]
pub enum Command {
    /// Serve shops over HTTP (the demo shop when no --shop is given).
    Serve(ServeArgs),
    /// Check shop files and exit (0 when all are valid, 2 otherwise).
    Check {
        /// Shop files (TOML).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

/// Flags of `rms-mock serve` (and of `rms-mock` with no subcommand).
#[derive(clap::Args, Debug, Clone)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "RMS_MOCK_HOST", default_value = "127.0.0.1")]
    pub host: String,
    /// Port to listen on (0 picks a free port; the printed line shows it).
    #[arg(long, env = "RMS_MOCK_PORT", default_value_t = 8080)]
    pub port: u16,
    /// A shop file (TOML); repeat for several shops. Env: comma-separated paths.
    #[arg(long = "shop", env = "RMS_MOCK_SHOPS", value_delimiter = ',')]
    pub shops: Vec<PathBuf>,
    /// A state document (JSON, as GET /__admin/state exports it) to start from: its shops
    /// resume exactly where they were exported (orders, stock, clock, ids, journal). Alone,
    /// only its shops are served (no demo shop); with --shop files, both are, and a shop id
    /// or service secret in both is an error. The clock flags and --simulate apply to shop
    /// files only.
    #[arg(long = "state", env = "RMS_MOCK_STATE", value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Log lines on stderr: `text`, or `json` (one object per line, for CI). `RUST_LOG`
    /// filters them (default `info`).
    #[arg(long, env = "RMS_MOCK_LOG_FORMAT", value_enum, default_value_t = crate::LogFormat::Text)]
    pub log_format: crate::LogFormat,
    /// How the shops' clocks move: `wall` follows real time, `manual` moves only on
    /// POST /__admin/shops/{id}/clock/advance. Default: wall for the demo shop, each shop
    /// file's own `clock` (manual unless it says) otherwise.
    #[arg(long, env = "RMS_MOCK_CLOCK", value_parser = parse_clock_mode, value_name = "wall|manual")]
    pub clock: Option<ClockMode>,
    /// Virtual seconds per real second in wall mode (1 = real time, 60 = a virtual hour per
    /// real minute). Default: each shop file's `clock_speed`, else 1.
    #[arg(long, env = "RMS_MOCK_CLOCK_SPEED", value_parser = parse_clock_speed, value_name = "SPEED")]
    pub clock_speed: Option<f64>,
    /// Where the shops' clocks start: `now` (this machine's time, in JST) or a JST datetime
    /// like 2031-05-17T10:00:00+0900; each shop's licence and existing orders move with it.
    /// Default: now for the demo shop, each shop file's `clock_start` otherwise.
    #[arg(long, env = "RMS_MOCK_CLOCK_ANCHOR", value_parser = parse_clock_anchor, value_name = "now|DATETIME")]
    pub clock_anchor: Option<ClockAnchor>,
    /// Simulated buyers in every served shop: orders per virtual hour on average (0.01 to 60;
    /// 6 when the flag has no value). A shop file's own `[simulate]` keys are kept.
    #[arg(long, env = "RMS_MOCK_SIMULATE", value_name = "ORDERS_PER_HOUR", num_args = 0..=1)]
    pub simulate: Option<Option<f64>>,
    /// How long a request's header may take to arrive, counted from its first byte (`10s`,
    /// `500ms`; at most a day). A client that stops in the middle of one is disconnected.
    #[arg(long, env = "RMS_MOCK_HEADER_TIMEOUT", value_parser = parse_timeout, default_value = "10s", value_name = "DURATION")]
    pub header_timeout: Duration,
    /// How long a connection may wait for its next request before it is closed (keep-alive
    /// connections of a client's pool, idle ones; at most a day).
    #[arg(long, env = "RMS_MOCK_IDLE_TIMEOUT", value_parser = parse_timeout, default_value = "60s", value_name = "DURATION")]
    pub idle_timeout: Duration,
    /// On Ctrl-C or SIGTERM, how long requests in progress have to finish; then the process
    /// exits anyway, dropping clients stuck in the middle of a request (0 to 1 hour).
    #[arg(long, env = "RMS_MOCK_SHUTDOWN_TIMEOUT", value_parser = parse_shutdown_timeout, default_value = "5s", value_name = "DURATION")]
    pub shutdown_timeout: Duration,
    /// Require `Authorization: Bearer TOKEN` on every control-plane request (/__admin…);
    /// needed wherever other machines or users can reach the port. A browser opens the
    /// console once at /__admin/ui?token=TOKEN (a cookie keeps it). Prefer the env var: a
    /// flag's value shows in the process list.
    #[arg(long, env = "RMS_MOCK_ADMIN_TOKEN", value_parser = parse_admin_token, value_name = "TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,
    /// A host name the control plane also answers (as `Host`, any port, and in `Origin`)
    /// besides loopback names, e.g. a container's service name; repeat for several. Env:
    /// comma-separated names.
    #[arg(long = "admin-host", env = "RMS_MOCK_ADMIN_HOSTS", value_delimiter = ',', value_parser = parse_admin_host, value_name = "NAME")]
    pub admin_hosts: Vec<String>,
    /// Keep every shop's state in DIR: each acknowledged change is on disk (fsynced) before
    /// its answer, so the server resumes where it stood after a restart or a crash. An empty
    /// or new DIR starts from the shops given (the demo shop, --shop files, --state FILE); a
    /// DIR that holds shops serves those instead (the others then only seed POST
    /// /__admin/reset). One server per DIR.
    #[arg(long, env = "RMS_MOCK_STATE_DIR", value_name = "DIR")]
    pub state_dir: Option<PathBuf>,
}

impl ServeArgs {
    /// The connection timeouts and shutdown deadline these flags give.
    pub fn connection_limits(&self) -> ConnectionLimits {
        ConnectionLimits {
            header_read_timeout: self.header_timeout,
            idle_timeout: self.idle_timeout,
            shutdown_timeout: self.shutdown_timeout,
        }
    }
}

/// `10`, `10s`, `1.5s` or `500ms`.
fn parse_duration(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    let (number, unit) = match t.strip_suffix("ms") {
        Some(n) => (n, 0.001),
        None => (t.strip_suffix('s').unwrap_or(t), 1.0),
    };
    let bad = || format!("'{s}' is not a duration: give seconds (10, 1.5s) or milliseconds (500ms)");
    let n: f64 = number.trim().parse().map_err(|_| bad())?;
    if !n.is_finite() || n < 0.0 {
        return Err(bad());
    }
    Duration::try_from_secs_f64(n * unit).map_err(|_| bad())
}

fn parse_timeout(s: &str) -> Result<Duration, String> {
    let d = parse_duration(s)?;
    if d.is_zero() || d > Duration::from_secs(86_400) {
        return Err(format!("'{s}' is out of range: give more than 0 and at most a day (86400s)"));
    }
    Ok(d)
}

fn parse_shutdown_timeout(s: &str) -> Result<Duration, String> {
    let d = parse_duration(s)?;
    if d > Duration::from_secs(3_600) {
        return Err(format!("'{s}' is out of range: give 0 to an hour (3600s)"));
    }
    Ok(d)
}

/// Where `--clock-anchor` puts the shops' clocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClockAnchor {
    /// This machine's time when the server starts, in JST.
    Now,
    /// This JST datetime (seconds since 1970-01-01T00:00:00+09:00).
    At(i64),
}

impl ClockAnchor {
    fn resolve(self) -> JstDateTime {
        match self {
            ClockAnchor::At(seconds) => JstDateTime::from_seconds(seconds),
            ClockAnchor::Now => {
                // The one read of the host's calendar time: the live demo starts at it.
                let unix = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
                    .unwrap_or(0);
                JstDateTime::from_unix_seconds(unix)
            }
        }
    }
}

fn parse_clock_mode(s: &str) -> Result<ClockMode, String> {
    match s {
        "wall" => Ok(ClockMode::Wall),
        "manual" => Ok(ClockMode::Manual),
        _ => Err(format!("'{s}' is not a clock mode: give wall or manual")),
    }
}

fn parse_clock_speed(s: &str) -> Result<f64, String> {
    let speed: f64 = s.trim().parse().map_err(|_| format!("'{s}' is not a number"))?;
    match setup::clock_speed_problem(speed) {
        Some(problem) => Err(problem),
        None => Ok(speed),
    }
}

fn parse_admin_token(s: &str) -> Result<String, String> {
    match crate::admin::guard::token_problem(s) {
        Some(problem) => Err(problem),
        None => Ok(s.to_string()),
    }
}

fn parse_admin_host(s: &str) -> Result<String, String> {
    match crate::admin::guard::host_problem(s) {
        Some(problem) => Err(problem),
        None => Ok(s.trim().to_string()),
    }
}

/// The warning printed on start when the server listens where other machines can reach it
/// and its control plane has no token; none on a loopback address or with a token.
pub(crate) fn exposure_warning(bound: std::net::SocketAddr, token: bool) -> Option<String> {
    if token || bound.ip().to_canonical().is_loopback() {
        return None;
    }
    Some(format!(
        "warning: listening on {bound}, which other machines can reach, with no token on the control plane: \
         anyone who reaches this port can read every shop's credentials (GET /__admin/shops), reset shops and \
         move their clocks. Require a token with --admin-token TOKEN (or RMS_MOCK_ADMIN_TOKEN), or listen on \
         127.0.0.1 only (--host 127.0.0.1)."
    ))
}

fn parse_clock_anchor(s: &str) -> Result<ClockAnchor, String> {
    if s.trim().eq_ignore_ascii_case("now") {
        return Ok(ClockAnchor::Now);
    }
    let t = JstDateTime::parse_flexible(s.trim())
        .map_err(|_| format!("'{s}' is not now or a JST datetime like 2031-05-17T10:00:00+0900"))?;
    match setup::after_latest_problem(t) {
        Some(problem) => Err(problem),
        None => Ok(ClockAnchor::At(t.seconds())),
    }
}

impl Default for ServeArgs {
    /// The defaults, with env vars applied.
    fn default() -> Self {
        #[derive(Parser)]
        struct Only {
            #[command(flatten)]
            args: ServeArgs,
        }
        Only::parse_from(["rms-mock"]).args
    }
}

/// Reads shop files into documents.
fn read_shop_documents(files: &[PathBuf]) -> Result<Vec<(String, ShopDocument)>, String> {
    let mut docs = Vec::new();
    for f in files {
        let source = f.display().to_string();
        let text = std::fs::read_to_string(f).map_err(|e| format!("{source}: cannot read the file: {e}"))?;
        let doc: ShopDocument = setup::parse_toml(&text, &source).map_err(|e| e.to_string())?;
        docs.push((source, doc));
    }
    Ok(docs)
}

/// Reads shop files into documents, checking that each builds.
fn load_shop_documents(files: &[PathBuf]) -> Result<Vec<(String, ShopDocument)>, String> {
    let docs = read_shop_documents(files)?;
    for (source, doc) in &docs {
        doc.check(source).map_err(|e| e.to_string())?;
    }
    Ok(docs)
}

/// The shops to serve, each document built once, with the clock and `--simulate` flags
/// applied. With no `--shop` it is the live demo: the embedded demo shop in wall mode, its
/// timeline moved to start now (its orders placed minutes before, a licence issued at start),
/// unless the flags say otherwise.
fn served_shops(args: &ServeArgs) -> Result<Vec<crate::BootShop>, (u8, String)> {
    let demo = args.shops.is_empty() && args.state.is_none();
    if args.shops.is_empty() && args.state.is_some() {
        let flags = args.clock_anchor.is_some() || args.clock.is_some() || args.clock_speed.is_some();
        if flags || args.simulate.is_some() {
            return Err((
                2,
                "--clock, --clock-speed, --clock-anchor and --simulate apply to shop files (--shop); a state \
                 document (--state) resumes its shops exactly as exported"
                    .into(),
            ));
        }
        return Ok(Vec::new());
    }
    let docs = if demo {
        let doc =
            setup::parse_toml(setup::DEMO_SHOP_TOML, "fixtures/shops/demo.toml").map_err(|e| (2, e.to_string()))?;
        vec![("the embedded demo shop".to_string(), doc)]
    } else {
        read_shop_documents(&args.shops).map_err(|e| (2, e))?
    };
    let anchor = args.clock_anchor.or(demo.then_some(ClockAnchor::Now)).map(ClockAnchor::resolve);
    let flagged = anchor.is_some() || args.clock.is_some() || args.clock_speed.is_some() || args.simulate.is_some();
    let mut shops = Vec::with_capacity(docs.len());
    for (i, (source, mut doc)) in docs.into_iter().enumerate() {
        if let Some(anchor) = anchor {
            doc.anchor_at(anchor);
            if demo {
                doc.shop.license_issued_at = Some(anchor.to_rms());
            }
        }
        if let Some(mode) = args.clock.or(demo.then_some(ClockMode::Wall)) {
            doc.shop.clock = Some(mode);
        }
        if let Some(speed) = args.clock_speed {
            doc.shop.clock_speed = Some(speed);
        }
        if let Some(rate) = args.simulate {
            // The file's own [simulate] keys stay; the flag switches buyers on (and sets the rate).
            let mut simulate = doc.simulate.take().unwrap_or_default();
            simulate.enabled = true;
            if let Some(rate) = rate {
                simulate.orders_per_hour = rate;
            }
            simulate.plan(0).map_err(|(key, problem)| (2, format!("--simulate: {key}: {problem}")))?;
            doc.simulate = Some(simulate);
        }
        let shop = doc.build(&source).map_err(|e| {
            // A problem is named in the file's own terms (its own times, not the anchored
            // ones): the file as written is read and checked again, on this path only.
            let as_written = match flagged {
                true if demo => setup::parse_toml::<ShopDocument>(setup::DEMO_SHOP_TOML, &source).ok(),
                true => read_shop_documents(&args.shops[i..=i]).ok().and_then(|mut d| d.pop()).map(|(_, d)| d),
                false => None,
            };
            (2, as_written.and_then(|d| d.check(&source).err()).unwrap_or(e).to_string())
        })?;
        shops.push((source, doc, shop));
    }
    Ok(shops)
}

/// `rms-mock check FILE...`
pub fn check_shop_files(files: &[PathBuf]) -> std::process::ExitCode {
    match load_shop_documents(files) {
        Ok(docs) => {
            for (source, doc) in docs {
                println!("{source}: ok (shop {})", doc.shop.shop_id);
            }
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::ExitCode::from(2)
        }
    }
}

/// Binds, prints where and how to connect, serves until `shutdown`.
/// Errors carry the exit code: 2 for bad input (shop files), 1 for everything else.
pub async fn run_server(
    args: ServeArgs,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), (u8, String)> {
    let mut state = crate::AppState::with_built_shops(served_shops(&args)?).map_err(|e| (2, e))?;
    if let Some(path) = &args.state {
        let source = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| (2, format!("{source}: cannot read the state document: {e}")))?;
        state = state.with_state(&source, &bytes).map_err(|e| (2, e))?;
    }
    let mut kept = None;
    if let Some(dir) = &args.state_dir {
        let opened = crate::durable::StateDir::open(dir).map_err(|e| (1, format!("--state-dir: {e}")))?;
        let restored = opened.shops.len();
        state = state.keep_in(opened).map_err(|e| (1, format!("--state-dir: {e}")))?;
        kept = Some(match restored {
            0 => format!("state dir:     {} (new: the shops above are kept there from now on)", dir.display()),
            n if args.shops.is_empty() && args.state.is_none() => {
                format!("state dir:     {} ({n} shop(s) restored)", dir.display())
            }
            n => format!(
                "state dir:     {} ({n} shop(s) restored; the --shop/--state files only seed POST /__admin/reset)",
                dir.display()
            ),
        });
    }
    if let Some(token) = &args.admin_token {
        state = state.with_admin_token(token);
    }
    for host in &args.admin_hosts {
        state = state.with_admin_host(host);
    }
    let listener = tokio::net::TcpListener::bind((args.host.as_str(), args.port))
        .await
        .map_err(|e| {
            let hint = if e.kind() == std::io::ErrorKind::AddrInUse {
                "; another process holds that port: choose another with --port <P> (or RMS_MOCK_PORT), or --port 0 for any free port"
            } else {
                ""
            };
            (1, format!("cannot listen on {}:{}: {e}{hint}", args.host, args.port))
        })?;
    let addr = listener.local_addr().map_err(|e| (1, e.to_string()))?;
    println!("listening on http://{addr}");
    for (_, shop) in state.registry.all() {
        shop.with(|s| {
            let p = &s.profile();
            println!("shop {} ({})", p.shop_id, p.name);
            println!("  serviceSecret: {}", p.service_secret);
            println!("  licenseKey:    {}", p.license_key);
            println!("  Authorization: {}", crate::auth::esa_header(&p.service_secret, &p.license_key));
            println!("  virtual now:   {} (licence valid until {})", s.now(), p.license_expires_at());
            let advance = format!("POST /__admin/shops/{}/clock/advance", p.shop_id);
            match s.clock_mode() {
                ClockMode::Wall => {
                    println!(
                        "  clock:         wall, speed {} (follows real time; {advance} jumps ahead)",
                        s.clock_speed()
                    )
                }
                ClockMode::Manual => println!("  clock:         manual (moves only on {advance})"),
            }
            if let Some(plan) = s.simulation().map(|sim| sim.plan()).filter(|plan| plan.enabled) {
                println!("  simulated buyers: {} orders per virtual hour (seed {})", plan.orders_per_hour, plan.seed);
            }
        });
    }
    if let Some(kept) = kept {
        println!("{kept}");
    }
    // The token itself is never printed (banners end up in CI logs): the user puts it in.
    match args.admin_token {
        Some(_) => {
            println!("console:       http://{addr}/__admin/ui?token=<the --admin-token> (once; a cookie keeps it)")
        }
        None => println!("console:       http://{addr}/__admin/ui"),
    }
    match args.admin_token {
        Some(_) => {
            println!("control plane: http://{addr}/__admin/shops (requires Authorization: Bearer <the --admin-token>)")
        }
        None => println!("control plane: http://{addr}/__admin/shops"),
    }
    if let Some(warning) = exposure_warning(addr, args.admin_token.is_some()) {
        eprintln!("{warning}");
    }
    crate::serve_with_limits(listener, state, shutdown, args.connection_limits()).await.map_err(|e| (1, e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::setup::build::BUILDS;

    fn shop_file(name: &str, orders_at: &str) -> PathBuf {
        let text = format!(
            "[shop]\nshop_id = \"123456\"\nservice_secret = \"s\"\nlicense_key = \"k\"\nclock_start = \"2026-11-28T09:00:00+0900\"\n[[items]]\nmanage_number = \"i\"\ntitle = \"t\"\n[[items.variants]]\nvariant_id = \"v\"\nprice = 100\nquantity = 10\n[[orders]]\nat = \"{orders_at}\"\nlines = [{{ manage_number = \"i\", variant_id = \"v\" }}]\n"
        );
        let path = std::env::temp_dir().join(format!("rms-mock-cli-{}-{name}.toml", std::process::id()));
        std::fs::write(&path, text).unwrap();
        path
    }

    fn args(shops: Vec<PathBuf>, anchor: Option<&str>) -> ServeArgs {
        ServeArgs { shops, clock_anchor: anchor.map(|a| parse_clock_anchor(a).unwrap()), ..ServeArgs::default() }
    }

    fn builds(f: impl FnOnce()) -> usize {
        let before = BUILDS.with(|b| b.get());
        f();
        BUILDS.with(|b| b.get()) - before
    }

    #[test]
    fn serving_builds_each_shop_file_once_with_or_without_clock_flags() {
        let file = shop_file("once", "2026-11-28T08:00:00+0900");
        for anchor in [None, Some("2031-05-17T10:00:00+0900")] {
            let n = builds(|| {
                let shops = served_shops(&args(vec![file.clone()], anchor)).unwrap();
                let state = crate::AppState::with_built_shops(shops).unwrap();
                assert_eq!(state.registry.all().len(), 1);
            });
            assert_eq!(n, 1, "anchor {anchor:?}");
        }
        assert_eq!(builds(|| drop(served_shops(&args(vec![], None)).unwrap())), 1, "the demo too");
    }

    #[test]
    fn the_connection_flags_default_to_the_librarys_limits_and_read_seconds_or_milliseconds() {
        assert_eq!(ServeArgs::default().connection_limits(), ConnectionLimits::default());
        assert_eq!(parse_timeout("10"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_timeout("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_timeout(" 250ms "), Ok(Duration::from_millis(250)));
        assert_eq!(parse_shutdown_timeout("0"), Ok(Duration::ZERO));
        for bad in ["0", "0ms", "-1", "ten", "1h", "86401", "NaN", "inf", "1e300"] {
            assert!(parse_timeout(bad).is_err(), "{bad}");
        }
        assert!(parse_shutdown_timeout("3601s").is_err());
    }

    #[test]
    fn listening_beyond_loopback_without_an_admin_token_warns_and_nothing_else_does() {
        let at = |a: &str| a.parse::<std::net::SocketAddr>().unwrap();
        for open in ["0.0.0.0:8080", "[::]:8080", "192.168.1.5:8080", "[fe80::1]:8080"] {
            let warning = exposure_warning(at(open), false).unwrap_or_else(|| panic!("{open} warns"));
            assert!(warning.starts_with(&format!("warning: listening on {open}, which other machines can reach")));
            assert!(warning.contains("--admin-token TOKEN (or RMS_MOCK_ADMIN_TOKEN)"), "{warning}");
            assert_eq!(exposure_warning(at(open), true), None, "{open} with a token");
        }
        for local in ["127.0.0.1:8080", "127.0.0.2:0", "[::1]:8080", "[::ffff:127.0.0.1]:8080"] {
            assert_eq!(exposure_warning(at(local), false), None, "{local}");
        }
    }

    #[test]
    fn admin_flags_refuse_an_unusable_token_or_host() {
        let parse = |args: &[&str]| Cli::try_parse_from(args.iter().copied()).map(|c| c.serve);
        let ok = parse(&["rms-mock", "--admin-token", "t0k3n", "--admin-host", "rms-mock", "--admin-host", "ci:8080"])
            .unwrap();
        assert_eq!(
            (ok.admin_token.as_deref(), ok.admin_hosts),
            (Some("t0k3n"), vec!["rms-mock".into(), "ci:8080".into()])
        );
        for bad in [
            &["rms-mock", "--admin-token", ""][..],
            &["rms-mock", "--admin-token", "a b"],
            &["rms-mock", "--admin-host", "a/b"],
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_problem_of_an_anchored_file_is_named_in_the_files_own_times() {
        let file = shop_file("late", "2026-11-28T10:00:00+0900");
        let checked = load_shop_documents(std::slice::from_ref(&file)).unwrap_err();
        assert!(checked.contains("orders[0].at: 2026-11-28T10:00:00+0900 is after clock_start"), "{checked}");
        for anchor in [None, Some("2031-05-17T10:00:00+0900")] {
            let Err((2, served)) = served_shops(&args(vec![file.clone()], anchor)) else { panic!("refused") };
            assert_eq!(served, checked);
        }
    }
}
