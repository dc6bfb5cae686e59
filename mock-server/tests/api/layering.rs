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
