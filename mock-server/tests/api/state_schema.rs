//! `schemas/state.schema.json` describes what the server exports: a busy shop's state and the
//! committed fixture validate against it, and documents that break it do not.
//!
//! The validator is written here, not taken from a crate: the schema uses a small subset of
//! JSON Schema 2020-12 (`type`, `properties`, `required`, `additionalProperties`, `items`,
//! `prefixItems`, `minItems`, `maxItems`, `$ref` into `$defs`, `anyOf`, `oneOf`, `const`,
//! `enum`, `minimum`, `maximum`, `exclusiveMinimum`, `pattern`), and the full validators
//! bring a regex engine and dozens of crates to the build for it. Any other keyword in the
//! schema fails the test (so the schema cannot silently use something unchecked), and
//! `pattern` supports what the schema's patterns use: `^…$`, classes (`[0-9]`, `[^-]`),
//! escaped characters and `{n}` / `+` repetition.

use crate::helpers::*;
use serde_json::{json, Value};

const SCHEMA: &str = include_str!("../../../schemas/state.schema.json");
const FIXTURE: &str = include_str!("../../../fixtures/state/demo.json");

struct Validator<'a> {
    root: &'a Value,
}

impl Validator<'_> {
    /// The problems of `v` against `schema`, each with its path.
    fn check(&self, schema: &Value, v: &Value, path: &str, out: &mut Vec<String>) {
        let Some(s) = schema.as_object() else {
            if schema == &Value::Bool(false) {
                out.push(format!("{path}: not allowed"));
            }
            return;
        };
        for (key, rule) in s {
            match key.as_str() {
                "$schema" | "$id" | "title" | "description" | "$defs" => {}
                "$ref" => {
                    let name = rule.as_str().unwrap().strip_prefix("#/$defs/").unwrap();
                    self.check(&self.root["$defs"][name], v, path, out);
                }
                "type" => {
                    let types: Vec<&str> = match rule {
                        Value::Array(a) => a.iter().map(|t| t.as_str().unwrap()).collect(),
                        t => vec![t.as_str().unwrap()],
                    };
                    if !types.iter().any(|t| is_type(v, t)) {
                        out.push(format!("{path}: {v} is not {types:?}"));
                        return;
                    }
                }
                "properties" => {
                    if let Some(o) = v.as_object() {
                        for (k, sub) in rule.as_object().unwrap() {
                            if let Some(x) = o.get(k) {
                                self.check(sub, x, &format!("{path}.{k}"), out);
                            }
                        }
                    }
                }
                "required" => {
                    if let Some(o) = v.as_object() {
                        for k in rule.as_array().unwrap() {
                            if !o.contains_key(k.as_str().unwrap()) {
                                out.push(format!("{path}: missing {k}"));
                            }
                        }
                    }
                }
                "additionalProperties" => {
                    if let Some(o) = v.as_object() {
                        let known = s.get("properties").and_then(Value::as_object);
                        for (k, x) in o {
                            if !known.is_some_and(|p| p.contains_key(k)) {
                                self.check(rule, x, &format!("{path}.{k}"), out);
                            }
                        }
                    }
                }
                "prefixItems" | "items" | "minItems" | "maxItems" => {
                    let Some(a) = v.as_array() else { continue };
                    let prefix = s.get("prefixItems").and_then(Value::as_array).map_or(0, Vec::len);
                    match key.as_str() {
                        "prefixItems" => {
                            for (i, (sub, x)) in rule.as_array().unwrap().iter().zip(a).enumerate() {
                                self.check(sub, x, &format!("{path}[{i}]"), out);
                            }
                        }
                        "items" => {
                            for (i, x) in a.iter().enumerate().skip(prefix) {
                                self.check(rule, x, &format!("{path}[{i}]"), out);
                            }
                        }
                        "minItems" if (a.len() as u64) < rule.as_u64().unwrap() => {
                            out.push(format!("{path}: fewer than {rule} items"))
                        }
                        "maxItems" if (a.len() as u64) > rule.as_u64().unwrap() => {
                            out.push(format!("{path}: more than {rule} items"))
                        }
                        _ => {}
                    }
                }
                "anyOf" | "oneOf" => {
                    let fits = rule
                        .as_array()
                        .unwrap()
                        .iter()
                        .filter(|sub| {
                            let mut problems = Vec::new();
                            self.check(sub, v, path, &mut problems);
                            problems.is_empty()
                        })
                        .count();
                    if (key == "anyOf" && fits == 0) || (key == "oneOf" && fits != 1) {
                        out.push(format!("{path}: {v} fits {fits} of the {key} choices"));
                    }
                }
                "const" if v != rule => out.push(format!("{path}: {v} is not {rule}")),
                "enum" if !rule.as_array().unwrap().contains(v) => {
                    out.push(format!("{path}: {v} is not one of {rule}"))
                }
                "minimum" | "maximum" | "exclusiveMinimum" => {
                    let (Some(x), Some(bound)) = (v.as_f64(), rule.as_f64()) else { continue };
                    let ok = match key.as_str() {
                        "minimum" => x >= bound,
                        "maximum" => x <= bound,
                        _ => x > bound,
                    };
                    if !ok {
                        out.push(format!("{path}: {v} breaks {key} {rule}"));
                    }
                }
                "pattern" => {
                    if let Some(text) = v.as_str() {
                        if !matches_pattern(rule.as_str().unwrap(), text) {
                            out.push(format!("{path}: {text:?} does not match {rule}"));
                        }
                    }
                }
                "const" | "enum" => {}
                other => panic!("the schema uses {other:?}, which this validator does not check"),
            }
        }
    }
}

fn is_type(v: &Value, t: &str) -> bool {
    match t {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        other => panic!("unknown type {other}"),
    }
}

/// One element of a pattern: a set of characters (a literal is a set of one), repeated.
struct Atom {
    chars: Vec<(char, char)>,
    negated: bool,
    min: usize,
    max: usize,
}

/// `^…$` patterns made of literals, `\x` escapes and `[…]` classes, each optionally
/// followed by `{n}` or `+`.
fn matches_pattern(pattern: &str, text: &str) -> bool {
    let body = pattern.strip_prefix('^').and_then(|p| p.strip_suffix('$')).expect("anchored pattern");
    let mut atoms = Vec::new();
    let mut p = body.chars().peekable();
    while let Some(c) = p.next() {
        let (chars, negated) = match c {
            '\\' => (vec![(p.peek().copied().unwrap(), p.next().unwrap())], false),
            '[' => {
                let negated = p.next_if_eq(&'^').is_some();
                let mut set = Vec::new();
                while let Some(c) = p.next() {
                    if c == ']' {
                        break;
                    }
                    if p.next_if_eq(&'-').is_some() {
                        match p.next() {
                            Some(']') => {
                                set.push((c, c));
                                set.push(('-', '-'));
                                break;
                            }
                            Some(hi) => set.push((c, hi)),
                            None => panic!("bad class in {pattern}"),
                        }
                    } else {
                        set.push((c, c));
                    }
                }
                (set, negated)
            }
            '.' | '*' | '?' | '(' | ')' | '|' => panic!("{pattern}: {c} is not supported here"),
            c => (vec![(c, c)], false),
        };
        let (min, max) = if p.next_if_eq(&'+').is_some() {
            (1, usize::MAX)
        } else if p.next_if_eq(&'{').is_some() {
            let n: String = p.by_ref().take_while(|c| *c != '}').collect();
            let n = n.parse().expect("{n}");
            (n, n)
        } else {
            (1, 1)
        };
        atoms.push(Atom { chars, negated, min, max });
    }
    fn fits(a: &Atom, c: char) -> bool {
        a.chars.iter().any(|(lo, hi)| (*lo..=*hi).contains(&c)) != a.negated
    }
    fn go(atoms: &[Atom], text: &[char]) -> bool {
        let Some((a, rest)) = atoms.split_first() else { return text.is_empty() };
        let most = text.iter().take(a.max).take_while(|c| fits(a, **c)).count();
        (a.min..=most).rev().any(|n| go(rest, &text[n..]))
    }
    go(&atoms, &text.chars().collect::<Vec<_>>())
}

fn problems(doc: &Value) -> Vec<String> {
    let schema: Value = serde_json::from_str(SCHEMA).unwrap();
    let mut out = Vec::new();
    Validator { root: &schema }.check(&schema, doc, "$", &mut out);
    out
}

#[test]
fn the_patterns_of_the_schema_match_what_they_should_and_only_that() {
    let datetime = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\+0900$";
    assert!(matches_pattern(datetime, "2026-11-28T09:00:00+0900"));
    for bad in ["2026-11-28T09:00:00+09:00", "2026-11-28T09:00:00", "x2026-11-28T09:00:00+0900"] {
        assert!(!matches_pattern(datetime, bad), "{bad}");
    }
    let number = "^[^-]+-[0-9]{8}-[0-9]{10}$";
    assert!(matches_pattern(number, "123456-20261128-0254529834"));
    assert!(!matches_pattern(number, "123456-20261128-025452983"));
    assert!(!matches_pattern(number, "-20261128-0254529834"));
    assert!(matches_pattern("^[^A-Z]+$", "tshirt-basic") && !matches_pattern("^[^A-Z]+$", "Tshirt"));
}

#[tokio::test]
async fn exports_and_the_committed_fixture_validate_against_the_schema() {
    let app = spawn(
        shop()
            .with_setting("item_get_lag_seconds = 5")
            .with_toml("[simulate]\nenabled = true\norders_per_hour = 30\nseed = 7\n")
            .with_toml("[[sub_statuses]]\nid = 1101\nname = \"在庫確認中\"\norder_progress = 100\n"),
    )
    .await;
    let n = app.place_one(9).await;
    app.confirm(&[&n]).await;
    app.order("updateOrderSubStatus", json!({"subStatusId": 1101, "orderNumberList": [app.place_one(1).await]})).await;
    app.put("/es/2.0/items/manage-numbers/hoodie", item_body("パーカー", &[("s", "S", 4980)])).await;
    app.set_stock("orphan", "x", 3).await;
    app.shop().staff_confirm(&app.place_one(1).await).await.unwrap();
    let fault = json!({"functions": ["rpay.order.getOrder"], "kind": "maintenance", "times": 1});
    assert_eq!(app.admin(reqwest::Method::POST, &app.shop_path("/faults"), Some(fault)).await.0, 201);
    assert_eq!(app.get_order(&[&n], json!(9)).await.0, 503);
    app.advance(180).await;
    let doc: Value = serde_json::from_str(&app.mock.export_state().await.unwrap()).unwrap();
    let shop = &doc["shops"][0];
    assert!(shop["orders"].as_array().unwrap().len() > 2, "the simulated buyers ordered");
    assert!(!shop["shop"]["simulation"].is_null() && !shop["journal"].as_array().unwrap().is_empty());
    assert_eq!(shop["shop"]["faults"]["faults"][0]["fired"], 1);
    assert!(shop["journal"].as_array().unwrap().iter().any(|e| e["fault"]["kind"] == "maintenance"));
    assert!(shop["journal"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["staff"]["action"] == "confirm" && e["function"].is_null()));
    assert_eq!(problems(&doc), Vec::<String>::new());
    assert_eq!(problems(&serde_json::from_str(FIXTURE).unwrap()), Vec::<String>::new());
}

#[test]
fn documents_that_break_the_format_do_not_validate() {
    let good: Value = serde_json::from_str(FIXTURE).unwrap();
    let broken = |f: &dyn Fn(&mut Value)| {
        let mut d = good.clone();
        f(&mut d);
        problems(&d)
    };
    assert_eq!(broken(&|d| d["version"] = json!(2)), ["$.version: 2 is not 1"]);
    assert_eq!(broken(&|d| d["shops"][0]["shop"]["extra"] = json!(1)), ["$.shops[0].shop.extra: not allowed"]);
    assert_eq!(
        broken(&|d| d["shops"][0]["orders"][0]["order_datetime"] = json!("2026-11-28 09:00")),
        ["$.shops[0].orders[0].order_datetime: \"2026-11-28 09:00\" does not match \"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\\\+0900$\""]
    );
    assert_eq!(
        broken(&|d| {
            d["shops"][0]["orders"][0].as_object_mut().unwrap().remove("history");
        }),
        ["$.shops[0].orders[0]: missing \"history\""]
    );
    assert_eq!(
        broken(&|d| d["shops"][0]["schedule"][0]["event"] = json!({"kind": "processing"})),
        ["$.shops[0].schedule[0].event: {\"kind\":\"processing\"} fits 0 of the oneOf choices"]
    );
}

#[tokio::test]
async fn orders_of_every_kind_and_8_digit_numbers_validate_against_the_schema() {
    let app = spawn(shop().with_setting("order_number_tail = 8")).await;
    let socks = json!([{"manage_number": "socks", "variant_id": "socks"}]);
    for body in [
        json!({"lines": socks, "order_type": 4, "reserve_delivery_count": 2}),
        json!({"lines": socks, "social_gift": true}),
        json!({"lines": socks, "postage_undetermined": true, "destinations": [{"lines": socks}]}),
        json!({"lines": socks, "caution_display_type": 1, "caution_display_detail_type": 101, "review_ng": true}),
    ] {
        assert_eq!(app.place_raw(body).await.0, 201);
    }
    let doc: Value = serde_json::from_str(&app.mock.export_state().await.unwrap()).unwrap();
    let orders = doc["shops"][0]["orders"].as_array().unwrap();
    assert!(orders[0]["number"].as_str().unwrap().len() == 6 + 1 + 8 + 1 + 8, "an 8-digit tail");
    assert!(orders[0].get("reservation").is_some() && orders[1]["packages"][0].get("social_gift").is_some());
    assert_eq!(problems(&doc), Vec::<String>::new());
    // The schema refuses what the fake never writes.
    let mut bad = doc.clone();
    bad["shops"][0]["orders"][0]["order_type"] = json!(1);
    bad["shops"][0]["orders"][1]["number"] = json!("123456-20261128-123456789");
    assert_eq!(problems(&bad).len(), 2, "{:?}", problems(&bad));
}
