//! The `rms-mock` binary: flags, the printed connection details, exit codes, shutdown.

use crate::jst::jst;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_rms-mock");

#[tokio::test]
async fn serve_prints_its_address_and_the_shop_credentials_then_stops_on_sigterm() {
    let shop = format!("{}/../fixtures/shops/demo.toml", env!("CARGO_MANIFEST_DIR"));
    let mut child = Command::new(BIN)
        .args(["serve", "--port", "0", "--shop", &shop])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let url = first.strip_prefix("listening on ").unwrap_or_else(|| panic!("{first}")).to_string();
    assert!(!url.ends_with(":0"), "the real port is shown: {url}");
    let rest: Vec<String> = lines.by_ref().take(6).map(|l| l.unwrap()).collect();
    let auth = rest.iter().find_map(|l| l.trim().strip_prefix("Authorization: ")).unwrap().to_string();
    assert!(rest.iter().any(|l| l.contains("serviceSecret: SP123456_DemoSecret0000001")), "{rest:?}");

    let r = reqwest::Client::new()
        .post(format!("{url}/es/2.0/order/searchOrder"))
        .header("Authorization", auth)
        .header("Content-Type", "application/json; charset=utf-8")
        .body(r#"{"dateType":1,"startDatetime":"2026-11-01T00:00:00+0900","endDatetime":"2026-11-28T23:59:59+0900","orderProgressList":[100]}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["PaginationResponseModel"]["totalRecordsAmount"], 3, "the demo shop's three orders");

    let killed = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "clean exit on SIGTERM: {status:?}");
}

#[test]
fn a_bad_shop_file_names_file_key_and_problem_and_exits_2() {
    let dir = std::env::temp_dir().join(format!("rms-mock-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bad.toml");
    std::fs::write(&file, "[shop]\nshop_id = \"123456\"\nservice_secret = \"a\"\nlicense_key = \"b\"\n\n[settings]\nauto_confirm = \"yes\"\n").unwrap();
    for args in [vec!["serve", "--port", "0", "--shop"], vec!["check"]] {
        let out = Command::new(BIN).args(&args).arg(&file).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("bad.toml: settings.auto_confirm: invalid type"), "{err}");
        assert!(err.contains("(line 7)"), "{err}");
    }
    let out = Command::new(BIN)
        .args(["check", &format!("{}/../fixtures/shops/demo.toml", env!("CARGO_MANIFEST_DIR"))])
        .output()
        .unwrap();
    assert!(out.status.success());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_misspelt_function_id_in_a_shop_file_names_the_key_suggests_the_id_and_exits_2() {
    let dir = std::env::temp_dir().join(format!("rms-mock-test-fn-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("typo.toml");
    std::fs::write(
        &file,
        "[shop]\nshop_id = \"123456\"\nservice_secret = \"a\"\nlicense_key = \"b\"\n\n[settings]\ndisabled_functions = [\"rpay.order.serchOrder\"]\n",
    )
    .unwrap();
    let out = Command::new(BIN).arg("check").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("typo.toml: settings.disabled_functions[0]: "), "{err}");
    assert!(err.contains("did you mean rpay.order.searchOrder?"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn flags_also_read_env_vars_and_help_lists_them() {
    let out = Command::new(BIN).args(["serve", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    for env in ["RMS_MOCK_HOST", "RMS_MOCK_PORT", "RMS_MOCK_SHOPS", "RMS_MOCK_LOG_FORMAT"] {
        assert!(help.contains(env), "{help}");
    }
    let out = Command::new(BIN).args(["serve"]).env("RMS_MOCK_PORT", "not-a-port").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// `rms-mock serve` on the demo shop with `extra` flags, its log on a piped stderr (no
/// `RUST_LOG` nor `RMS_MOCK_LOG_FORMAT` from the test's environment): the child, its base URL
/// and the demo shop's `Authorization` header, read off the banner (its stdout is drained by
/// a thread until the child ends).
fn serve_demo_logging(extra: &[&str]) -> (std::process::Child, String, String) {
    let shop = format!("{}/../fixtures/shops/demo.toml", env!("CARGO_MANIFEST_DIR"));
    let mut child = Command::new(BIN)
        .args(["serve", "--port", "0", "--shop", &shop])
        .args(extra)
        .env_remove("RUST_LOG")
        .env_remove("RMS_MOCK_LOG_FORMAT")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let url = first.strip_prefix("listening on ").unwrap_or_else(|| panic!("{first}")).to_string();
    let auth = lines.find_map(|l| l.unwrap().trim().strip_prefix("Authorization: ").map(String::from)).unwrap();
    // The rest of the banner (and anything after) is read to its end: a closed pipe would
    // make the server's next print fail.
    std::thread::spawn(move || lines.for_each(drop));
    (child, url, auth)
}

/// A searchOrder of the demo shop's November, to `url` with `auth`.
fn search_demo(c: &reqwest::Client, url: String, auth: String) -> reqwest::RequestBuilder {
    c.post(url)
        .header("Authorization", auth)
        .header("Content-Type", "application/json")
        .body(r#"{"dateType":1,"startDatetime":"2026-11-01T00:00:00+0900","endDatetime":"2026-11-28T23:59:59+0900"}"#)
}

#[tokio::test]
async fn log_format_json_writes_one_json_line_per_request_on_stderr() {
    let (child, url, auth) = serve_demo_logging(&["--log-format", "json"]);
    let c = reqwest::Client::new();
    let search = |auth: String| search_demo(&c, format!("{url}/es/2.0/order/searchOrder/"), auth).send();
    assert_eq!(search(auth).await.unwrap().status(), 200);
    assert_eq!(search(rms_mock::esa_header("SP999999_Nobody", "SL_x")).await.unwrap().status(), 401);
    assert_eq!(c.get(format!("{url}/__admin/shops/123456/journal?status=401")).send().await.unwrap().status(), 200);

    assert!(Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap().success());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<serde_json::Value> = stderr
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l}")))
        .collect();
    assert_eq!(lines.len(), 3, "one line per request: {stderr}");
    let l = &lines[0];
    assert_eq!(
        (&l["shop"], &l["function"], &l["status"]),
        (&"123456".into(), &"rpay.order.searchOrder".into(), &200.into())
    );
    assert_eq!(l["codes"], "ORDER_EXT_API_SEARCH_ORDER_INFO_101");
    assert!(l["latency_ms"].is_f64() && l["timestamp"].is_string(), "{l}");
    assert_eq!(
        (&lines[1]["level"], &lines[1]["status"], &lines[1]["codes"]),
        (&"WARN".into(), &401.into(), &"ES01-01".into())
    );
    assert!(lines[1].get("shop").is_none(), "{}", lines[1]);
    assert!(!stderr.contains("SP999999_Nobody"), "{stderr}");
    assert_eq!((&lines[2]["function"], &lines[2]["shop"]), (&"admin".into(), &"123456".into()));
}

/// The default text lines as the binary writes them (through its batched stderr, from the
/// words the request prepared for its line): one per request, in the order of the requests,
/// in tracing-subscriber's `Full` layout.
#[tokio::test]
async fn the_text_log_writes_one_line_per_request_in_order_on_stderr() {
    let (child, url, auth) = serve_demo_logging(&[]);
    let c = reqwest::Client::new();
    let search = |auth: String| search_demo(&c, format!("{url}/es/2.0/order/searchOrder/?x=1"), auth).send();
    for _ in 0..3 {
        assert_eq!(search(auth.clone()).await.unwrap().status(), 200);
        assert_eq!(search(rms_mock::esa_header("SP999999_Nobody", "SL_x")).await.unwrap().status(), 401);
    }
    assert_eq!(c.get(format!("{url}/__admin/shops/123456")).send().await.unwrap().status(), 200);

    assert!(Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap().success());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 7, "one line per request: {stderr}");
    let mut last_time = "";
    for (i, line) in lines.iter().enumerate() {
        let (time, rest) = line.split_at(27);
        assert!(time.ends_with('Z') && time.as_bytes()[19] == b'.' && time >= last_time, "{line}");
        last_time = time;
        let (words, latency) = rest.rsplit_once(" latency_ms=").unwrap_or_else(|| panic!("{line}"));
        let latency = latency.split(' ').next().unwrap();
        assert!(latency.parse::<f64>().is_ok_and(|ms| ms >= 0.0), "{line}");
        let expected = match i {
            6 => "  INFO rms_mock::request: GET /__admin/shops/123456 shop=123456 function=admin status=200 codes=",
            i if i % 2 == 0 => {
                "  INFO rms_mock::request: POST /es/2.0/order/searchOrder/?x=1 shop=123456 \
                 function=rpay.order.searchOrder status=200 codes=ORDER_EXT_API_SEARCH_ORDER_INFO_101"
            }
            _ => "  WARN rms_mock::request: POST /es/2.0/order/searchOrder/?x=1 function=rpay.order.searchOrder status=401 codes=ES01-01",
        };
        assert_eq!(words, expected, "{line}");
        if i % 2 == 1 && i < 6 {
            assert!(line.ends_with(" auth=\"no shop has the service secret SP99…\""), "{line}");
        }
    }
    assert!(!stderr.contains("SP999999_Nobody"), "{stderr}");
}

/// A port already taken is the first thing a second `rms-mock` meets: the error says what to
/// do. The serve flags also work without the `serve` subcommand.
#[test]
fn a_port_in_use_is_explained_with_the_way_out() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = Command::new(BIN).args(["--port", &port]).env_remove("RMS_MOCK_SHOPS").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("cannot listen on 127.0.0.1:{port}")), "{err}");
    assert!(err.contains("--port 0") && err.contains("RMS_MOCK_PORT"), "{err}");
}

#[test]
fn help_shows_examples() {
    let out = Command::new(BIN).arg("--help").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Examples:") && text.contains("rms-mock serve --port 0"), "{text}");
}

/// `rms-mock` with no arguments, and `env` on top of a clean environment; returns the child,
/// the base URL and the banner's lines after the first.
fn start_demo(env: &[(&str, &str)]) -> (std::process::Child, String, Vec<String>) {
    let mut cmd = Command::new(BIN);
    for var in [
        "RMS_MOCK_HOST",
        "RMS_MOCK_SHOPS",
        "RMS_MOCK_CLOCK",
        "RMS_MOCK_CLOCK_SPEED",
        "RMS_MOCK_CLOCK_ANCHOR",
        "RMS_MOCK_ADMIN_TOKEN",
        "RMS_MOCK_ADMIN_HOSTS",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("RMS_MOCK_PORT", "0");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let url = first.strip_prefix("listening on ").unwrap_or_else(|| panic!("{first}")).to_string();
    let mut banner = Vec::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        let done = line.starts_with("control plane:");
        banner.push(line);
        if done {
            break;
        }
    }
    (child, url, banner)
}

#[tokio::test]
async fn an_admin_token_from_the_env_locks_the_control_plane_and_the_banner_says_so() {
    let (child, url, banner) = start_demo(&[("RMS_MOCK_ADMIN_TOKEN", "t0k3n-from-env")]);
    let last = banner.last().unwrap();
    assert!(last.ends_with("/__admin/shops (requires Authorization: Bearer <the --admin-token>)"), "{last}");
    assert!(!banner.iter().any(|l| l.contains("t0k3n-from-env")), "the banner never prints the token: {banner:?}");
    let shops = |auth: Option<&'static str>| {
        let mut req = reqwest::Client::new().get(format!("{url}/__admin/shops"));
        if let Some(auth) = auth {
            req = req.header("Authorization", auth);
        }
        async move { req.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(shops(None).await, 401);
    assert_eq!(shops(Some("Bearer wrong")).await, 401);
    assert_eq!(shops(Some("Bearer t0k3n-from-env")).await, 200);
    // On 127.0.0.1 (and with a token anyway) there is nothing to warn about.
    let killed = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert!(!String::from_utf8_lossy(&out.stderr).contains("warning:"), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn an_unusable_admin_token_or_host_is_refused_before_serving() {
    for (flag, value) in [("--admin-token", ""), ("--admin-token", "two words"), ("--admin-host", "a/b")] {
        let out = Command::new(BIN).args(["--port", "0", flag, value]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{flag} {value:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains(flag), "{}", String::from_utf8_lossy(&out.stderr));
    }
}

/// SIGTERM, then a clean exit.
fn stop(child: std::process::Child) {
    let killed = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{:?}: {}", out.status, String::from_utf8_lossy(&out.stderr));
}

/// searchOrder (order date) over [from, to] on the demo shop.
async fn demo_search(url: &str, banner: &[String], from: &str, to: &str) -> serde_json::Value {
    let auth = banner.iter().find_map(|l| l.trim().strip_prefix("Authorization: ")).unwrap();
    let r = reqwest::Client::new()
        .post(format!("{url}/es/2.0/order/searchOrder/"))
        .header("Authorization", auth)
        .header("Content-Type", "application/json; charset=utf-8")
        .body(serde_json::json!({"dateType": 1, "startDatetime": from, "endDatetime": to}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

/// The issue's promise: started on any date (here 2031-05-17), the demo's orders are within
/// "the last 30 days" of its clock, its licence is fresh and the banner says the clock is live.
#[tokio::test]
async fn the_demo_is_live_from_its_anchor_so_the_last_30_days_find_its_orders_on_any_date() {
    let (child, url, banner) = start_demo(&[("RMS_MOCK_CLOCK_ANCHOR", "2031-05-17T10:00:00+0900")]);
    let text = banner.join("\n");
    assert!(text.contains("  virtual now:   2031-05-17T10:00:0"), "{text}");
    assert!(text.contains("(licence valid until 2031-08-15T10:00:00+0900)"), "a licence issued at start: {text}");
    assert!(text.contains("  clock:         wall, speed 1 (follows real time;"), "{text}");
    let v = demo_search(&url, &banner, "2031-04-17T10:00:00+0900", "2031-05-17T10:00:00+0900").await;
    assert_eq!(v["PaginationResponseModel"]["totalRecordsAmount"], 3, "{v}");
    let numbers: Vec<&str> = v["orderNumberList"].as_array().unwrap().iter().map(|n| n.as_str().unwrap()).collect();
    assert!(numbers.iter().all(|n| n.starts_with("123456-20310517-")), "{numbers:?}");
    stop(child);
}

#[tokio::test]
async fn the_demo_starts_at_this_machines_time_and_a_shop_file_stays_manual() {
    let unix = || std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let started = unix();
    let (child, url, banner) = start_demo(&[]);
    let now = unix();
    let v = demo_search(&url, &banner, &jst(now - 30 * 86_400), &jst(now + 1)).await;
    assert_eq!(v["PaginationResponseModel"]["totalRecordsAmount"], 3, "{v}");
    let shown = banner.iter().find_map(|l| l.trim().strip_prefix("virtual now:   ")).unwrap();
    assert!((jst(started)..=jst(now + 1)).contains(&shown[..24].to_string()), "{shown} vs {}", jst(started));
    stop(child);

    // The same shop from its file keeps its own clock: manual, 2026-11-28T09:00.
    let file = format!("{}/../fixtures/shops/demo.toml", env!("CARGO_MANIFEST_DIR"));
    let (child, url, banner) = start_demo(&[("RMS_MOCK_SHOPS", &file)]);
    let text = banner.join("\n");
    assert!(
        text.contains("virtual now:   2026-11-28T09:00:00+0900 (licence valid until 2027-01-30T09:00:00+0900)"),
        "{text}"
    );
    assert!(
        text.contains("  clock:         manual (moves only on POST /__admin/shops/123456/clock/advance)"),
        "{text}"
    );
    let v = demo_search(&url, &banner, "2026-11-01T00:00:00+0900", "2026-11-28T09:00:00+0900").await;
    assert_eq!(v["PaginationResponseModel"]["totalRecordsAmount"], 3, "{v}");
    stop(child);
}

#[test]
fn bad_clock_flags_are_named_and_exit_2() {
    for (args, needle) in [
        (vec!["--clock", "hourly"], "'hourly' is not a clock mode"),
        (vec!["--clock-speed", "0"], "0 is not a clock speed"),
        (vec!["--clock-speed", "fast"], "'fast' is not a number"),
        (vec!["--clock-anchor", "tomorrow"], "'tomorrow' is not now or a JST datetime"),
    ] {
        let out = Command::new(BIN).args(["--port", "0"]).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(needle), "{args:?}: {err}");
    }
    let out = Command::new(BIN).args(["serve", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    for env in ["RMS_MOCK_CLOCK=", "RMS_MOCK_CLOCK_SPEED", "RMS_MOCK_CLOCK_ANCHOR"] {
        assert!(help.contains(env), "{help}");
    }
}

/// Kills the process with this id when dropped, unless it is known to have exited (a failed
/// test leaves no server behind).
struct Reaper(Option<u32>);

impl Drop for Reaper {
    fn drop(&mut self) {
        if let Some(pid) = self.0 {
            let _ = Command::new("kill").args(["-KILL", &pid.to_string()]).status();
        }
    }
}

/// Reads from `tcp` until a blank line ends a response head; returns the head.
fn read_head(tcp: &mut std::net::TcpStream) -> String {
    use std::io::Read;
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        let read = tcp.read(&mut byte).unwrap_or_else(|e| panic!("{e} after {:?}", String::from_utf8_lossy(&head)));
        assert_eq!(read, 1, "closed after {:?}", String::from_utf8_lossy(&head));
        head.push(byte[0]);
    }
    String::from_utf8(head).unwrap()
}

/// Issue 12: SIGTERM did not end the process within 15 s while clients held half-sent
/// requests. Now a request in progress is answered, and clients stuck in the middle of one
/// (half a header, half a body) or idle hold the process no longer than `--shutdown-timeout`.
/// Ctrl-C (SIGINT) does the same.
#[test]
fn sigterm_or_ctrl_c_answers_the_request_in_progress_and_exits_by_the_deadline_despite_stuck_clients() {
    use std::io::Write;
    use std::net::TcpStream;
    const BOUND: std::time::Duration = std::time::Duration::from_secs(10);
    let shop = format!("{}/../fixtures/shops/demo.toml", env!("CARGO_MANIFEST_DIR"));
    let auth = rms_mock::esa_header("SP123456_DemoSecret0000001", "SL123456_DemoLicense000001");
    let body = r#"{"dateType":1,"startDatetime":"2026-11-01T00:00:00+0900","endDatetime":"2026-11-28T23:59:59+0900"}"#;
    let head = format!(
        "POST /es/2.0/order/searchOrder/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {auth}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nExpect: 100-continue\r\n\r\n",
        body.len()
    );
    for signal in ["-TERM", "-INT"] {
        let mut child = Command::new(BIN)
            .args(["serve", "--port", "0", "--shop", &shop, "--shutdown-timeout", "500ms"])
            .env_remove("RUST_LOG")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut reaper = Reaper(Some(child.id()));
        // The banner is read to its end: a closed pipe would fail the server's next print.
        let mut banner = BufReader::new(child.stdout.take().unwrap()).lines().map(Result::unwrap);
        let first = banner.next().unwrap();
        let address = first.strip_prefix("listening on http://").unwrap_or_else(|| panic!("{first}")).to_string();
        assert!(banner.any(|l| l.starts_with("control plane:")));
        let connect = || {
            let tcp = TcpStream::connect(&address).unwrap();
            tcp.set_read_timeout(Some(BOUND)).unwrap();
            tcp
        };
        // A request in progress: the server has asked for its body ("100 Continue").
        let mut in_progress = connect();
        in_progress.write_all(head.as_bytes()).unwrap();
        assert!(read_head(&mut in_progress).starts_with("HTTP/1.1 100 Continue"), "{signal}");
        // Stuck: a body stopped half-way, half a header, an idle keep-alive.
        let mut half_body = connect();
        half_body.write_all(head.as_bytes()).unwrap();
        assert!(read_head(&mut half_body).starts_with("HTTP/1.1 100 Continue"));
        half_body.write_all(&body.as_bytes()[..20]).unwrap();
        let mut half_header = connect();
        half_header.write_all(b"POST /es/2.0/order/searchOrder/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le").unwrap();
        let mut idle = connect();
        idle.write_all(b"GET /__admin/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
        assert!(read_head(&mut idle).starts_with("HTTP/1.1 200"));

        let signalled = std::time::Instant::now();
        assert!(Command::new("kill").args([signal, &child.id().to_string()]).status().unwrap().success());
        in_progress.write_all(body.as_bytes()).unwrap();
        let answer = read_head(&mut in_progress);
        assert!(answer.starts_with("HTTP/1.1 200"), "{signal}: the request in progress is answered: {answer}");

        let (done, exited) = std::sync::mpsc::channel();
        std::thread::spawn(move || done.send(child.wait_with_output()));
        let out =
            exited.recv_timeout(BOUND).unwrap_or_else(|_| panic!("{signal}: still running {BOUND:?} after the signal"));
        reaper.0 = None;
        let out = out.unwrap();
        let took = signalled.elapsed();
        assert!(out.status.success(), "{signal}: {:?}", out.status);
        assert!(took < std::time::Duration::from_millis(3_000), "{signal}: exited after {took:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("still open after 500ms"), "{signal}: {stderr}");
        drop((half_body, half_header, idle));
    }
}

#[tokio::test]
async fn the_banner_names_the_console_and_with_a_token_how_to_sign_in_without_printing_it() {
    for (env, line) in [
        (vec![], "/__admin/ui".to_string()),
        (vec![("RMS_MOCK_ADMIN_TOKEN", "t0k3n-for-console")], "/__admin/ui?token=<the --admin-token>".to_string()),
    ] {
        let (child, url, banner) = start_demo(&env);
        let console = banner.iter().find(|l| l.starts_with("console:")).unwrap_or_else(|| panic!("{banner:?}"));
        assert!(console.starts_with(&format!("console:       {url}{line}")), "{console}");
        assert!(!banner.iter().any(|l| l.contains("t0k3n-for-console")), "{banner:?}");
        let mut page = reqwest::Client::new().get(format!("{url}/__admin/ui"));
        if !env.is_empty() {
            page = page.header("Authorization", "Bearer t0k3n-for-console");
        }
        let page = page.send().await.unwrap();
        assert_eq!(page.status(), 200);
        assert!(page.text().await.unwrap().contains("rms-mock console"));
        let killed = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
        assert!(killed.success());
        assert!(child.wait_with_output().unwrap().status.success());
    }
}
