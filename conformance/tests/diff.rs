//! `rms-conformance diff A.json B.json`: real pairs of runs. Setup 01 against 02 (auto-confirm
//! left on) shows the confirmation moving to `auto_confirm` and the tool never seeing the
//! orders; a run against itself is no difference (exit 0); unreadable input is exit 2. Setups
//! are matched by file; orders by label.

use rms_conformance::diff::{diff, Line};
use rms_conformance::ledger::Ledger;
use std::path::PathBuf;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_rms-conformance");

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn tmp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("rms-conformance-diff-{}-{name}", std::process::id()))
}

/// `run --format json` of `setups`, written to a temporary file.
fn json_ledger(name: &str, setups: &[&str]) -> PathBuf {
    let out =
        Command::new(BIN).current_dir(root()).arg("run").args(setups).args(["--format", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let path = tmp(name);
    std::fs::write(&path, out.stdout).unwrap();
    path
}

fn run_diff(args: &[&std::ffi::OsStr]) -> (i32, String, String) {
    let out = Command::new(BIN).current_dir(root()).arg("diff").args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[test]
fn guide_against_auto_confirm_shows_the_confirmation_moving_and_the_orders_never_seen() {
    let a = json_ledger("01.json", &["fixtures/setups/01_guide_followed.toml"]);
    let b = json_ledger("02.json", &["fixtures/setups/02_auto_confirm_on.toml"]);
    let html = tmp("01-02.html");
    let (code, out, err) = run_diff(&[a.as_os_str(), b.as_os_str(), "--html".as_ref(), html.as_os_str()]);
    assert_eq!(code, 1, "different: {err}");
    for line in [
        "@@ The setup guide followed exactly (01_guide_followed.toml) vs Automatic order confirmation left ON (02_auto_confirm_on.toml)",
        "      RMS          +5m        → 100 placed",
        "-     RMS          +15m       100 → 200 confirmOrder",
        "+     RMS          +5m        100 → 200 auto_confirm",
        "~     RMS          +45m → +35m 200 → 300 processing",
        "-     integration  +15m       imported → 出荷待ち (入金フラグ 0)",
        "+     integration             never seen",
        "-     call         confirmOrder CONFIRM_ORDER_INFO_101",
        "~   calls        searchOrder 204 → 12",
        "-   calls        confirmOrder 2",
        "~   stock pushed TS-M-BK 38 → 40",
        "1 setup(s) differ, 0 the same",
    ] {
        assert!(out.lines().any(|l| l == line), "{line:?} not in\n{out}");
    }
    // The HTML: both sides' lanes of each changed order, highlighted; self-contained.
    let page = std::fs::read_to_string(&html).unwrap();
    assert_eq!(page.matches("<div class=\"order changed\"").count(), 4, "2 orders × A and B");
    assert!(page.contains("<p class=\"diff-line tilde\">~     RMS          +45m → +35m 200 → 300 processing</p>"));
    assert!(page.contains(">auto_confirm</text>") && page.contains(">confirmOrder</text>"), "both sides drawn");
    assert!(!page.contains("<script") && !page.contains("https://"));
    for p in [a, b, html] {
        let _ = std::fs::remove_file(p);
    }
}

#[test]
fn a_run_against_itself_is_no_difference() {
    let a = json_ledger(
        "self.json",
        &["fixtures/setups/18_get_order_500_storm.toml", "fixtures/setups/02_auto_confirm_on.toml"],
    );
    let (code, out, err) = run_diff(&[a.as_os_str(), a.as_os_str()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.ends_with("0 setup(s) differ, 2 the same\n"), "{out}");
    assert_eq!(out.lines().count(), 3, "only the names and the count: {out}");
    let _ = std::fs::remove_file(a);
}

#[test]
fn unreadable_input_is_exit_2_naming_the_file() {
    let good = json_ledger("good.json", &["fixtures/setups/02_auto_confirm_on.toml"]);
    let not_json = tmp("not.json");
    std::fs::write(&not_json, "== The setup guide followed exactly").unwrap();
    // The JSON ledger before issue 15: status changes as text pairs.
    let old = tmp("old.json");
    let mut v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&good).unwrap()).unwrap();
    v[0]["orders"][0]["rms"][0] = serde_json::json!(["+5m", "→ 100 placed"]);
    std::fs::write(&old, v.to_string()).unwrap();
    let missing = tmp("missing.json");
    for (bad, says) in [(&not_json, "not JSON"), (&old, "not a JSON ledger of this version"), (&missing, "")] {
        let (code, out, err) = run_diff(&[good.as_os_str(), bad.as_os_str()]);
        assert_eq!(code, 2, "{bad:?}: {out} {err}");
        assert!(err.contains(&bad.display().to_string()) && err.contains(says), "{err}");
        assert!(out.is_empty(), "{out}");
    }
    for p in [good, not_json, old] {
        let _ = std::fs::remove_file(p);
    }
}

fn read(path: &std::path::Path) -> Vec<Ledger> {
    rms_conformance::diff::read(path).unwrap()
}

#[test]
fn setups_are_matched_by_file_and_orders_by_label() {
    let both = json_ledger(
        "both.json",
        &["fixtures/setups/02_auto_confirm_on.toml", "fixtures/setups/18_get_order_500_storm.toml"],
    );
    let (a, mut b) = (read(&both), read(&both));
    // B: 18 left out, 02 first with a moved confirmation, an order fewer and one more.
    b.swap(0, 1);
    b.remove(0);
    b[0].orders[0].rms[1].at = "+20m".into();
    let extra = {
        let mut o = b[0].orders[1].clone();
        o.label = "#3".into();
        o
    };
    b[0].orders.remove(1);
    b[0].orders.push(extra);
    let d = diff("A", &a, "B", &b);
    assert_eq!(d.unchanged, 0);
    assert_eq!(d.setups.len(), 2, "02 changed, 18 only in A");
    let s = &d.setups[0];
    assert_eq!(s.a.as_ref().unwrap().file, "02_auto_confirm_on.toml");
    let titles: Vec<&str> = s.hunks.iter().map(|h| h.title.as_str()).collect();
    assert_eq!(titles, ["order #1", "order #2", "order #3"]);
    assert!(s.hunks[0].lines.contains(&Line::Changed("RMS          +5m → +20m 100 → 200 auto_confirm".into())));
    assert!(s.hunks[1].lines.iter().all(|l| matches!(l, Line::Removed(_))));
    assert!(s.hunks[2].lines.iter().all(|l| matches!(l, Line::Added(_))));
    assert!(d.setups[1].b.is_none() && d.setups[1].a.as_ref().unwrap().file == "18_get_order_500_storm.toml");
    assert!(d.to_text().contains("@@ A storm of 500s on getOrder (18_get_order_500_storm.toml): only in A"));
    let page = d.to_html();
    assert_eq!(page.matches("<div class=\"order removed\"").count(), 2 + 1, "18's two orders, 02's #2 on A's side");
    assert_eq!(page.matches("<div class=\"order added\"").count(), 1, "02's #3 on B's side");
    assert_eq!(page.matches("<div class=\"order changed\"").count(), 2, "02's #1 on both sides");
    let _ = std::fs::remove_file(both);
}
