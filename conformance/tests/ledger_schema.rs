//! `schemas/ledger.schema.json` describes what `rms-conformance run --format json` prints. The
//! setups' test validates every setup's ledger against it (`tests/setups.rs`); here, a ledger
//! with every kind of entry validates, and ledgers that break the format do not.

#[path = "../../testkit/json_schema.rs"]
mod json_schema;

use serde_json::{json, Value};

const SCHEMA: &str = include_str!("../../schemas/ledger.schema.json");

fn problems(doc: &Value) -> Vec<String> {
    json_schema::validate(&serde_json::from_str(SCHEMA).unwrap(), doc)
}

/// A ledger using every optional part: a refused order, stock capped, a fault on a call,
/// a repeated note, a bare HTTP error.
fn full() -> Value {
    json!([{
        "setup": "all parts", "file": "99_all.toml", "shop_id": "300001",
        "start": "2026-11-28T09:00:00+0900", "end": "2026-11-28T12:00:00+0900",
        "integration": "reference · …",
        "orders": [
            {
                "label": "#1", "order_number": "300001-20261128-0266832646", "payment": "card",
                "placed": "+5m", "placed_time": "2026-11-28T09:05:00+0900", "refused": null,
                "rms": [
                    {"at": "+5m", "at_time": "2026-11-28T09:05:00+0900", "from": null, "to": 100, "cause": "placed"},
                    {"at": "+15m", "at_time": "2026-11-28T09:15:00+0900", "from": 100, "to": 900, "cause": "staff_cancel"}
                ],
                "stock_capped": [{"at": "+15m", "at_time": "2026-11-28T09:15:00+0900", "manage_number": "mug",
                                  "variant_id": "std", "units": 3, "lost": 1}],
                "integration": [
                    {"at": "+15m", "at_time": "2026-11-28T09:15:00+0900", "action": "fault", "failed": true,
                     "text": "! fault m1 maintenance on getOrder (503)",
                     "fault": {"id": "m1", "kind": "maintenance", "operation": "getOrder", "http_status": 503, "effect": "503"},
                     "count": 2, "last": "+15m01s", "last_time": "2026-11-28T09:15:01+0900"},
                    {"at": null, "at_time": null, "action": "never_seen", "failed": false, "text": "never seen",
                     "count": 1, "last": null, "last_time": null}
                ],
                "calls": [{"operation": "getOrder", "http_status": null, "codes": [], "count": 1},
                          {"operation": "getOrder", "http_status": 503, "codes": ["GET_ORDER_ERROR_503"], "count": 2}]
            },
            {
                "label": "#2", "order_number": null, "payment": "COD", "placed": "+1h00m",
                "placed_time": "2026-11-28T10:00:00+0900", "refused": "out of stock",
                "rms": [], "integration": [], "calls": []
            }
        ],
        "summary": {
            "calls": {"getOrder": 3},
            "errors": [{"code": "GET_ORDER_ERROR_503", "http_status": 503, "count": 2},
                       {"code": null, "http_status": 429, "count": 1}],
            "stock_pushed": {"MUG-WH": 10},
            "faults": [{"at": "+15m", "at_time": "2026-11-28T09:15:00+0900", "id": "m1", "kind": "maintenance",
                        "operation": "getOrder", "http_status": 503, "effect": "503", "count": 2,
                        "last": "+15m01s", "last_time": "2026-11-28T09:15:01+0900"}],
            "notes": [{"at": "+30m", "at_time": "2026-11-28T09:30:00+0900", "text": "searchOrder failed", "count": 3,
                       "last": "+1h00m", "last_time": "2026-11-28T10:00:00+0900"},
                      {"at": null, "at_time": null, "text": "the integration command failed 1 time(s)", "count": 1,
                       "last": null, "last_time": null}]
        }
    }])
}

#[test]
fn a_ledger_with_every_kind_of_entry_validates_and_reads_back() {
    let doc = full();
    assert_eq!(problems(&doc), Vec::<String>::new());
    let back: Vec<rms_conformance::ledger::Ledger> = serde_json::from_value(doc.clone()).unwrap();
    assert_eq!(serde_json::to_value(&back).unwrap(), doc, "the schema's example is the ledger's own shape");
}

#[test]
fn ledgers_that_break_the_format_do_not_validate() {
    type Break = fn(&mut Value);
    let cases: Vec<(&str, Break)> = vec![
        ("status changes as the old text pairs", |d| d[0]["orders"][0]["rms"][0] = json!(["+5m", "→ 100 placed"])),
        ("a status RMS does not have", |d| d[0]["orders"][0]["rms"][1]["to"] = json!(250)),
        ("a status as a string", |d| d[0]["orders"][0]["rms"][1]["from"] = json!("100")),
        ("an offset without its +", |d| d[0]["orders"][0]["rms"][0]["at"] = json!("5m")),
        ("a time without +0900", |d| d[0]["orders"][0]["rms"][0]["at_time"] = json!("2026-11-28T09:05:00")),
        ("a cause with a space", |d| d[0]["orders"][0]["rms"][0]["cause"] = json!("placed by buyer")),
        ("an unknown action kind", |d| d[0]["orders"][0]["integration"][1]["action"] = json!("teleport")),
        ("an action without failed", |d| {
            d[0]["orders"][0]["integration"][1].as_object_mut().unwrap().remove("failed");
        }),
        ("a call as a string", |d| d[0]["orders"][0]["calls"][0] = json!("getOrder GET_ORDER_INFO_101")),
        ("a call counted 0 times", |d| d[0]["orders"][0]["calls"][0]["count"] = json!(0)),
        ("an HTTP status out of range", |d| d[0]["orders"][0]["calls"][1]["http_status"] = json!(1503)),
        ("errors as the old map", |d| d[0]["summary"]["errors"] = json!({"GET_ORDER_ERROR_503": 2})),
        ("a fault as a string", |d| d[0]["summary"]["faults"][0] = json!("+15m m1 maintenance on getOrder (503)")),
        ("an empty faults list (left out when none)", |d| d[0]["summary"]["faults"] = json!([])),
        ("a note as a string", |d| d[0]["summary"]["notes"][0] = json!("+30m searchOrder failed")),
        ("an unknown key", |d| d[0]["orders"][0]["colour"] = json!("red")),
        ("a missing summary", |d| {
            d[0].as_object_mut().unwrap().remove("summary");
        }),
        ("a single ledger instead of the array", |d| *d = d[0].clone()),
    ];
    for (what, break_it) in cases {
        let mut doc = full();
        break_it(&mut doc);
        assert!(!problems(&doc).is_empty(), "{what} should not validate");
    }
}
