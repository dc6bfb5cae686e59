//! The shop's staff in setups: `staff = { … }` steps, and how the ledger shows them (RMS lines
//! with the staff's causes, notes for what moves no status, refusals).

mod common;

use rms_conformance::ledger::Ledger;

/// A setup of the conformance shop, one product and `rest`.
fn setup_text(name: &str, rest: &str) -> String {
    format!(
        "name = \"{name}\"\n[rms]\nshop = '{}'\n[integration]\ninventory_sync = false\n\
         [[integration.products]]\nsku = \"TS-M-BK\"\nstock = 40\n{rest}",
        common::conformance_shop()
    )
}

/// Runs such a setup with the reference tool.
async fn run_setup(name: &str, rest: &str) -> Ledger {
    let setup = common::load_setup(&format!("staff-{name}"), &setup_text(name, rest));
    common::run_in_process(&setup).await.0
}

const ORDERS: &str = r#"
[[timeline]]
at = "+5m"
order = { lines = [{ manage_number = "tshirt-basic", variant_id = "m-black" }] }

[[timeline]]
at = "+6m"
order = { lines = [{ manage_number = "tshirt-basic", variant_id = "m-black" }] }
"#;

#[tokio::test]
async fn staff_confirm_before_the_poll_shows_as_staff_confirm_and_the_tool_never_sees_the_order() {
    let l = run_setup(
        "confirm",
        &format!("{ORDERS}[[timeline]]\nat = \"+10m\"\nstaff = {{ confirm = \"#1\" }}\n[run]\nend = \"+1h\"\n"),
    )
    .await;
    let o = l.order("#1").unwrap();
    assert!(o.rms_lines().iter().any(|(at, w)| at == "+10m" && w == "100 → 200 staff_confirm"), "{o:?}");
    // The reference tool searches 100 only: the order confirmed in RMS never reaches it.
    assert!(o.integration_lines().iter().any(|(_, w)| w.contains("never seen")), "{o:?}");
    let other = l.order("#2").unwrap();
    assert!(other.rms_lines().iter().any(|(_, w)| w == "100 → 200 confirmOrder"), "{other:?}");
}

#[tokio::test]
async fn staff_edit_after_import_goes_through_400_and_every_other_staff_action_is_a_note() {
    let l = run_setup(
        "edit",
        &format!(
            "{ORDERS}[[timeline]]\nat = \"+20m\"\nstaff = {{ edit = \"#1\", items = [{{ manage_number = \"tshirt-basic\", variant_id = \"m-black\", units = 2 }}] }}\n\
             [[timeline]]\nat = \"+21m\"\nstaff = {{ stock = {{ manage_number = \"tshirt-basic\", variant_id = \"m-black\", quantity = 5 }} }}\n\
             [[timeline]]\nat = \"+22m\"\nstaff = {{ cancel = \"#2\" }}\n\
             [[timeline]]\nat = \"+23m\"\nstaff = {{ confirm = \"#2\" }}\n\
             [[timeline]]\nat = \"+24m\"\nstaff = {{ renew_license = \"SL300001_next\", active_after_minutes = 20 }}\n\
             [run]\nend = \"+2h\"\n"
        ),
    )
    .await;
    let o = l.order("#1").unwrap();
    let lines = o.rms_lines();
    let rms: Vec<&str> = lines.iter().map(|(_, w)| w.as_str()).collect();
    assert!(rms.contains(&"200 → 400 staff_edit"), "{rms:?}");
    assert!(rms.contains(&"400 → 200 change_confirmed"), "{rms:?}");
    let two = l.order("#2").unwrap();
    assert!(two.rms_lines().iter().any(|(_, w)| w == "200 → 900 staff_cancel"), "{two:?}");
    let notes = &l.summary.note_lines();
    assert!(notes.iter().any(|n| n.contains("staff stock tshirt-basic/m-black ABSOLUTE 5 → 5")), "{notes:?}");
    // The journal lists the staff's actions too; the ledger's call counts leave them out (this
    // tool never calls the Inventory API: inventory_sync is off).
    let calls = &l.summary.calls;
    assert!(calls.keys().all(|op| !op.contains("inventories") && !op.contains("staff")), "{calls:?}");
    assert!(notes.iter().any(|n| n.contains("staff confirm #2 refused")), "{notes:?}");
    assert!(notes.iter().any(|n| n.contains("staff renew licence key SL300001_next active from")), "{notes:?}");
}

#[test]
fn a_staff_step_needs_exactly_one_action_and_a_valid_edit() {
    for (rest, expect) in [
        ("staff = { confirm = \"#1\", cancel = \"#1\" }", "timeline[0].staff: give exactly one of"),
        ("staff = { restock = true }", "(0 given)"),
        ("staff = { edit = \"#1\", postage_price = -5 }", "edit #1: postage_price: -5"),
        ("staff = { edit = \"#1\" }", "give at least one of items, postage_price, address"),
        ("staff = { confirm = \"#1\", colour = 1 }", "colour"),
    ] {
        let text = setup_text("bad", &format!("[[timeline]]\nat = \"+5m\"\n{rest}\n[run]\nend = \"+1h\"\n"));
        let e = common::try_load_setup("staff-bad", &text).unwrap_err().to_string();
        assert!(e.contains(expect), "{rest}: {e}");
    }
}
