//! `rms-conformance diff A.json B.json`: what changed between two runs, from their JSON
//! ledgers (`run --format json`).
//!
//! Setups are matched by file name (when each side holds exactly one ledger, those two are
//! compared whatever their files, so two setups can be put side by side); orders by label.
//! Per order: RMS's status changes and the integration's actions are matched by what they are
//! (`100 → 200 confirmOrder`, the action's line), so a change that happened at another time is
//! one `~` line (`+15m → +5m`), not a removal and an addition; the calls are compared as
//! lines. Then the summary: calls and errors per operation and code, stock pushed per SKU,
//! faults and notes. The text reads like a unified diff: `-` only in A, `+` only in B, `~`
//! changed, two spaces for context.

use crate::ledger::{Ledger, OrderEntry};
use crate::report::{self, esc, Axis};
use std::collections::BTreeSet;
use std::fmt::Write;
use std::path::Path;

/// One line of a diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// The same on both sides (context).
    Same(String),
    /// Only in A.
    Removed(String),
    /// Only in B.
    Added(String),
    /// On both sides, changed: the line says how (`+15m → +5m  100 → 200 confirmOrder`).
    Changed(String),
}

impl Line {
    fn is_change(&self) -> bool {
        !matches!(self, Line::Same(_))
    }

    /// The line with its unified-diff mark.
    pub fn marked(&self) -> String {
        match self {
            Line::Same(t) => format!("  {t}"),
            Line::Removed(t) => format!("- {t}"),
            Line::Added(t) => format!("+ {t}"),
            Line::Changed(t) => format!("~ {t}"),
        }
    }
}

/// A part of a setup's diff: its header, one order, or the summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hunk {
    /// `order #1`, `summary`, `setup`.
    pub title: String,
    /// The order's label, for an order's hunk.
    pub order: Option<String>,
    pub lines: Vec<Line>,
}

impl Hunk {
    fn changed(&self) -> bool {
        self.lines.iter().any(Line::is_change)
    }

    /// The hunk as the text shows it: a title line for the setup header and the summary,
    /// then each line with its mark, an order's lines indented under its heading.
    fn rendered(&self) -> Vec<(Option<&Line>, String)> {
        let mut out = Vec::new();
        if self.order.is_none() {
            out.push((None, format!("  {}", self.title)));
        }
        for l in &self.lines {
            let (mark, text) = match l {
                Line::Same(t) => (' ', t),
                Line::Removed(t) => ('-', t),
                Line::Added(t) => ('+', t),
                Line::Changed(t) => ('~', t),
            };
            let indent = if self.order.is_some() && !text.starts_with("order ") { "    " } else { "  " };
            out.push((Some(l), format!("{mark} {indent}{text}")));
        }
        out
    }
}

/// The differences of one setup (or its absence on one side).
#[derive(Debug, Clone, PartialEq)]
pub struct SetupDiff {
    /// The ledger in A and in B (one of them None when the setup is on one side only).
    pub a: Option<Ledger>,
    pub b: Option<Ledger>,
    /// Only the hunks that changed.
    pub hunks: Vec<Hunk>,
}

/// What changed between two runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Diff {
    /// The names the two sides go by (their file paths).
    pub a_name: String,
    pub b_name: String,
    /// The setups that differ, in A's order, then those only in B.
    pub setups: Vec<SetupDiff>,
    /// How many setups are the same on both sides.
    pub unchanged: usize,
}

/// Reads a JSON ledger file (`run --format json`: an array of ledgers, or a single ledger).
pub fn read(path: &Path) -> Result<Vec<Ledger>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| format!("{}: not JSON ({e}); make it with `rms-conformance run --format json`", path.display()))?;
    let value = if value.is_object() { serde_json::Value::Array(vec![value]) } else { value };
    serde_json::from_value(value).map_err(|e| {
        format!(
            "{}: not a JSON ledger of this version ({e}); make it with `rms-conformance run --format json`",
            path.display()
        )
    })
}

/// Compares the ledgers of two runs.
///
/// ```
/// use rms_conformance::{diff, ledger::Ledger};
/// let before: Ledger = serde_json::from_value(serde_json::json!({
///     "setup": "s", "file": "s.toml", "shop_id": "1", "start": "2026-11-28T09:00:00+0900",
///     "end": "2026-11-28T10:00:00+0900", "integration": "reference", "orders": [],
///     "summary": {"calls": {"searchOrder": 4}, "errors": [], "stock_pushed": {}, "notes": []}
/// }))
/// .unwrap();
/// let mut after = before.clone();
/// after.summary.calls.insert("searchOrder".into(), 5);
/// let d = diff::diff("before.json", &[before.clone()], "after.json", &[after]);
/// assert!(d.to_text().contains("~   calls        searchOrder 4 → 5"));
/// assert!(diff::diff("a", &[before.clone()], "b", &[before]).is_empty());
/// ```
pub fn diff(a_name: &str, a: &[Ledger], b_name: &str, b: &[Ledger]) -> Diff {
    let mut out = Diff { a_name: a_name.into(), b_name: b_name.into(), setups: Vec::new(), unchanged: 0 };
    let pairs: Vec<(Option<&Ledger>, Option<&Ledger>)> = if a.len() == 1 && b.len() == 1 {
        vec![(Some(&a[0]), Some(&b[0]))]
    } else {
        let mut pairs: Vec<(Option<&Ledger>, Option<&Ledger>)> =
            a.iter().map(|l| (Some(l), b.iter().find(|m| m.file == l.file))).collect();
        pairs.extend(b.iter().filter(|m| !a.iter().any(|l| l.file == m.file)).map(|m| (None, Some(m))));
        pairs
    };
    for (x, y) in pairs {
        match (x, y) {
            (Some(x), Some(y)) => {
                let hunks: Vec<Hunk> = setup_hunks(x, y).into_iter().filter(Hunk::changed).collect();
                if hunks.is_empty() {
                    out.unchanged += 1;
                } else {
                    out.setups.push(SetupDiff { a: Some(x.clone()), b: Some(y.clone()), hunks });
                }
            }
            (x, y) => out.setups.push(SetupDiff { a: x.cloned(), b: y.cloned(), hunks: Vec::new() }),
        }
    }
    out
}

fn setup_hunks(a: &Ledger, b: &Ledger) -> Vec<Hunk> {
    let mut hunks = Vec::new();
    let header = |l: &Ledger| {
        vec![
            format!("== {} ({})", l.setup, l.file),
            format!("shop {} · {} → {}", l.shop_id, l.start, l.end),
            format!("integration: {}", l.integration),
        ]
    };
    hunks.push(Hunk { title: "setup".into(), order: None, lines: lines_diff(&header(a), &header(b)) });
    for label in labels(a, b) {
        let lines = match (a.order(&label), b.order(&label)) {
            (Some(x), Some(y)) => order_lines(x, y),
            (Some(x), None) => order_text(x).into_iter().map(Line::Removed).collect(),
            (None, Some(y)) => order_text(y).into_iter().map(Line::Added).collect(),
            (None, None) => continue,
        };
        hunks.push(Hunk { title: format!("order {label}"), order: Some(label), lines });
    }
    hunks.push(Hunk { title: "summary".into(), order: None, lines: summary_lines(a, b) });
    hunks
}

/// The labels of both sides: A's order, then B's new ones.
fn labels(a: &Ledger, b: &Ledger) -> Vec<String> {
    let mut out: Vec<String> = a.orders.iter().map(|o| o.label.clone()).collect();
    out.extend(b.orders.iter().filter(|o| a.order(&o.label).is_none()).map(|o| o.label.clone()));
    out
}

fn order_head(o: &OrderEntry) -> String {
    let number = o.order_number.as_deref().unwrap_or("(not placed)");
    format!("order {}  {}  {}  placed {}", o.label, number, o.payment, o.placed)
}

/// An order as the text ledger shows it, line by line.
fn order_text(o: &OrderEntry) -> Vec<String> {
    let mut out = vec![order_head(o)];
    out.extend(o.refused.iter().map(|r| format!("refused      {r}")));
    out.extend(o.rms_lines().into_iter().map(|(at, w)| format!("RMS          {at:<10} {w}")));
    out.extend(o.integration_lines().into_iter().map(|(at, w)| format!("integration  {at:<10} {w}")));
    out.extend(o.call_lines().into_iter().map(|c| format!("call         {c}")));
    out
}

fn order_lines(a: &OrderEntry, b: &OrderEntry) -> Vec<Line> {
    let mut out = lines_diff(&[order_head(a)], &[order_head(b)]);
    let refused = |o: &OrderEntry| o.refused.iter().map(|r| format!("refused      {r}")).collect::<Vec<_>>();
    out.extend(lines_diff(&refused(a), &refused(b)));
    let rms = |o: &OrderEntry| o.rms_lines();
    out.extend(timed_diff("RMS", &rms(a), &rms(b)));
    out.extend(timed_diff("integration", &a.integration_lines(), &b.integration_lines()));
    let calls = |o: &OrderEntry| o.call_lines().into_iter().map(|c| format!("call         {c}")).collect::<Vec<_>>();
    out.extend(lines_diff(&calls(a), &calls(b)));
    out
}

/// `(at, what)` lines matched on `what`: the same at another time is one changed line.
fn timed_diff(head: &str, a: &[(String, String)], b: &[(String, String)]) -> Vec<Line> {
    let keys = |v: &[(String, String)]| v.iter().map(|(_, w)| w.clone()).collect::<Vec<_>>();
    let (ka, kb) = (keys(a), keys(b));
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    for (x, y) in lcs(&ka, &kb) {
        out.extend(a[i..x].iter().map(|(at, w)| Line::Removed(format!("{head:<12} {at:<10} {w}"))));
        out.extend(b[j..y].iter().map(|(at, w)| Line::Added(format!("{head:<12} {at:<10} {w}"))));
        let ((at_a, w), (at_b, _)) = (&a[x], &b[y]);
        out.push(if at_a == at_b {
            Line::Same(format!("{head:<12} {at_a:<10} {w}"))
        } else {
            Line::Changed(format!("{head:<12} {:<10} {w}", format!("{at_a} → {at_b}")))
        });
        (i, j) = (x + 1, y + 1);
    }
    out.extend(a[i..].iter().map(|(at, w)| Line::Removed(format!("{head:<12} {at:<10} {w}"))));
    out.extend(b[j..].iter().map(|(at, w)| Line::Added(format!("{head:<12} {at:<10} {w}"))));
    out
}

/// Plain lines: the longest common subsequence is context, the rest removed and added.
fn lines_diff(a: &[String], b: &[String]) -> Vec<Line> {
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    for (x, y) in lcs(a, b) {
        out.extend(a[i..x].iter().cloned().map(Line::Removed));
        out.extend(b[j..y].iter().cloned().map(Line::Added));
        out.push(Line::Same(a[x].clone()));
        (i, j) = (x + 1, y + 1);
    }
    out.extend(a[i..].iter().cloned().map(Line::Removed));
    out.extend(b[j..].iter().cloned().map(Line::Added));
    out
}

/// The index pairs of a longest common subsequence of `a` and `b`.
fn lcs(a: &[String], b: &[String]) -> Vec<(usize, usize)> {
    let (n, m) = (a.len(), b.len());
    let mut t = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            t[i][j] = if a[i] == b[j] { t[i + 1][j + 1] + 1 } else { t[i + 1][j].max(t[i][j + 1]) };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < n && j < m {
        if a[i] == b[j] {
            out.push((i, j));
            i += 1;
            j += 1;
        } else if t[i + 1][j] >= t[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// Keyed counts (calls per operation, errors per code, stock per SKU): `~ calls searchOrder
/// 204 → 12`.
fn counts_diff(head: &str, a: &[(String, String)], b: &[(String, String)]) -> Vec<Line> {
    let keys: BTreeSet<&String> = a.iter().chain(b).map(|(k, _)| k).collect();
    let get = |v: &[(String, String)], k: &str| v.iter().find(|(x, _)| x == k).map(|(_, n)| n.clone());
    keys.into_iter()
        .map(|k| match (get(a, k), get(b, k)) {
            (Some(x), Some(y)) if x == y => Line::Same(format!("{head:<12} {k} {x}")),
            (Some(x), Some(y)) => Line::Changed(format!("{head:<12} {k} {x} → {y}")),
            (Some(x), None) => Line::Removed(format!("{head:<12} {k} {x}")),
            (None, Some(y)) => Line::Added(format!("{head:<12} {k} {y}")),
            (None, None) => unreachable!("a key of one side"),
        })
        .collect()
}

fn summary_lines(a: &Ledger, b: &Ledger) -> Vec<Line> {
    let calls = |l: &Ledger| l.summary.calls.iter().map(|(k, v)| (k.clone(), v.to_string())).collect::<Vec<_>>();
    let errors = |l: &Ledger| l.summary.errors.iter().map(|e| (e.key(), format!("×{}", e.count))).collect::<Vec<_>>();
    let stock = |l: &Ledger| l.summary.stock_pushed.iter().map(|(k, v)| (k.clone(), v.to_string())).collect::<Vec<_>>();
    let mut out = counts_diff("calls", &calls(a), &calls(b));
    out.extend(counts_diff("errors", &errors(a), &errors(b)));
    out.extend(counts_diff("stock pushed", &stock(a), &stock(b)));
    let prefixed = |head: &str, v: Vec<String>| v.into_iter().map(|x| format!("{head:<12} {x}")).collect::<Vec<_>>();
    out.extend(lines_diff(&prefixed("faults", a.summary.fault_lines()), &prefixed("faults", b.summary.fault_lines())));
    out.extend(lines_diff(&prefixed("notes", a.summary.note_lines()), &prefixed("notes", b.summary.note_lines())));
    out
}

impl Diff {
    /// True when both runs gave the same ledgers.
    pub fn is_empty(&self) -> bool {
        self.setups.is_empty()
    }

    /// The readable diff: per changed setup, its changed parts with their context.
    pub fn to_text(&self) -> String {
        let mut o = String::new();
        let _ = writeln!(o, "--- {}", self.a_name);
        let _ = writeln!(o, "+++ {}", self.b_name);
        for s in &self.setups {
            match (&s.a, &s.b) {
                (Some(a), Some(b)) if a.file == b.file => {
                    let _ = writeln!(o, "@@ {} ({})", a.setup, a.file);
                }
                (Some(a), Some(b)) => {
                    let _ = writeln!(o, "@@ {} ({}) vs {} ({})", a.setup, a.file, b.setup, b.file);
                }
                (Some(a), None) => {
                    let _ = writeln!(o, "@@ {} ({}): only in A", a.setup, a.file);
                }
                (None, Some(b)) => {
                    let _ = writeln!(o, "@@ {} ({}): only in B", b.setup, b.file);
                }
                (None, None) => {}
            }
            for h in &s.hunks {
                for (_, line) in h.rendered() {
                    let _ = writeln!(o, "{line}");
                }
            }
        }
        let _ = writeln!(o, "{} setup(s) differ, {} the same", self.setups.len(), self.unchanged);
        o
    }

    /// The same as one HTML page in the report's style: per changed setup, the lanes of A and
    /// B for every order that changed (highlighted), then the text of the changes.
    pub fn to_html(&self) -> String {
        let mut body = String::new();
        let _ = writeln!(body, "<h1>rms-conformance diff</h1>");
        let _ = writeln!(
            body,
            "<p class=\"meta\">A: {} · B: {} · {} setup(s) differ, {} the same</p>",
            esc(&self.a_name),
            esc(&self.b_name),
            self.setups.len(),
            self.unchanged
        );
        for s in &self.setups {
            let _ = writeln!(body, "<section class=\"setup\">");
            match (&s.a, &s.b) {
                (Some(a), Some(b)) => {
                    body.push_str(&report::setup_header(a));
                    if a.file != b.file {
                        let _ = writeln!(body, "<p class=\"meta\">compared with B:</p>");
                        body.push_str(&report::setup_header(b));
                    }
                    let axis = Axis::for_ledgers(&[a, b]);
                    for h in &s.hunks {
                        let Some(label) = &h.order else { continue };
                        for (side, l) in [("A", a), ("B", b)] {
                            match l.order(label) {
                                Some(e) => {
                                    let class = match (a.order(label).is_some(), b.order(label).is_some()) {
                                        (true, true) => "changed",
                                        (true, false) => "removed",
                                        _ => "added",
                                    };
                                    let _ = writeln!(body, "<p class=\"side\">{side}</p>");
                                    body.push_str(&report::order_block(l, e, &axis, class));
                                }
                                None => {
                                    let _ = writeln!(body, "<p class=\"side\">{side}: no order {}</p>", esc(label));
                                }
                            }
                        }
                    }
                }
                (Some(l), None) | (None, Some(l)) => {
                    body.push_str(&report::setup_header(l));
                    let (side, class) = if s.a.is_some() { ("only in A", "removed") } else { ("only in B", "added") };
                    let _ = writeln!(body, "<p class=\"side {class}\">{side}</p>");
                    let axis = Axis::for_ledger(l);
                    for e in &l.orders {
                        body.push_str(&report::order_block(l, e, &axis, class));
                    }
                }
                (None, None) => {}
            }
            let _ = writeln!(body, "<div class=\"changes\">");
            for h in &s.hunks {
                for (l, line) in h.rendered() {
                    let class = match l {
                        Some(Line::Removed(_)) => "minus",
                        Some(Line::Added(_)) => "plus",
                        Some(Line::Changed(_)) => "tilde",
                        _ => "same",
                    };
                    let _ = writeln!(body, "<p class=\"diff-line {class}\">{}</p>", esc(&line));
                }
            }
            let _ = writeln!(body, "</div>\n</section>");
        }
        report::page("rms-conformance diff", &body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn lines_keep_their_common_part_as_context() {
        let d = lines_diff(&s(&["a", "b", "c"]), &s(&["a", "x", "c"]));
        let marked: Vec<String> = d.iter().map(Line::marked).collect();
        assert_eq!(marked, ["  a", "- b", "+ x", "  c"]);
    }

    #[test]
    fn a_change_at_another_time_is_one_changed_line() {
        let p = |at: &str, w: &str| (at.to_string(), w.to_string());
        let a = [p("+5m", "→ 100 placed"), p("+15m", "100 → 200 confirmOrder")];
        let b = [p("+5m", "→ 100 placed"), p("+30m", "100 → 200 confirmOrder"), p("+1h", "200 → 300 processing")];
        let d: Vec<String> = timed_diff("RMS", &a, &b).iter().map(Line::marked).collect();
        assert_eq!(
            d,
            [
                "  RMS          +5m        → 100 placed",
                "~ RMS          +15m → +30m 100 → 200 confirmOrder",
                "+ RMS          +1h        200 → 300 processing"
            ]
        );
    }
}
