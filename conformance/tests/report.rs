//! `rms-conformance run … --html FILE`: the report is one self-contained, deterministic page
//! with a swimlane per order (checked on its structure here for real setups, and for every
//! setup in `tests/setups.rs`), and it renders in headless Chromium: every order's lane has
//! a size, its status segments and labels show (screenshot under
//! `target/browser-artifacts/report/`).

#[path = "../../testkit/webdriver.rs"]
mod webdriver;

use rms_conformance::ledger::Ledger;
use rms_conformance::report;
use rms_conformance::runner::{run, start_in_process, Mode};
use rms_conformance::setup::load;
use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

async fn ledgers(files: &[&str]) -> Vec<Ledger> {
    let fake = start_in_process().await.unwrap();
    let mut out = Vec::new();
    for f in files {
        let setup = load(&root().join("fixtures/setups").join(f)).unwrap();
        out.push(run(&setup, &fake.uri(), &Mode::Reference).await.unwrap());
    }
    out
}

/// Guide followed (two days, payment states), a 500 storm (faults, a give-up), a 14-day run
/// (the axis breaks), out-of-stock refusals, a staff edit.
const SETUPS: [&str; 4] = [
    "01_guide_followed.toml",
    "18_get_order_500_storm.toml",
    "14_unconfirmed_14_days.toml",
    "54_edited_in_rms_after_import.toml",
];

#[tokio::test]
async fn the_report_has_a_lane_per_order_marks_faults_and_errors_and_holds_the_text_ledger() {
    let ls = ledgers(&SETUPS).await;
    let html = report::html(&ls);
    // Self-contained: no script, no external resource (the SVG namespace is a name, not a fetch).
    assert!(!html.contains("<script") && !html.contains(" src=") && !html.contains("<link"), "self-contained");
    let urls = html.matches("http://").count() + html.matches("https://").count();
    assert_eq!(urls, html.matches("xmlns=\"http://www.w3.org/2000/svg\"").count(), "no URL but the SVG namespace");
    let orders: usize = ls.iter().map(|l| l.orders.len()).sum();
    assert_eq!(html.matches("<svg class=\"lane order-lane\"").count(), orders);
    assert_eq!(html.matches("<section class=\"setup\"").count(), 4);
    // Status segments carry RMS's names; causes and the integration's actions are there.
    for label in ["100 注文確認待ち", "500 発送済", "700 支払手続き済", "900 キャンセル確定"] {
        assert!(html.contains(&format!(">{label}</text>")), "{label}");
    }
    assert!(html.contains(">auto_cancel</text>") && html.contains(">confirmOrder</text>"));
    assert!(html.contains("data-action=\"import\""));
    // 18: the storm's faults are marked with their tooltip; the give-up is an error mark.
    assert!(html.contains("<g class=\"action fault\" data-action=\"fault\"><title>+15m ! fault storm system_error on getOrder (500) (×7, last +16m03s)</title>"));
    assert!(html
        .contains("<g class=\"action error\" data-action=\"fetch\"><title>+16m03s getOrder gave up after 7 attempts"));
    // 14: fourteen quiet days are a break on the axis, not a squashed first hour.
    assert!(html.contains("<title>nothing happens for 13d"), "a break");
    // The text ledger, escaped, in each section.
    for l in &ls {
        let text = l.to_text().replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
        assert!(html.contains(&format!("<pre>{text}</pre>")), "{}", l.file);
    }
}

#[test]
fn the_same_run_writes_the_same_bytes() {
    let out = |name: &str| {
        let path = std::env::temp_dir().join(format!("rms-conformance-report-{}-{name}.html", std::process::id()));
        let status = Command::new(env!("CARGO_BIN_EXE_rms-conformance"))
            .current_dir(root())
            .args(["run", "fixtures/setups/18_get_order_500_storm.toml", "fixtures/setups/02_auto_confirm_on.toml"])
            .arg("--html")
            .arg(&path)
            .output()
            .unwrap();
        assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
        let bytes = std::fs::read(&path).unwrap();
        let _ = std::fs::remove_file(&path);
        (bytes, String::from_utf8_lossy(&status.stdout).to_string())
    };
    let (a, text) = out("a");
    let (b, _) = out("b");
    assert!(a == b, "two runs, two different reports");
    assert!(text.starts_with("== A storm of 500s on getOrder"), "the text ledger still goes to stdout");
}

#[tokio::test]
async fn the_report_renders_its_swimlanes_in_headless_chromium() {
    let Some(browser) = webdriver::Browser::start("report").await else { return };
    let ls = ledgers(&SETUPS).await;
    let dir = webdriver::artifacts_dir("report");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("report.html");
    std::fs::write(&path, report::html(&ls)).unwrap();
    browser.window_size(1200, 1600).await;
    browser.goto(&format!("file://{}", path.display())).await;
    // Every order's lane has a size; in it, status segments with a size, and their labels.
    let lanes = browser
        .execute(
            "return [...document.querySelectorAll('div.order')].map(d => {
                const svg = d.querySelector('svg.order-lane').getBoundingClientRect();
                const rects = [...d.querySelectorAll('g.status rect')].map(r => r.getBoundingClientRect())
                    .filter(r => r.width > 0 && r.height > 0).length;
                const labels = [...d.querySelectorAll('text.status-label')]
                    .filter(t => t.getBoundingClientRect().width > 0).map(t => t.textContent);
                return {label: d.dataset.label, w: svg.width, h: svg.height, rects, labels};
            })",
            vec![],
        )
        .await;
    let lanes = lanes.as_array().unwrap();
    let orders: usize = ls.iter().map(|l| l.orders.len()).sum();
    assert_eq!(lanes.len(), orders, "{lanes:?}");
    for (lane, order) in lanes.iter().zip(ls.iter().flat_map(|l| &l.orders)) {
        assert!(lane["w"].as_f64().unwrap() > 300.0 && lane["h"].as_f64().unwrap() > 50.0, "{lane}");
        if order.refused.is_none() {
            assert_eq!(lane["rects"].as_u64().unwrap() as usize, order.rms.len(), "{lane}");
            assert!(!lane["labels"].as_array().unwrap().is_empty(), "some status label shows: {lane}");
        }
    }
    let shown: Vec<String> = lanes
        .iter()
        .flat_map(|l| l["labels"].as_array().unwrap().iter().map(|t| t.as_str().unwrap().to_string()))
        .collect();
    for label in ["500 発送済", "700 支払手続き済", "900 キャンセル確定"] {
        assert!(shown.iter().any(|s| s == label), "{label} in {shown:?}");
    }
    // A fault mark and its tooltip are in the page.
    let faults = browser.find_all("g.action.fault").await;
    assert!(!faults.is_empty());
    let shot = browser.screenshot("report").await;
    assert!(std::fs::metadata(&shot).unwrap().len() > 1000);
    browser.quit().await;
}
