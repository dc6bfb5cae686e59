//! JSON merge patch (RFC 7396), the one way this project merges documents: item patches
//! (items.patch), control-plane settings patches, and setup overrides over shop documents.
//!
//! Written here rather than taken from a crate because key order matters to us (RMS clients
//! and our golden files see it) and the whole rule is twenty lines: objects merge key by key,
//! `null` removes a key (for settings that means "back to the default", since the result is
//! read again with serde defaults), anything else replaces. Removal uses `shift_remove`, so the
//! remaining keys keep their order (`remove` would swap the last key into the hole).

use serde_json::{Map, Value};

/// Applies `patch` to `target` in place, as RFC 7396 section 2 describes.
///
/// New keys go at the end; replaced keys keep their place.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(p) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let Value::Object(t) = target else { unreachable!("made an object above") };
    for (key, value) in p {
        if value.is_null() {
            t.shift_remove(key);
        } else {
            merge_patch(t.entry(key.clone()).or_insert(Value::Null), value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::merge_patch;
    use serde_json::{json, Value};

    fn merged(target: Value, patch: Value) -> Value {
        let mut t = target;
        merge_patch(&mut t, &patch);
        t
    }

    #[test]
    fn the_examples_of_rfc_7396_appendix_a_hold() {
        let cases = [
            (json!({"a":"b"}), json!({"a":"c"}), json!({"a":"c"})),
            (json!({"a":"b"}), json!({"b":"c"}), json!({"a":"b","b":"c"})),
            (json!({"a":"b"}), json!({"a":null}), json!({})),
            (json!({"a":"b","b":"c"}), json!({"a":null}), json!({"b":"c"})),
            (json!({"a":["b"]}), json!({"a":"c"}), json!({"a":"c"})),
            (json!({"a":"c"}), json!({"a":["b"]}), json!({"a":["b"]})),
            (json!({"a":{"b":"c"}}), json!({"a":{"b":"d","c":null}}), json!({"a":{"b":"d"}})),
            (json!({"a":[{"b":"c"}]}), json!({"a":[1]}), json!({"a":[1]})),
            (json!(["a", "b"]), json!(["c", "d"]), json!(["c", "d"])),
            (json!({"a":"b"}), json!(["c"]), json!(["c"])),
            (json!({"a":"foo"}), json!(null), json!(null)),
            (json!({"a":"foo"}), json!("bar"), json!("bar")),
            (json!({"e":null}), json!({"a":1}), json!({"e":null,"a":1})),
            (json!([1, 2]), json!({"a":"b","c":null}), json!({"a":"b"})),
            (json!({}), json!({"a":{"bb":{"ccc":null}}}), json!({"a":{"bb":{}}})),
        ];
        for (target, patch, want) in cases {
            assert_eq!(merged(target.clone(), patch.clone()), want, "{target} + {patch}");
        }
    }

    #[test]
    fn key_order_is_kept_when_keys_are_replaced_or_removed() {
        let out = merged(json!({"a":1,"b":2,"c":3,"d":4}), json!({"b":null,"c":30,"e":5}));
        let keys: Vec<&str> = out.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["a", "c", "d", "e"]);
    }

    // ----- properties (issue 12) -----

    use proptest::prelude::*;

    /// JSON over a few keys (so patches and targets meet), with or without nulls.
    fn json(nulls: bool) -> impl Strategy<Value = Value> {
        let key = prop::sample::select(vec!["a", "b", "c", "d"]).prop_map(String::from);
        let leaf = prop_oneof![
            any::<bool>().prop_map(Value::from),
            (-3i64..3).prop_map(Value::from),
            "[xy]{0,2}".prop_map(Value::from),
            Just(if nulls { Value::Null } else { json!(0) }),
        ];
        leaf.prop_recursive(3, 24, 4, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
                prop::collection::vec((key.clone(), inner), 0..4)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    fn object(nulls: bool) -> impl Strategy<Value = Value> {
        prop::collection::vec((prop::sample::select(vec!["a", "b", "c", "d"]), json(nulls)), 0..4)
            .prop_map(|kv| Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect()))
    }

    /// The patch that turns `from` into `to` (`to` without nulls): what RFC 7396 says a patch
    /// can express.
    fn diff(from: &Value, to: &Value) -> Value {
        match (from, to) {
            (Value::Object(f), Value::Object(t)) => {
                let mut p = serde_json::Map::new();
                for k in f.keys().filter(|k| !t.contains_key(*k)) {
                    p.insert(k.clone(), Value::Null);
                }
                for (k, v) in t {
                    match f.get(k) {
                        Some(old) if old == v => {}
                        Some(old) if old.is_object() && v.is_object() => {
                            p.insert(k.clone(), diff(old, v));
                        }
                        _ => {
                            p.insert(k.clone(), if v.is_object() { diff(&Value::Null, v) } else { v.clone() });
                        }
                    }
                }
                Value::Object(p)
            }
            _ => to.clone(),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(crate::proptest_cases(256)))]

        #[test]
        fn applying_a_patch_twice_is_applying_it_once(target in json(true), patch in json(true)) {
            let once = merged(target, patch.clone());
            prop_assert_eq!(merged(once.clone(), patch), once);
        }

        #[test]
        fn the_empty_patch_leaves_an_object_as_it_is_keys_in_order(target in object(true)) {
            prop_assert_eq!(merged(target.clone(), json!({})).to_string(), target.to_string());
        }

        /// Keys the patch does not name keep their values and their order; keys it gives a
        /// value (not an object) get that value; keys it gives `null` are gone.
        #[test]
        fn a_patch_changes_only_the_keys_it_names(target in object(true), patch in object(true)) {
            let out = merged(target.clone(), patch.clone());
            let (t, p, o) = (target.as_object().unwrap(), patch.as_object().unwrap(), out.as_object().unwrap());
            let kept: Vec<&String> = t.keys().filter(|k| !p.contains_key(*k)).collect();
            let kept_out: Vec<&String> = o.keys().filter(|k| !p.contains_key(*k)).collect();
            prop_assert_eq!(&kept, &kept_out);
            for k in kept {
                prop_assert_eq!(&o[k], &t[k]);
            }
            for (k, v) in p {
                match v {
                    Value::Null => prop_assert!(!o.contains_key(k)),
                    Value::Object(_) => prop_assert!(o[k].is_object()),
                    v => prop_assert_eq!(&o[k], v),
                }
            }
        }

        /// Any document without nulls is reached from any other by the patch between them.
        #[test]
        fn the_patch_between_two_documents_turns_one_into_the_other(from in object(true), to in object(false)) {
            prop_assert_eq!(merged(from.clone(), diff(&from, &to)), to);
        }
    }
}
