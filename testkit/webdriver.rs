//! A small W3C WebDriver client for the browser tests: headless Chromium driven by
//! `chromedriver`, over `reqwest` (no WebDriver crate). Both test crates include this one file:
//!
//! ```text
//! #[path = "../../../testkit/webdriver.rs"]   // from mock-server/tests/api/
//! mod webdriver;
//! ```
//!
//! [`Browser::start`] spawns `chromedriver` on a free 127.0.0.1 port (it picks the port and
//! says which; no race), opens a session of headless Chromium with a fresh profile directory,
//! and hands back a handle with one method per thing a test does: go to a page, find by CSS,
//! click, type, read text, run a script, wait for a condition, take a screenshot. Dropping
//! the handle kills the driver (and with it Chromium) and removes the profile.
//!
//! The methods are async (reqwest): call them from a Tokio test.
//!
//! ```text
//! #[tokio::test]
//! async fn the_page_shows_it() {
//!     let Some(browser) = Browser::start("my-test").await else { return }; // skipped: no Chromium
//!     browser.goto(&url).await;
//!     browser.click("#go").await;
//!     assert!(browser.wait_for_text("#out", "done").await.contains("done"));
//!     browser.screenshot("after").await;           // target/browser-artifacts/my-test/after.png
//!     browser.quit().await;
//! }
//! ```
//!
//! When Chromium or chromedriver is missing, `start` prints a loud skip line and returns
//! `None`, so `cargo test` on a laptop without Chromium still passes; with
//! `RMS_MOCK_BROWSER_TESTS=required` (which `.ci/run` exports) it panics instead, so CI
//! cannot skip the browser tests quietly.
//!
//! Waiting is bounded and driven by the page: [`Browser::wait_until`] runs a script inside
//! the page that re-checks a condition on every DOM mutation (and on a short timer, for
//! changes no mutation shows, such as a value) and answers as soon as it holds, or after
//! [`WAIT`] with the condition's last result, which the panic message shows.

#![allow(dead_code)]

use base64::Engine as _;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// The Chromium binary (the Debian `chromium` package).
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// The driver (the Debian `chromium-driver` package).
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// How long [`Browser::wait_until`] waits for a condition at most.
pub const WAIT: Duration = Duration::from_secs(10);
/// How long the driver may take to start and a session to open.
const START: Duration = Duration::from_secs(30);

/// The flags Chromium needs here: headless, and no lookups on a closed network (without
/// them it hangs on them).
const CHROMIUM_ARGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1200,800",
];

/// The W3C key for an element reference in WebDriver JSON.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A headless Chromium session. Dropping it ends the driver and removes the profile.
pub struct Browser {
    driver: Child,
    client: reqwest::Client,
    /// `127.0.0.1:<port>`, the driver's address.
    driver_addr: String,
    /// `http://127.0.0.1:<port>/session/<id>`; empty once the session has ended.
    session: String,
    profile: PathBuf,
    /// Screenshots go to `target/browser-artifacts/<name>/`.
    name: String,
}

/// One element of the page, found by [`Browser::find`].
#[derive(Clone, Debug)]
pub struct Element {
    id: String,
    css: String,
}

/// Whether the browser tests must run (`RMS_MOCK_BROWSER_TESTS=required`).
pub fn required() -> bool {
    std::env::var("RMS_MOCK_BROWSER_TESTS").is_ok_and(|v| v == "required")
}

/// The directory screenshots go to: `<workspace>/target/browser-artifacts/<name>`.
pub fn artifacts_dir(name: &str) -> PathBuf {
    // CARGO_MANIFEST_DIR is the crate under test; its parent is the workspace root.
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let root = manifest.parent().map(Path::to_path_buf).unwrap_or(manifest);
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target"));
    target.join("browser-artifacts").join(name)
}

/// Whether a browser test can run: both programs there, or else a skip or a failure.
#[derive(Debug, PartialEq, Eq)]
pub enum Availability {
    /// Chromium and chromedriver are installed.
    Ready,
    /// One is missing and the browser tests are optional: why, for the loud skip line.
    Skip(String),
    /// One is missing and `RMS_MOCK_BROWSER_TESTS=required`: why, for the failure.
    Fail(String),
}

/// Whether the browser tests can run with `chromium` and `driver`, and what to do if not.
pub fn availability(chromium: &Path, driver: &Path, required: bool) -> Availability {
    let missing: Vec<String> =
        [chromium, driver].into_iter().filter(|p| !p.exists()).map(|p| p.display().to_string()).collect();
    if missing.is_empty() {
        return Availability::Ready;
    }
    let what = missing.join(" and ");
    if required {
        Availability::Fail(format!(
            "{what} missing, and RMS_MOCK_BROWSER_TESTS=required (install the Debian packages chromium and \
             chromium-driver; .ci/run does)"
        ))
    } else {
        Availability::Skip(format!(
            "{what} missing (install chromium and chromium-driver, or run .ci/run; set \
             RMS_MOCK_BROWSER_TESTS=required to make this a failure)"
        ))
    }
}

impl Browser {
    /// Starts chromedriver and a headless Chromium session for the test `name` (names the
    /// profile and artifacts directories). `None` (after a loud skip line) when Chromium or
    /// chromedriver is missing and the browser tests are not required; panics when they are.
    pub async fn start(name: &str) -> Option<Browser> {
        match availability(Path::new(CHROMIUM), Path::new(CHROMEDRIVER), required()) {
            Availability::Ready => {}
            Availability::Skip(why) => {
                eprintln!("\n!!!!!!!! SKIPPED browser test {name}: {why} !!!!!!!!\n");
                return None;
            }
            Availability::Fail(why) => panic!("browser test {name}: {why}"),
        }
        Some(Self::launch(name).await.unwrap_or_else(|e| panic!("browser test {name}: {e}")))
    }

    async fn launch(name: &str) -> Result<Browser, String> {
        let mut driver = Command::new(CHROMEDRIVER)
            .args(["--port=0", "--allowed-ips=127.0.0.1"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {CHROMEDRIVER}: {e}"))?;
        // The driver picks a free port and prints it: "… started successfully on port 39745."
        let stdout = driver.stdout.take().ok_or("chromedriver has no stdout")?;
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(port) = line.split("started successfully on port ").nth(1) {
                    let _ = tx.send(port.trim_end_matches('.').trim().to_string());
                }
                // Keep reading (and dropping) the driver's log so it never blocks on a full pipe.
            }
        });
        let port = match tokio::task::spawn_blocking(move || rx.recv_timeout(START)).await {
            Ok(Ok(port)) => port,
            _ => {
                let _ = driver.kill();
                let _ = driver.wait();
                return Err(format!("chromedriver did not say its port within {START:?}"));
            }
        };
        let profile = std::env::temp_dir().join(format!(
            "rms-mock-chromium-{}-{}-{}",
            name.replace(|c: char| !c.is_ascii_alphanumeric(), "_"),
            std::process::id(),
            port
        ));
        let _ = std::fs::remove_dir_all(&profile);
        let mut args: Vec<String> = CHROMIUM_ARGS.iter().map(|a| a.to_string()).collect();
        args.push(format!("--user-data-dir={}", profile.display()));
        let capabilities = json!({
            "capabilities": {"alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": {"binary": CHROMIUM, "args": args},
                "timeouts": {"script": WAIT.as_millis() as u64 + 5_000, "pageLoad": 30_000, "implicit": 0},
            }}
        });
        let client = reqwest::Client::builder().no_proxy().timeout(START).build().map_err(|e| e.to_string())?;
        let driver_addr = format!("127.0.0.1:{port}");
        let base = format!("http://{driver_addr}");
        let mut browser =
            Browser { driver, client, driver_addr, session: String::new(), profile, name: name.to_string() };
        let answer = browser.call(reqwest::Method::POST, &format!("{base}/session"), Some(capabilities)).await?;
        let id = answer["sessionId"].as_str().ok_or_else(|| format!("no sessionId in {answer}"))?;
        browser.session = format!("{base}/session/{id}");
        Ok(browser)
    }

    /// One WebDriver command; its `value`, or the driver's error.
    async fn call(&self, method: reqwest::Method, url: &str, body: Option<Value>) -> Result<Value, String> {
        let mut request = self.client.request(method.clone(), url);
        if let Some(body) = body {
            request = request.json(&body);
        } else if method == reqwest::Method::POST {
            request = request.json(&json!({}));
        }
        let response = request.send().await.map_err(|e| format!("{method} {url}: {e}"))?;
        let status = response.status();
        let answer: Value = response.json().await.map_err(|e| format!("{method} {url}: not JSON: {e}"))?;
        let value = answer.get("value").cloned().unwrap_or(Value::Null);
        if !status.is_success() {
            return Err(format!("{method} {url}: {status}: {}: {}", value["error"], value["message"]));
        }
        Ok(value)
    }

    async fn command(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.session);
        self.call(method, &url, body).await.unwrap_or_else(|e| panic!("browser test {}: {e}", self.name))
    }

    /// Opens `url` and waits for it to load.
    pub async fn goto(&self, url: &str) {
        self.command(reqwest::Method::POST, "/url", Some(json!({"url": url}))).await;
    }

    /// Sets the window's outer size (screenshots show its viewport).
    pub async fn window_size(&self, width: u32, height: u32) {
        self.command(reqwest::Method::POST, "/window/rect", Some(json!({"width": width, "height": height}))).await;
    }

    /// The page's URL now.
    pub async fn url(&self) -> String {
        self.command(reqwest::Method::GET, "/url", None).await.as_str().unwrap_or_default().to_string()
    }

    /// The first element matching `css`; panics when there is none (wait for it first with
    /// [`Browser::wait_for`] when it appears later).
    pub async fn find(&self, css: &str) -> Element {
        let found =
            self.command(reqwest::Method::POST, "/element", Some(json!({"using": "css selector", "value": css}))).await;
        let id = found[ELEMENT_KEY].as_str().unwrap_or_else(|| panic!("no element id for {css}: {found}"));
        Element { id: id.to_string(), css: css.to_string() }
    }

    /// Every element matching `css` (possibly none).
    pub async fn find_all(&self, css: &str) -> Vec<Element> {
        let found = self
            .command(reqwest::Method::POST, "/elements", Some(json!({"using": "css selector", "value": css})))
            .await;
        found
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e[ELEMENT_KEY].as_str())
            .map(|id| Element { id: id.to_string(), css: css.to_string() })
            .collect()
    }

    /// Clicks the first element matching `css` (as a user does: scrolled into view, at its centre).
    pub async fn click(&self, css: &str) {
        let element = self.find(css).await;
        self.click_element(&element).await;
    }

    /// Clicks `element`.
    pub async fn click_element(&self, element: &Element) {
        self.command(reqwest::Method::POST, &format!("/element/{}/click", element.id), None).await;
    }

    /// Types `text` into the first element matching `css` (after what it holds).
    pub async fn send_keys(&self, css: &str, text: &str) {
        let element = self.find(css).await;
        self.command(reqwest::Method::POST, &format!("/element/{}/value", element.id), Some(json!({"text": text})))
            .await;
    }

    /// Empties the field matching `css`, then types `text` into it.
    pub async fn fill(&self, css: &str, text: &str) {
        let element = self.find(css).await;
        self.command(reqwest::Method::POST, &format!("/element/{}/clear", element.id), None).await;
        self.command(reqwest::Method::POST, &format!("/element/{}/value", element.id), Some(json!({"text": text})))
            .await;
    }

    /// The rendered text of the first element matching `css`.
    pub async fn text(&self, css: &str) -> String {
        let element = self.find(css).await;
        self.element_text(&element).await
    }

    /// The rendered text of `element`.
    pub async fn element_text(&self, element: &Element) -> String {
        let text = self.command(reqwest::Method::GET, &format!("/element/{}/text", element.id), None).await;
        text.as_str().unwrap_or_default().to_string()
    }

    /// Runs `script` (a function body; `arguments[i]` are `args`) in the page; its return value.
    pub async fn execute(&self, script: &str, args: Vec<Value>) -> Value {
        self.command(reqwest::Method::POST, "/execute/sync", Some(json!({"script": script, "args": args}))).await
    }

    /// Waits (at most [`WAIT`]) until `condition`, a JavaScript expression, is truthy in the
    /// page; its value. Re-checked on every DOM mutation and every 50 ms; panics with `what`
    /// and the last value when the time is up.
    pub async fn wait_until(&self, what: &str, condition: &str) -> Value {
        let script = r#"
            const [source, ms, done] = arguments;
            const check = new Function('return (' + source + ');');
            const deadline = Date.now() + ms;
            let last = null, finished = false, observer = null, timer = null;
            const finish = (answer) => {
                if (finished) return;
                finished = true;
                if (observer) observer.disconnect();
                if (timer) clearInterval(timer);
                done(answer);
            };
            const attempt = () => {
                if (finished) return;
                try {
                    const value = check();
                    if (value) return finish({ok: value});
                    last = value === undefined ? null : value;
                } catch (e) { last = String(e); }
                if (Date.now() > deadline) finish({timeout: last});
            };
            attempt();
            if (!finished) {
                observer = new MutationObserver(attempt);
                observer.observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
                timer = setInterval(attempt, 50);
            }
        "#;
        let answer = self
            .command(
                reqwest::Method::POST,
                "/execute/async",
                Some(json!({"script": script, "args": [condition, WAIT.as_millis() as u64]})),
            )
            .await;
        match answer.get("ok") {
            Some(value) => value.clone(),
            None => {
                let shot = self.screenshot("timeout").await;
                panic!(
                    "browser test {}: waited {WAIT:?} for {what} ({condition}); last value {}; screenshot {}",
                    self.name,
                    answer["timeout"],
                    shot.display()
                )
            }
        }
    }

    /// Waits until an element matches `css`.
    pub async fn wait_for(&self, css: &str) -> Element {
        let condition = format!("document.querySelector({})", json!(css));
        self.wait_until(&format!("an element {css}"), &condition).await;
        self.find(css).await
    }

    /// Waits until the first element matching `css` shows `needle` in its text; that text.
    pub async fn wait_for_text(&self, css: &str, needle: &str) -> String {
        let condition = format!(
            "(() => {{ const e = document.querySelector({css}); return e && e.innerText.includes({needle}) && e.innerText; }})()",
            css = json!(css),
            needle = json!(needle)
        );
        let text = self.wait_until(&format!("{needle:?} in {css}"), &condition).await;
        text.as_str().unwrap_or_default().to_string()
    }

    /// Saves a PNG of the viewport as `target/browser-artifacts/<test>/<name>.png`, prints and
    /// returns its path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let data = self.command(reqwest::Method::GET, "/screenshot", None).await;
        let png = base64::engine::general_purpose::STANDARD
            .decode(data.as_str().unwrap_or_default())
            .unwrap_or_else(|e| panic!("screenshot {name}: not base64: {e}"));
        let dir = artifacts_dir(&self.name);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        eprintln!("browser test {}: screenshot {}", self.name, path.display());
        path
    }

    /// Ends the session (Chromium quits), then the driver.
    pub async fn quit(mut self) {
        let session = std::mem::take(&mut self.session);
        if !session.is_empty() {
            let _ = self.call(reqwest::Method::DELETE, &session, None).await;
        }
        // Drop kills the driver and removes the profile.
    }
}

impl Element {
    /// The CSS selector this element was found by.
    pub fn css(&self) -> &str {
        &self.css
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // A test that panicked left its session open: end it (Chromium quits) with a plain
        // blocking request, as no runtime may be left here. Killing the driver alone would
        // leave Chromium running.
        if let Some(path) = self.session.split_once("://").and_then(|(_, rest)| rest.split_once('/')).map(|(_, p)| p) {
            end_session(&self.driver_addr, &format!("/{path}"));
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// `DELETE <path>` to the driver at `addr`, over a plain socket, waiting (bounded) for its answer.
fn end_session(addr: &str, path: &str) {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect(addr) else { return };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(10)));
    let request = format!("DELETE {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_ok() {
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
    }
}
