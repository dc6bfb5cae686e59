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
}
