//! Reading an order-API request body field by field, collecting RMS validation messages
//! (`ERROR_009` missing, `ERROR_010` empty, `ERROR_011` malformed) instead of failing on the
//! first, as RMS answers several at once (order-api.md §8.1, the 400 sample).
//!
//! Scalars are coerced the way a Jackson backend with default settings does: `"7"` reads as
//! the number 7 (clients send getOrder's `version` either way), integral floats as integers.

use super::envelope::Message;
use crate::domain::time::JstDateTime;
use crate::settings::{DatetimeMode, KeyCase};
use serde_json::{Map, Value};

/// A request body's top-level object, keys in the order sent (duplicates kept: the last value
/// of a key counts, as with serde_json's `Map`). A list, not a `Map`: a `Map` hashes every key
/// with SipHash into an index the fields never use (a body has a handful of keys, compared
/// one by one), and parsing the body was the costliest part of a searchOrder (issue 11).
#[derive(Debug, Default)]
pub struct Body(Vec<(String, Value)>);

impl<'de> serde::Deserialize<'de> for Body {
    /// An object, or `null` (an empty body); anything else is not a body.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Body;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_unit<E>(self) -> Result<Body, E> {
                Ok(Body::default())
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Body, A::Error> {
                let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(8).min(64));
                while let Some(entry) = map.next_entry::<String, Value>()? {
                    entries.push(entry);
                }
                Ok(Body(entries))
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// A JSON object the fields are read from: a request's [`Body`], or a nested object.
pub trait Object {
    /// The value of the key spelt exactly `name` (the last one, if it is repeated).
    fn exact(&self, name: &str) -> Option<&Value>;
    /// The value of the first key (in the order sent) equal to `name` ignoring ASCII case.
    fn ignoring_case(&self, name: &str) -> Option<&Value>;
}

impl Object for Body {
    fn exact(&self, name: &str) -> Option<&Value> {
        self.0.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    fn ignoring_case(&self, name: &str) -> Option<&Value> {
        let (key, _) = self.0.iter().find(|(k, _)| k.eq_ignore_ascii_case(name))?;
        self.exact(key)
    }
}

impl Object for Map<String, Value> {
    fn exact(&self, name: &str) -> Option<&Value> {
        // A few keys, and an operation reads a few dozen fields: comparing the keys is
        // cheaper than hashing each name (the map's hasher is SipHash).
        if self.len() <= 16 {
            self.iter().find(|(k, _)| k.as_str() == name).map(|(_, v)| v)
        } else {
            self.get(name)
        }
    }

    fn ignoring_case(&self, name: &str) -> Option<&Value> {
        self.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v)
    }
}

pub struct Fields<'a> {
    obj: &'a dyn Object,
    op: &'static str,
    case: KeyCase,
    pub errors: Vec<Message>,
}

enum Raw<'a> {
    Missing,
    Empty,
    Present(&'a Value),
}

impl<'a> Fields<'a> {
    pub fn new(obj: &'a dyn Object, op: &'static str, case: KeyCase) -> Self {
        Fields { obj, op, case, errors: Vec::new() }
    }

    /// A nested model (e.g. `PaginationRequestModel`) read with the same rules; its errors are
    /// merged back with [`Fields::absorb`].
    pub fn nested(&self, obj: &'a Map<String, Value>) -> Fields<'a> {
        Fields::new(obj, self.op, self.case)
    }

    pub fn absorb(&mut self, other: Fields<'_>) {
        self.errors.extend(other.errors);
    }

    pub fn ok(&self) -> bool {
        self.errors.is_empty()
    }

    pub fn lookup(&self, name: &str) -> Option<&'a Value> {
        let obj: &'a dyn Object = self.obj;
        obj.exact(name).or_else(|| match self.case {
            KeyCase::Exact => None,
            KeyCase::Insensitive => obj.ignoring_case(name),
        })
    }

    fn raw(&self, name: &str) -> Raw<'a> {
        match self.lookup(name) {
            None => Raw::Missing,
            Some(Value::Null) => Raw::Empty,
            Some(Value::String(s)) if s.trim().is_empty() => Raw::Empty,
            Some(v) => Raw::Present(v),
        }
    }

    pub fn missing(&mut self, name: &str) {
        self.errors.push(Message::error(self.op, "009", format!("{name}の項目を指定して下さい。")));
    }

    pub fn empty(&mut self, name: &str) {
        self.errors.push(Message::error(self.op, "010", format!("{name}の値を指定して下さい。")));
    }

    pub fn malformed(&mut self, name: &str) {
        self.errors.push(Message::error(self.op, "011", format!("{name}の書式が不正です。")));
    }

    /// Records a custom error (codes the spec gives per rule, e.g. the search range).
    pub fn error(&mut self, code: &str, text: String) {
        self.errors.push(Message::error(self.op, code, text));
    }

    fn present(&mut self, name: &str, required: bool) -> Option<&'a Value> {
        match self.raw(name) {
            Raw::Present(v) => Some(v),
            Raw::Missing => {
                if required {
                    self.missing(name);
                }
                None
            }
            Raw::Empty => {
                if required {
                    self.empty(name);
                }
                None
            }
        }
    }

    /// An integer field.
    pub fn int(&mut self, name: &str, required: bool) -> Option<i64> {
        let v = self.present(name, required)?;
        match as_int(v) {
            Some(n) => Some(n),
            None => {
                self.malformed(name);
                None
            }
        }
    }

    /// An integer within `range`; anything else is `ERROR_011`.
    pub fn int_in(&mut self, name: &str, required: bool, range: std::ops::RangeInclusive<i64>) -> Option<i64> {
        let n = self.int(name, required)?;
        if range.contains(&n) {
            Some(n)
        } else {
            self.malformed(name);
            None
        }
    }

    /// A 0/1 flag, `false` when left out.
    pub fn flag(&mut self, name: &str) -> bool {
        self.int_in(name, false, 0..=1) == Some(1)
    }

    pub fn string(&mut self, name: &str, required: bool) -> Option<String> {
        let v = self.present(name, required)?;
        match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => {
                self.malformed(name);
                None
            }
        }
    }

    /// A non-empty list whose every element `item` accepts; otherwise `ERROR_010`/`ERROR_011`.
    fn list<T>(&mut self, name: &str, required: bool, item: impl Fn(&Value) -> Option<T>) -> Option<Vec<T>> {
        let v = self.present(name, required)?;
        let Value::Array(items) = v else {
            self.malformed(name);
            return None;
        };
        if items.is_empty() {
            if required {
                self.empty(name);
            }
            return None;
        }
        let parsed: Option<Vec<T>> = items.iter().map(item).collect();
        if parsed.is_none() {
            self.malformed(name);
        }
        parsed
    }

    pub fn int_list(&mut self, name: &str, required: bool) -> Option<Vec<i64>> {
        self.list(name, required, as_int)
    }

    pub fn string_list(&mut self, name: &str, required: bool) -> Option<Vec<String>> {
        self.list(name, required, |i| match i {
            Value::String(s) if !s.is_empty() => Some(s.clone()),
            _ => None,
        })
    }

    pub fn datetime(&mut self, name: &str, required: bool, mode: DatetimeMode) -> Option<JstDateTime> {
        let v = self.present(name, required)?;
        let parsed = match (v, mode) {
            (Value::String(s), DatetimeMode::Strict) => JstDateTime::parse_rms(s).ok(),
            (Value::String(s), DatetimeMode::Lenient) => JstDateTime::parse_flexible(s).ok(),
            _ => None,
        };
        if parsed.is_none() {
            self.malformed(name);
        }
        parsed
    }

    /// A nested object; a non-object is `ERROR_011`.
    pub fn object(&mut self, name: &str) -> Option<&'a Map<String, Value>> {
        let v = self.present(name, false)?;
        match v {
            Value::Object(m) => Some(m),
            _ => {
                self.malformed(name);
                None
            }
        }
    }

    /// A list of nested objects.
    pub fn object_list(&mut self, name: &str) -> Option<Vec<&'a Map<String, Value>>> {
        let v = self.present(name, false)?;
        let Value::Array(items) = v else {
            self.malformed(name);
            return None;
        };
        let objs: Option<Vec<_>> = items.iter().map(|i| i.as_object()).collect();
        if objs.is_none() {
            self.malformed(name);
        }
        objs
    }
}

/// Jackson-style coercion to an integer: numbers (integral), and numeric strings.
fn as_int(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => {
            n.as_i64().or_else(|| n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9e15).map(|f| f as i64))
        }
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(v: &Value) -> Fields<'_> {
        Fields::new(v.as_object().unwrap(), "GET_ORDER", KeyCase::Exact)
    }

    #[test]
    fn version_reads_as_number_or_numeric_string() {
        for body in [json!({"version": 7}), json!({"version": "7"}), json!({"version": 7.0})] {
            let mut f = fields(&body);
            assert_eq!(f.int("version", true), Some(7), "{body}");
            assert!(f.ok());
        }
    }

    #[test]
    fn missing_empty_and_malformed_get_009_010_011() {
        let body = json!({"a": null, "b": "x", "c": ""});
        let mut f = fields(&body);
        assert_eq!(f.int("version", true), None);
        assert_eq!(f.int("a", true), None);
        assert_eq!(f.int("b", true), None);
        assert_eq!(f.int("c", true), None);
        let codes: Vec<&str> = f.errors.iter().map(|m| m.code.as_str()).collect();
        assert_eq!(
            codes,
            vec![
                "ORDER_EXT_API_GET_ORDER_ERROR_009",
                "ORDER_EXT_API_GET_ORDER_ERROR_010",
                "ORDER_EXT_API_GET_ORDER_ERROR_011",
                "ORDER_EXT_API_GET_ORDER_ERROR_010"
            ]
        );
        assert_eq!(f.errors[0].text, "versionの項目を指定して下さい。");
    }

    #[test]
    fn key_case_is_exact_unless_configured() {
        let body = json!({"paginationRequestModel": {}});
        let f = fields(&body);
        assert!(f.lookup("PaginationRequestModel").is_none());
        let f = Fields::new(body.as_object().unwrap(), "SEARCH_ORDER", KeyCase::Insensitive);
        assert!(f.lookup("PaginationRequestModel").is_some());
    }

    /// A body reads like serde_json's `Map` would: a repeated key's last value counts, keys
    /// compared ignoring case in the order first sent; `null` is an empty body, other JSON
    /// that is not an object is no body.
    #[test]
    fn a_body_reads_as_a_map_would() {
        let text = r#"{"version": 1, "Version": 2, "version": 3, "orderNumberList": ["a"]}"#;
        let body: Body = serde_json::from_str(text).unwrap();
        let map: Value = serde_json::from_str(text).unwrap();
        for case in [KeyCase::Exact, KeyCase::Insensitive] {
            for name in ["version", "Version", "VERSION", "orderNumberList", "ordernumberlist", "none"] {
                let ours = Fields::new(&body, "GET_ORDER", case).lookup(name);
                let theirs = Fields::new(map.as_object().unwrap(), "GET_ORDER", case).lookup(name);
                assert_eq!(ours, theirs, "{name} {case:?}");
            }
        }
        assert_eq!(Fields::new(&body, "GET_ORDER", KeyCase::Exact).lookup("version"), Some(&json!(3)));
        let empty: Body = serde_json::from_str("null").unwrap();
        assert!(Fields::new(&empty, "GET_ORDER", KeyCase::Exact).lookup("version").is_none());
        for not_a_body in ["[]", "1", "\"x\"", "true", "{\"a\":}"] {
            assert!(serde_json::from_str::<Body>(not_a_body).is_err(), "{not_a_body}");
        }
    }
}
