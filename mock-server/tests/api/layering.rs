//! The layering rule, checked: `src/domain/` holds the rules of RMS and nothing of the wire.
//! No `serde_json`, no `axum`, no HTTP status, no RMS message code (`ERROR_`, `INFO_`, `IE0…`,
//! `GE0…`, `ES0…`) and no message text (a string literal that is a Japanese sentence) may
//! appear there; `api/` alone maps the domain's typed outcomes to those. Comments are exempt,
//! so a rule may still cite the code it produces on the wire.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// What a line of code (not comment) of the domain must not contain, and why.
fn offence(code: &str) -> Option<&'static str> {
    const WORDS: &[(&str, &str)] = &[
        ("serde_json", "JSON values are the wire's"),
        ("axum", "HTTP is the wire's"),
        ("StatusCode", "HTTP statuses are the wire's"),
        ("HttpStatus", "HTTP statuses are the wire's"),
        ("crate::api", "the domain never calls up into the wire"),
        ("crate::admin", "the domain never calls up into the control plane"),
        ("ERROR_", "message codes are the wire's"),
        ("INFO_", "message codes are the wire's"),
        ("\"IE0", "message codes are the wire's"),
        ("\"IE1", "message codes are the wire's"),
        ("\"GE0", "message codes are the wire's"),
        ("\"ES0", "message codes are the wire's"),
    ];
    if let Some((_, why)) = WORDS.iter().find(|(w, _)| code.contains(w)) {
        return Some(why);
    }
    // A string literal holding a Japanese sentence (ends in 。) is a message text.
    let mut in_string = false;
    let mut literal = String::new();
    for c in code.chars() {
        if c == '"' {
            if in_string && literal.contains('。') {
                return Some("message texts are the wire's");
            }
            in_string = !in_string;
            literal.clear();
        } else if in_string {
            literal.push(c);
        }
    }
    None
}

#[test]
fn the_domain_holds_no_json_http_status_message_code_or_message_text() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/domain");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    assert!(files.len() > 5, "no domain files found under {}", root.display());
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            if let Some(why) = offence(code) {
                found.push(format!("{}:{}: {why}: {}", file.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "the wire leaks into domain/:\n{}", found.join("\n"));
}

#[test]
fn the_check_itself_catches_each_kind_of_leak() {
    for leak in [
        "use serde_json::Value;",
        "use axum::http::StatusCode;",
        "use crate::api::order::envelope;",
        r#"Refusal::Rule("ORDER_EXT_API_CONFIRM_ORDER_ERROR_104")"#,
        r#"ApiError::new("IE0105")"#,
        r#"Rule("104", "注文が見つかりません。".into())"#,
    ] {
        assert!(offence(leak).is_some(), "not caught: {leak}");
    }
    assert!(offence("let status = OrderProgress::WaitingForConfirmation; // 100 注文確認待ち").is_none());
}

/// `src/` as modules: `crate::api::item` → its file's code, comments and tests left out.
fn modules() -> Vec<(String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files
        .into_iter()
        .filter(|f| !f.ends_with("main.rs"))
        .map(|f| {
            let rel = f.strip_prefix(&src).unwrap().with_extension("");
            let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
            if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
                parts.pop();
            }
            let name = std::iter::once("crate".to_string()).chain(parts).collect::<Vec<_>>().join("::");
            let text = std::fs::read_to_string(&f).unwrap();
            let code = text.split("#[cfg(test)]\nmod tests").next().unwrap_or("");
            let code: Vec<&str> = code.lines().map(|l| l.split("//").next().unwrap_or("")).collect();
            (name, code.join("\n"))
        })
        .collect()
}

/// Which modules a module's code names (`crate::x::y`, `super::z`), ancestors and descendants
/// left out: a parent declaring its children and a child using its parent is how Rust nests.
fn imports(name: &str, code: &str, all: &[String]) -> Vec<String> {
    let parent = name.rsplit_once("::").map_or("crate", |(p, _)| p).to_string();
    let mut out = Vec::new();
    for (start, base) in [("crate::", "crate".to_string()), ("super::", parent)] {
        for (i, _) in code.match_indices(start) {
            if code[..i].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let rest = &code[i + start.len()..];
            let mut target = base.clone();
            for seg in rest.split("::") {
                let seg: String = seg.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                let next = format!("{target}::{seg}");
                if seg.is_empty() || !all.contains(&next) {
                    break;
                }
                target = next;
            }
            let related = target == name
                || target.starts_with(&format!("{name}::"))
                || name.starts_with(&format!("{target}::"))
                || target == "crate";
            if !related && !out.contains(&target) {
                out.push(target);
            }
        }
    }
    out
}

#[test]
fn no_two_files_import_each_other_even_through_others() {
    let mods = modules();
    let names: Vec<String> = mods.iter().map(|(n, _)| n.clone()).collect();
    assert!(names.contains(&"crate::domain::shop".to_string()), "{names:?}");
    let edges: Vec<Vec<usize>> = mods
        .iter()
        .map(|(n, code)| imports(n, code, &names).iter().map(|t| names.iter().position(|x| x == t).unwrap()).collect())
        .collect();
    // A cycle exists if some module reaches itself; report each module that does.
    let mut in_cycles = Vec::new();
    for start in 0..names.len() {
        let mut seen = vec![false; names.len()];
        let mut stack = edges[start].clone();
        while let Some(m) = stack.pop() {
            if m == start {
                in_cycles.push(names[start].clone());
                break;
            }
            if !std::mem::replace(&mut seen[m], true) {
                stack.extend(&edges[m]);
            }
        }
    }
    assert!(in_cycles.is_empty(), "modules on an import cycle: {in_cycles:?}");
}
