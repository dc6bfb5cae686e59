//! The order-flow ledger: per order, RMS's status changes with their causes, what the
//! integration made of it, and the RMS calls that touched it; then a run summary. Times are
//! relative to the run's start (`at`, `+1h05m`), so the same setup always gives the same
//! ledger; every timed entry also carries its absolute shop time (`at_time`).
//!
//! The ledger is data first: [`Ledger::to_json`] is made for machines (every entry an object,
//! described by `schemas/ledger.schema.json`), and [`Ledger::to_text`] renders the readable
//! form from the same data.

use rms_mock::control::Journal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::{self, Write};

/// What happened in one setup's run.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Ledger {
    /// The setup's `name`.
    pub setup: String,
    /// Its file name (`01_guide_followed.toml`).
    pub file: String,
    pub shop_id: String,
    /// When the run started and ended (shop time, `2026-11-28T09:00:00+0900`).
    pub start: String,
    pub end: String,
    /// One line on the integration: which one, its switches and habits.
    pub integration: String,
    pub orders: Vec<OrderEntry>,
    pub summary: Summary,
}

/// One order of the timeline.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct OrderEntry {
    /// The timeline's label (`#1`, or the order step's `id`).
    pub label: String,
    /// None when the buyer could not order.
    pub order_number: Option<String>,
    /// The payment method's name (`card`, `COD`, …).
    pub payment: String,
    /// When the buyer ordered, relative and absolute.
    pub placed: String,
    pub placed_time: String,
    /// Why the buyer could not order (out of stock, …).
    pub refused: Option<String>,
    /// RMS's status changes, oldest first.
    pub rms: Vec<StatusChange>,
    /// Restocks of this order that met the stock cap (left out when none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stock_capped: Vec<StockCapped>,
    /// What the integration did with the order, and the faults its calls met, in order.
    pub integration: Vec<IntegrationAction>,
    /// The integration's RMS calls about the order, repeated neighbours counted.
    pub calls: Vec<CallSummary>,
}

/// One status change of an order in RMS: `100 → 200 confirmOrder`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct StatusChange {
    pub at: String,
    pub at_time: String,
    /// None when the order was placed.
    pub from: Option<u16>,
    /// The new `orderProgress` (100 … 900).
    pub to: u16,
    /// Why: `placed`, an API operation (`confirmOrder`), a clock cause (`auto_confirm`,
    /// `processing`) or a staff action (`staff_confirm`).
    pub cause: String,
}

/// A restock that met the stock cap (99,999): `lost` of `units` were not put back.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct StockCapped {
    pub at: String,
    pub at_time: String,
    pub manage_number: String,
    pub variant_id: String,
    pub units: i64,
    pub lost: i64,
}

/// One thing the integration did with an order (or a fault one of its calls met).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct IntegrationAction {
    /// None when the time is unknown (`never seen`; a user's command).
    pub at: Option<String>,
    pub at_time: Option<String>,
    /// The kind: `import`, `skip`, `reject`, `confirm`, `status_sync`, `payment`,
    /// `payment_method`, `total`, `edit`, `cancel`, `shipping`, `fetch`, `fault`,
    /// `never_seen`, `other`.
    pub action: String,
    /// True when the action failed, was refused or gave up (and for every fault).
    pub failed: bool,
    /// The line as the text ledger prints it (without the repeat count).
    pub text: String,
    /// For `fault`: which fault, on which call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fault: Option<FaultHit>,
    /// How many times in a row (a retried call meeting the same fault); 1 otherwise.
    pub count: usize,
    /// The last time, when `count` > 1.
    pub last: Option<String>,
    pub last_time: Option<String>,
}

/// A fault the fake injected into a call.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FaultHit {
    /// The fault's id.
    pub id: String,
    /// `maintenance`, `system_error`, `drop_after_effect`, `latency`, …
    pub kind: String,
    /// The call's operation (`searchOrder`, `inventories.bulk-upsert`).
    pub operation: String,
    /// The status answered; None when no answer came.
    pub http_status: Option<u16>,
    /// What the integration saw: `503`, `took effect, no answer`, …
    pub effect: String,
}

/// Calls to one operation with the same answer, in a row.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CallSummary {
    /// `getOrder`, `items.search`, …
    pub operation: String,
    /// None when no answer came.
    pub http_status: Option<u16>,
    /// The answer's codes, without `ORDER_EXT_API_` (`GET_ORDER_INFO_101`, `ES01-01`).
    pub codes: Vec<String>,
    pub count: usize,
}

/// The run as a whole.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct Summary {
    /// RMS calls per operation, from the fake's journal.
    pub calls: BTreeMap<String, usize>,
    /// Error codes (and statuses ≥ 400 without one) and how often each was answered, by code.
    pub errors: Vec<ErrorCount>,
    /// Stock last pushed per SKU of the tool's product master.
    pub stock_pushed: BTreeMap<String, i64>,
    /// Faults the fake injected into the integration's calls, from the journal, the same
    /// fault on the same call grouped. Absent when none fired.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub faults: Vec<FaultGroup>,
    /// What else happened: refusals of timeline steps, the integration's notes.
    pub notes: Vec<Note>,
}

/// An error answer and how often it came.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ErrorCount {
    /// The error code (`GET_ORDER_ERROR_500`, `ES01-01`); None for a bare HTTP status.
    pub code: Option<String>,
    /// The HTTP status of its first answer.
    pub http_status: u16,
    pub count: usize,
}

/// A fault that fired, `count` times from `at` to `last`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FaultGroup {
    pub at: String,
    pub at_time: String,
    #[serde(flatten)]
    pub fault: FaultHit,
    pub count: usize,
    pub last: Option<String>,
    pub last_time: Option<String>,
}

/// A note, the same text grouped: first time, count, last time.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Note {
    /// None for notes on the whole run.
    pub at: Option<String>,
    pub at_time: Option<String>,
    pub text: String,
    pub count: usize,
    pub last: Option<String>,
    pub last_time: Option<String>,
}

/// ` (×3, last +31m03s)` for a repeated entry, nothing otherwise.
fn repeated(count: usize, last: &Option<String>) -> String {
    match last {
        Some(last) if count > 1 => format!(" (×{count}, last {last})"),
        _ => String::new(),
    }
}

impl fmt::Display for StatusChange {
    /// `100 → 200 confirmOrder`, `→ 100 placed`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.from {
            Some(from) => write!(f, "{from} → {} {}", self.to, self.cause),
            None => write!(f, "→ {} {}", self.to, self.cause),
        }
    }
}

impl fmt::Display for StockCapped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "stock capped: {} of {} units of {}/{} not put back (99,999)",
            self.lost, self.units, self.manage_number, self.variant_id
        )
    }
}

impl fmt::Display for FaultHit {
    /// `m1 maintenance on searchOrder (503)`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} on {} ({})", self.id, self.kind, self.operation, self.effect)
    }
}

impl fmt::Display for IntegrationAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.text, repeated(self.count, &self.last))
    }
}

impl CallSummary {
    /// The answer as the text ledger shows it: the codes (after the status when ≥ 400), the
    /// bare status without codes, `no answer` without either.
    pub fn answer(&self) -> String {
        match (self.codes.is_empty(), self.http_status) {
            (true, None) => "no answer".to_string(),
            (true, Some(status)) => status.to_string(),
            (false, Some(status)) if status >= 400 => format!("{status} {}", self.codes.join(",")),
            (false, _) => self.codes.join(","),
        }
    }
}

impl fmt::Display for CallSummary {
    /// `getOrder GET_ORDER_INFO_101 ×2`, `confirmOrder 503 CONFIRM_ORDER_ERROR_503`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.operation, self.answer())?;
        if self.count > 1 {
            write!(f, " ×{}", self.count)?;
        }
        Ok(())
    }
}

impl ErrorCount {
    /// The code, or `HTTP 503` for an error status without one.
    pub fn key(&self) -> String {
        self.code.clone().unwrap_or_else(|| format!("HTTP {}", self.http_status))
    }
}

impl fmt::Display for FaultGroup {
    /// `+30m m1 maintenance on searchOrder (503) (×7, last +31m03s)`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}{}", self.at, self.fault, repeated(self.count, &self.last))
    }
}

impl Note {
    /// A note on the whole run, with no time.
    pub fn untimed(text: String) -> Note {
        Note { at: None, at_time: None, text, count: 1, last: None, last_time: None }
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(at) = &self.at {
            write!(f, "{at} ")?;
        }
        write!(f, "{}{}", self.text, repeated(self.count, &self.last))
    }
}

/// The kind of an integration outcome line, and whether it is a failure. The reference
/// integration words its outcomes for people; this is the one place that names them for
/// machines (a line no rule knows is `other`; the setups' test checks none is).
pub fn action_kind(text: &str) -> (&'static str, bool) {
    const KINDS: &[(&str, &str)] = &[
        ("! fault ", "fault"),
        ("imported", "import"),
        ("skipped", "skip"),
        ("rejected", "reject"),
        ("never seen", "never_seen"),
        ("confirm", "confirm"),
        ("getOrder", "fetch"),
        ("re-read", "status_sync"),
        ("RMS has it in", "status_sync"),
        ("complete now", "status_sync"),
        ("payment confirmed", "payment"),
        ("payment method", "payment_method"),
        ("booked total", "total"),
        ("edited in RMS", "edit"),
        ("cancelled in RMS", "cancel"),
        ("shipp", "shipping"),
        ("async shipping", "shipping"),
    ];
    let kind = KINDS.iter().find(|(p, _)| text.starts_with(p)).map_or("other", |(_, k)| *k);
    let failed = kind == "fault"
        || kind == "reject"
        || ["refused", "failed", "gave up", "not reported", "≠", "never imported", "knows no"]
            .iter()
            .any(|w| text.contains(w));
    (kind, failed)
}

/// The operation a journal path stands for.
pub(crate) fn operation(method: &str, path: &str) -> String {
    if let Some(op) = path.strip_prefix("/es/2.0/order/") {
        return op.trim_end_matches('/').to_string();
    }
    let p = path.trim_end_matches('/');
    let family = if p.contains("/items/") { "items" } else { "inventories" };
    let what = if p.ends_with("/search") {
        "search".to_string()
    } else if p.ends_with("/bulk-upsert") {
        "bulk-upsert".to_string()
    } else if p.ends_with("/range") {
        "bulk-get/range".to_string()
    } else if p.ends_with("/bulk-get") {
        "bulk-get".to_string()
    } else {
        format!("{} manage-numbers", method)
    };
    format!("{family}.{what}")
}

fn is_error(code: &str) -> bool {
    !(code.contains("_INFO_") || code.contains("_WARNING_"))
}

impl Summary {
    /// Calls and errors from the fake's journal (the rest is filled in by the runner).
    pub fn from_journal(journal: &Journal) -> Summary {
        let mut s = Summary::default();
        let mut errors: BTreeMap<String, ErrorCount> = BTreeMap::new();
        let mut count = |code: Option<String>, http_status: u16| {
            let e = ErrorCount { code, http_status, count: 0 };
            errors.entry(e.key()).or_insert(e).count += 1;
        };
        // The staff's actions are in the journal too; they are no RMS calls.
        for e in journal.entries.iter().filter(|e| !e.is_staff()) {
            *s.calls.entry(operation(&e.method, &e.path)).or_default() += 1;
            let mut any = false;
            for c in e.codes.iter().filter(|c| is_error(c)) {
                count(Some(c.trim_start_matches("ORDER_EXT_API_").to_string()), e.status);
                any = true;
            }
            if e.status >= 400 && !any {
                count(None, e.status);
            }
        }
        s.errors = errors.into_values().collect();
        s
    }

    /// How often the error `key` (a code, or `HTTP 503`) was answered.
    pub fn error_count(&self, key: &str) -> Option<usize> {
        self.errors.iter().find(|e| e.key() == key).map(|e| e.count)
    }

    /// The error keys, in the ledger's order.
    pub fn error_keys(&self) -> Vec<String> {
        self.errors.iter().map(ErrorCount::key).collect()
    }

    /// The fault lines as the text ledger prints them.
    pub fn fault_lines(&self) -> Vec<String> {
        self.faults.iter().map(ToString::to_string).collect()
    }

    /// The note lines as the text ledger prints them.
    pub fn note_lines(&self) -> Vec<String> {
        self.notes.iter().map(ToString::to_string).collect()
    }
}

impl Ledger {
    /// The readable form (what `rms-conformance run` prints and the snapshots hold).
    pub fn to_text(&self) -> String {
        let mut o = String::new();
        let _ = writeln!(o, "== {} ({})", self.setup, self.file);
        let _ = writeln!(o, "shop {} · {} → {}", self.shop_id, self.start, self.end);
        let _ = writeln!(o, "integration: {}", self.integration);
        for e in &self.orders {
            let _ = writeln!(o);
            let number = e.order_number.as_deref().unwrap_or("(not placed)");
            let _ = writeln!(o, "order {}  {}  {}  placed {}", e.label, number, e.payment, e.placed);
            if let Some(r) = &e.refused {
                let _ = writeln!(o, "  refused      {r}");
                continue;
            }
            for (i, (at, what)) in e.rms_lines().iter().enumerate() {
                let head = if i == 0 { "RMS" } else { "" };
                let _ = writeln!(o, "  {head:<12} {at:<10} {what}");
            }
            for (i, (at, what)) in e.integration_lines().iter().enumerate() {
                let head = if i == 0 { "integration" } else { "" };
                let _ = writeln!(o, "  {head:<12} {at:<10} {what}");
            }
            if !e.calls.is_empty() {
                let _ = writeln!(o, "  {:<12} {}", "calls", e.call_lines().join(" · "));
            }
        }
        let _ = writeln!(o);
        let _ = writeln!(o, "summary");
        let calls: Vec<String> = self.summary.calls.iter().map(|(k, v)| format!("{k} {v}")).collect();
        let _ = writeln!(o, "  {:<12} {}", "calls", if calls.is_empty() { "none".into() } else { calls.join(" · ") });
        let errors: Vec<String> = self.summary.errors.iter().map(|e| format!("{} ×{}", e.key(), e.count)).collect();
        let _ =
            writeln!(o, "  {:<12} {}", "errors", if errors.is_empty() { "none".into() } else { errors.join(" · ") });
        let stock: Vec<String> = self.summary.stock_pushed.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let _ = writeln!(
            o,
            "  {:<12} {}",
            "stock pushed",
            if stock.is_empty() { "none".into() } else { stock.join(" · ") }
        );
        for (i, f) in self.summary.fault_lines().iter().enumerate() {
            let head = if i == 0 { "faults" } else { "" };
            let _ = writeln!(o, "  {head:<12} {f}");
        }
        for (i, n) in self.summary.note_lines().iter().enumerate() {
            let head = if i == 0 { "notes" } else { "" };
            let _ = writeln!(o, "  {head:<12} {n}");
        }
        o
    }

    /// The form made for machines (`schemas/ledger.schema.json` describes it).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The entry for a label.
    pub fn order(&self, label: &str) -> Option<&OrderEntry> {
        self.orders.iter().find(|o| o.label == label)
    }
}

impl OrderEntry {
    /// True when some RMS change of this order has `cause` (e.g. `auto_confirm`).
    pub fn rms_has(&self, cause: &str) -> bool {
        self.rms.iter().any(|c| c.cause == cause)
    }

    /// True when some integration line contains `needle`.
    pub fn integration_has(&self, needle: &str) -> bool {
        self.integration.iter().any(|a| a.to_string().contains(needle))
    }

    /// The RMS lines as the text ledger prints them: `(at, "100 → 200 confirmOrder")`, the
    /// status changes, then any stock-cap lines.
    pub fn rms_lines(&self) -> Vec<(String, String)> {
        let changes = self.rms.iter().map(|c| (c.at.clone(), c.to_string()));
        changes.chain(self.stock_capped.iter().map(|c| (c.at.clone(), c.to_string()))).collect()
    }

    /// The integration lines as the text ledger prints them (`""` for an unknown time).
    pub fn integration_lines(&self) -> Vec<(String, String)> {
        self.integration.iter().map(|a| (a.at.clone().unwrap_or_default(), a.to_string())).collect()
    }

    /// The call lines as the text ledger prints them (`getOrder GET_ORDER_INFO_101 ×2`).
    pub fn call_lines(&self) -> Vec<String> {
        self.calls.iter().map(ToString::to_string).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn journal_paths_name_their_operation() {
        assert_eq!(operation("POST", "/es/2.0/order/searchOrder/"), "searchOrder");
        assert_eq!(operation("POST", "/es/2.0/order/getOrder"), "getOrder");
        assert_eq!(operation("GET", "/es/2.0/items/search"), "items.search");
        assert_eq!(operation("POST", "/es/2.0/inventories/bulk-upsert"), "inventories.bulk-upsert");
    }

    #[test]
    fn integration_lines_get_a_kind_and_failures_are_marked() {
        assert_eq!(action_kind("imported → 出荷待ち (入金フラグ 0)"), ("import", false));
        assert_eq!(action_kind("shipping reported (1001 4321-0001-0001)"), ("shipping", false));
        assert_eq!(action_kind("shipping report failed: 400 X"), ("shipping", true));
        assert_eq!(action_kind("confirmOrder refused: X"), ("confirm", true));
        assert_eq!(action_kind("! fault m1 maintenance on getOrder (503)"), ("fault", true));
        assert_eq!(action_kind("never seen"), ("never_seen", false));
        assert_eq!(
            action_kind("payment method: blank (the tool knows no method named 「後払い」)"),
            ("payment_method", true)
        );
        assert_eq!(action_kind("payment method: code 1 クレジットカード"), ("payment_method", false));
        assert_eq!(action_kind("something new"), ("other", false));
    }

    #[test]
    fn calls_render_their_answer_like_the_text_ledger_always_did() {
        let call = |status, codes: &[&str], count| CallSummary {
            operation: "confirmOrder".into(),
            http_status: status,
            codes: codes.iter().map(|c| c.to_string()).collect(),
            count,
        };
        assert_eq!(call(None, &[], 1).to_string(), "confirmOrder no answer");
        assert_eq!(
            call(Some(503), &["CONFIRM_ORDER_ERROR_503"], 3).to_string(),
            "confirmOrder 503 CONFIRM_ORDER_ERROR_503 ×3"
        );
        assert_eq!(call(Some(200), &["A", "B"], 1).to_string(), "confirmOrder A,B");
        assert_eq!(call(Some(200), &[], 2).to_string(), "confirmOrder 200 ×2");
    }
}
