//! The `rms-conformance` binary: determinism, `--base-url` against a separately started
//! fake, JSON output, `--integration-cmd` with the example program, bad setup files.

use std::path::PathBuf;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_rms-conformance");

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN).current_dir(root()).arg("run").args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

const SETUPS: [&str; 3] = [
    "fixtures/setups/01_guide_followed.toml",
    "fixtures/setups/09_poll_overlap.toml",
    "fixtures/setups/10_prepayment.toml",
];

#[test]
fn the_same_setups_give_byte_identical_ledgers_in_process_and_against_a_running_fake() {
    let (code, first, err) = run(&SETUPS);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("[1/3]") && err.contains("[3/3]"), "a progress line per setup: {err}");
    let (_, second, _) = run(&SETUPS);
    assert_eq!(first, second, "deterministic");

    // A fake started separately, in another runtime, reached only over HTTP.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let fake = rt.block_on(rms_mock::RmsMock::start());
    let base = fake.uri();
    let mut args: Vec<&str> = SETUPS.to_vec();
    args.extend(["--base-url", &base]);
    let (code, remote, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    assert_eq!(remote, first, "the same ledgers against --base-url");
    // Run twice against the same server: shops are recreated, ledgers stay the same.
    let (_, again, _) = run(&args);
    assert_eq!(again, first);
}

#[test]
fn a_running_fake_with_an_admin_token_is_driven_with_the_same_token_by_flag_or_env() {
    let setup = "fixtures/setups/01_guide_followed.toml";
    let (code, expected, err) = run(&[setup]);
    assert_eq!(code, 0, "{err}");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let token = "c0nformance-t0ken";
    let fake =
        rt.block_on(rms_mock::RmsMock::start_with(rms_mock::AppState::default().with_admin_token(token))).unwrap();
    let base = fake.uri();
    let with_env = |token: Option<&str>, args: &[&str]| {
        let mut cmd = Command::new(BIN);
        cmd.current_dir(root()).arg("run").args(args).env_remove("RMS_MOCK_ADMIN_TOKEN");
        if let Some(token) = token {
            cmd.env("RMS_MOCK_ADMIN_TOKEN", token);
        }
        let out = cmd.output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).to_string(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    let (code, _, err) = with_env(None, &[setup, "--base-url", &base]);
    assert_eq!(code, Some(2), "the setup could not be run: exit 2 (issue 15; it was 1)");
    assert!(err.contains("creating the shop: 401") && err.contains("--admin-token"), "{err}");
    let (code, out, err) = with_env(None, &[setup, "--base-url", &base, "--admin-token", token]);
    assert_eq!((code, out.as_str()), (Some(0), expected.as_str()), "{err}");
    let (code, out, err) = with_env(Some(token), &[setup, "--base-url", &base]);
    assert_eq!((code, out.as_str()), (Some(0), expected.as_str()), "{err}");
}

#[test]
fn json_output_carries_the_same_ledger_as_objects() {
    let (code, out, err) = run(&["fixtures/setups/02_auto_confirm_on.toml", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v[0]["setup"], "Automatic order confirmation left ON");
    let o = &v[0]["orders"][0];
    assert_eq!(
        o["rms"][1],
        serde_json::json!({"at": "+5m", "at_time": "2026-11-28T09:05:00+0900", "from": 100, "to": 200, "cause": "auto_confirm"})
    );
    assert_eq!(o["rms"][0]["from"], serde_json::Value::Null);
    assert_eq!(o["integration"][0]["action"], "never_seen");
    assert_eq!(o["integration"][0]["at"], serde_json::Value::Null);
    assert_eq!(o["integration"][0]["text"], "never seen");
    // The text ledger renders from the same data.
    let ledgers: Vec<rms_conformance::ledger::Ledger> = serde_json::from_str(&out).unwrap();
    let (_, text, _) = run(&["fixtures/setups/02_auto_confirm_on.toml"]);
    assert_eq!(format!("{}\n", ledgers[0].to_text()), text);
}

#[test]
fn an_external_integration_command_is_run_at_every_poll() {
    // cargo test builds the package's examples next to the test binaries.
    let exe = std::env::current_exe().unwrap();
    let example = exe.parent().unwrap().parent().unwrap().join("examples").join("simple_sync");
    assert!(example.exists(), "{} should have been built by cargo test", example.display());
    let cmd = example.display().to_string();
    let (code, out, err) = run(&["fixtures/setups/01_guide_followed.toml", "--integration-cmd", &cmd]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("integration: command"), "{out}");
    assert_eq!(out.matches("confirmed by the integration").count(), 2, "{out}");
    assert!(out.contains("100 → 200 confirmOrder"), "{out}");
    assert!(!out.contains("shipping reported by the integration"), "the example does not ship: {out}");

    // The faults the program's calls met are on its ledger too.
    let (code, out, err) = run(&["fixtures/setups/17_lost_confirm_answer.toml", "--integration-cmd", &cmd]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("+15m       ! fault lost drop_after_effect on confirmOrder (took effect, no answer)"),
        "{out}"
    );

    // A failing command fails the run (issue 15; it used to be a note and exit 0).
    let (code, out, err) = run(&["fixtures/setups/01_guide_followed.toml", "--integration-cmd", "exit 3"]);
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty(), "no ledger for a failed run: {out}");
    assert!(err.contains("the integration command `exit 3` exited with status 3 at the +15m poll"), "{err}");
}

#[test]
fn a_misspelled_integration_command_fails_the_run_naming_it_and_showing_its_stderr_once() {
    let (code, out, err) = run(&["fixtures/setups/01_guide_followed.toml", "--integration-cmd", "simpel_sync"]);
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty(), "{out}");
    assert!(
        err.starts_with("fixtures/setups/01_guide_followed.toml: the integration command `simpel_sync` exited with status 127 (the shell found no such command: check its spelling and PATH) at the +15m poll"),
        "{err}"
    );
    assert_eq!(err.matches("not found").count(), 1, "the shell's complaint once, not once per poll: {err}");
    assert!(err.contains("its stderr:\n"), "{err}");

    let (code, _, err) =
        run(&["fixtures/setups/01_guide_followed.toml", "--integration-cmd", "echo half-done >&2; kill -9 $$"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("was killed by signal 9 at the +15m poll") && err.contains("its stderr:\nhalf-done"), "{err}");
}

#[test]
fn an_unreachable_base_url_is_one_plain_line_and_exit_2() {
    // A port nobody listens on: bound, then released.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = format!("http://127.0.0.1:{port}");
    let (code, out, err) =
        run(&["fixtures/setups/01_guide_followed.toml", "fixtures/setups/02_auto_confirm_on.toml", "--base-url", &url]);
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty(), "{out}");
    assert_eq!(err.lines().count(), 1, "one line, not one per setup or per retry: {err}");
    assert!(
        err.contains(&format!("--base-url {url}: connection refused")) && err.contains("is rms-mock running"),
        "{err}"
    );

    let (code, _, err) = run(&["fixtures/setups/01_guide_followed.toml", "--base-url", "localhost:8080"]);
    assert_eq!((code, err.lines().count()), (2, 1), "{err}");
    assert!(
        err.contains("--base-url localhost:8080: not a URL the runner can use (give it like http://127.0.0.1:8080)"),
        "{err}"
    );
}

#[test]
fn a_setup_naming_a_variant_that_does_not_exist_exits_2_before_the_run() {
    let dir = std::env::temp_dir().join(format!("rms-conformance-variant-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("xl.toml");
    let shop = root().join("fixtures/shops/conformance.toml");
    std::fs::write(
        &bad,
        format!(
            "name = \"x\"\n[rms]\nshop = \"{}\"\n[run]\nend = \"+1h\"\n[[timeline]]\nat = \"+5m\"\n\
             order = {{ lines = [{{ manage_number = \"tshirt-basic\", variant_id = \"XL\" }}] }}\n",
            shop.display()
        ),
    )
    .unwrap();
    let (code, out, err) = run(&[bad.to_str().unwrap()]);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty(), "nothing runs: {out}");
    assert!(
        err.contains("xl.toml: timeline[0].order.lines[0].variant_id: 'XL' does not exist in item 'tshirt-basic' (variants: m-black, l-white)"),
        "{err}"
    );
}

#[test]
fn help_documents_the_exit_statuses() {
    for args in [vec!["--help"], vec!["run", "--help"]] {
        let out = Command::new(BIN).args(&args).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("Exit status:") && text.contains("0  every setup ran"), "{args:?}: {text}");
        assert!(text.contains("2  a setup could not be run as written"), "{args:?}: {text}");
    }
}

#[test]
fn a_bad_setup_file_names_file_key_and_problem_and_exits_2() {
    let dir = std::env::temp_dir().join(format!("rms-conformance-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.toml");
    let shop = root().join("fixtures/shops/conformance.toml");
    std::fs::write(
        &bad,
        format!(
            "name = \"x\"\n[rms]\nshop = \"{}\"\n[run]\nend = \"+1h\"\n[[timeline]]\nat = \"soon\"\npay = \"#1\"\n",
            shop.display()
        ),
    )
    .unwrap();
    let (code, _, err) = run(&[bad.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("bad.toml: timeline[0].at: 'soon' is not an offset"), "{err}");
    std::fs::write(
        &bad,
        format!(
            "name = \"x\"\n[rms]\nshop = \"{}\"\n[run]\nend = \"+1h\"\n[integration]\npoll_every = 5\n",
            shop.display()
        ),
    )
    .unwrap();
    let (code, _, err) = run(&[bad.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("bad.toml: integration") && err.contains("poll_every"), "{err}");
    std::fs::write(
        &bad,
        format!(
            "name = \"x\"\n[rms]\nshop = \"{}\"\n[run]\nend = \"+1h\"\n[[faults]]\nkind = \"maintenance\"\napi = \"orders\"\n",
            shop.display()
        ),
    )
    .unwrap();
    let (code, _, err) = run(&[bad.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("bad.toml: faults[0].api: 'orders' is not an API"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn setups_with_faults_give_the_same_ledgers_against_a_running_fake() {
    let setups = ["fixtures/setups/16_maintenance_window.toml", "fixtures/setups/17_lost_confirm_answer.toml"];
    let (code, local, err) = run(&setups);
    assert_eq!(code, 0, "{err}");
    assert!(local.contains("! fault lost drop_after_effect"), "{local}");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let fake = rt.block_on(rms_mock::RmsMock::start());
    let base = fake.uri();
    let mut args: Vec<&str> = setups.to_vec();
    args.extend(["--base-url", &base]);
    let (code, remote, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    assert_eq!(remote, local, "faults installed through the control plane");
}
