//! A JSON Schema validator for the repository's schemas (`schemas/*.schema.json`), shared by
//! the test crates that check documents against them: `#[path = "…/testkit/json_schema.rs"]
//! mod json_schema;` (one file, no crate: it is test code only).
//!
//! Written here, not taken from a crate: the schemas use a small subset of JSON Schema 2020-12
//! (`type`, `properties`, `required`, `additionalProperties`, `items`, `prefixItems`,
//! `minItems`, `maxItems`, `$ref` into `$defs`, `anyOf`, `oneOf`, `const`, `enum`, `minimum`,
//! `maximum`, `exclusiveMinimum`, `pattern`), and the full validators bring a regex engine and
//! dozens of crates to the build for it. Any other keyword in a schema panics (so a schema
//! cannot silently use something unchecked), and `pattern` supports what the schemas' patterns
//! use: `^…$`, classes (`[0-9]`, `[^-]`), escaped characters and `{n}` / `+` repetition.

use serde_json::Value;

/// The problems of `doc` against `schema` (the root of its `$defs`), each with its path
/// (`$.orders[0].rms[1].to: …`); empty when it validates.
pub fn validate(schema: &Value, doc: &Value) -> Vec<String> {
    let mut out = Vec::new();
    Validator { root: schema }.check(schema, doc, "$", &mut out);
    out
}

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
pub fn matches_pattern(pattern: &str, text: &str) -> bool {
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
