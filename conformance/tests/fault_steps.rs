//! Faults in setups: `[[faults]]` installed before the run, `fault` / `fault_off` steps on the
//! timeline, and how the ledger marks what the integration met.

use rms_conformance::ledger::Ledger;
use rms_conformance::runner::{run, start_in_process, Mode};
use rms_conformance::setup::load;
use std::path::{Path, PathBuf};

/// Runs a setup made of the conformance shop, one product and `rest`.
async fn run_setup(name: &str, rest: &str) -> Ledger {
    run_setup_polling(name, 15, rest).await
}

/// The same, polling every `minutes`.
async fn run_setup_polling(name: &str, minutes: u32, rest: &str) -> Ledger {
    let dir = std::env::temp_dir().join(format!("rms-conformance-faults-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let shop = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/shops/conformance.toml");
    let text = format!(
        "name = \"{name}\"\n[rms]\nshop = '{}'\n[integration]\ninventory_sync = false\n\
         poll_interval_minutes = {minutes}\n[[integration.products]]\nsku = \"TS-M-BK\"\nstock = 40\n{rest}",
        shop.display()
    );
    let path = dir.join("s.toml");
    std::fs::write(&path, text).unwrap();
    let setup = load(Path::new(&path)).unwrap_or_else(|e| panic!("{e}"));
    std::fs::remove_dir_all(&dir).ok();
    let fake = start_in_process().await.unwrap();
    run(&setup, &fake.uri(), &Mode::Reference).await.unwrap_or_else(|e| panic!("{name}: {e}"))
}

const ORDER_AT_5M: &str = r#"
[[timeline]]
at = "+5m"
order = { lines = [{ manage_number = "tshirt-basic", variant_id = "m-black" }] }
"#;

#[tokio::test]
async fn a_fault_off_step_ends_a_fault_installed_before_the_run() {
    let l = run_setup(
        "off",
        &format!(
            "[[faults]]\nid = \"maint\"\napi = \"order\"\nkind = \"maintenance\"\n{ORDER_AT_5M}\
             [[timeline]]\nat = \"+20m\"\nfault_off = \"maint\"\n[run]\nend = \"+40m\"\n"
        ),
    )
    .await;
    let o = l.order("#1").unwrap();
    assert!(o.integration_lines().iter().any(|(at, w)| at == "+30m" && w.starts_with("imported")), "{o:?}");
    assert_eq!(l.summary.fault_lines(), ["+15m maint maintenance on searchOrder (503) (×7, last +16m03s)"]);
}

#[tokio::test]
async fn a_fault_step_starts_failing_at_its_moment_and_fault_off_star_removes_every_fault() {
    let l = run_setup(
        "on-off",
        &format!(
            "{ORDER_AT_5M}[[timeline]]\nat = \"+16m\"\nfault = {{ kind = \"system_error\", functions = [\"rpay.order.searchOrder\"] }}\n\
             [[timeline]]\nat = \"+16m\"\nfault = {{ kind = \"overload\", functions = [\"rpay.order.getOrder\"] }}\n\
             [[timeline]]\nat = \"+35m\"\nfault_off = \"*\"\n\
             [[timeline]]\nat = \"+36m\"\norder = {{ lines = [{{ manage_number = \"tshirt-basic\", variant_id = \"m-black\" }}] }}\n\
             [run]\nend = \"+50m\"\n"
        ),
    )
    .await;
    // Imported before the fault, and the second order after fault_off.
    assert!(l.order("#1").unwrap().integration_lines().iter().any(|(at, w)| at == "+15m" && w.starts_with("imported")));
    assert!(l.order("#2").unwrap().integration_lines().iter().any(|(at, w)| at == "+45m" && w.starts_with("imported")));
    // The fake assigned the ids; the +30m poll met the first fault 7 times.
    assert_eq!(l.summary.fault_lines(), ["+30m f1 system_error on searchOrder (500) (×7, last +31m03s)"]);
    assert_eq!(l.summary.error_count("SEARCH_ORDER_ERROR_500"), Some(7), "{:?}", l.summary.errors);
}

#[tokio::test]
async fn a_latency_fault_moving_the_clock_past_the_next_step_does_not_stop_the_run() {
    let order = "order = { lines = [{ manage_number = \"tshirt-basic\", variant_id = \"m-black\" }] }";
    let l = run_setup_polling(
        "latency",
        1,
        &format!(
            "[[faults]]\nkind = \"latency\"\nlatency_ms = 150000\nfunctions = [\"rpay.order.searchOrder\"]\ntimes = 1\n\
             [[timeline]]\nat = \"+0m\"\n{order}\n[[timeline]]\nat = \"+2m\"\n{order}\n[run]\nend = \"+5m\"\n"
        ),
    )
    .await;
    // The +1m poll's search took 2m30s of the shop's clock: the +2m step plays at +3m30s.
    assert_eq!(l.summary.fault_lines(), ["+3m30s f1 latency on searchOrder (late answer, 200)"]);
    assert_eq!(l.order("#2").unwrap().placed, "+3m30s");
    for o in &l.orders {
        assert!(o.rms_has("confirmOrder"), "{o:?}");
    }
}

#[tokio::test]
async fn a_seeded_probabilistic_fault_fires_on_the_same_calls_on_a_rerun() {
    let rest = "[[faults]]\nid = \"flaky\"\nkind = \"system_error\"\nprobability = 0.5\n\
                functions = [\"rpay.order.searchOrder\"]\n[run]\nend = \"+6h\"\n";
    let first = run_setup("flaky", rest).await;
    let fired: usize = first.summary.error_count("SEARCH_ORDER_ERROR_500").unwrap_or(0);
    let calls = first.summary.calls["searchOrder"];
    assert!(fired > 0 && fired < calls, "some of the {calls} searches failed, not all: {fired}");
    assert_eq!(run_setup("flaky", rest).await.to_text(), first.to_text());
}

#[test]
fn a_fault_step_taking_an_id_the_fake_gives_another_fault_is_a_setup_error() {
    // The first fault gets the id f1 from the fake; the step's own f1 would be refused when
    // the run reaches it, so the setup is refused before the run (it used to be a note).
    let dir = std::env::temp_dir().join(format!("rms-conformance-faults-{}-taken", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let shop = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/shops/conformance.toml");
    let text = format!(
        "name = \"taken\"\n[rms]\nshop = '{}'\n[[faults]]\nkind = \"reset\"\nfunctions = [\"rpay.order.cancelOrder\"]\n\
         {ORDER_AT_5M}[[timeline]]\nat = \"+10m\"\nfault = {{ id = \"f1\", kind = \"maintenance\" }}\n[run]\nend = \"+20m\"\n",
        shop.display()
    );
    let path = dir.join("s.toml");
    std::fs::write(&path, text).unwrap();
    let e = load(&path).unwrap_err().to_string();
    std::fs::remove_dir_all(&dir).ok();
    assert!(e.contains("s.toml: timeline[1].fault.id: 'f1' is the id of a fault installed before this step"), "{e}");
}
