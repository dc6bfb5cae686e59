//! The order-flow ledger: per order, RMS's status changes with their causes, what the
//! integration made of it, and the RMS calls that touched it; then a run summary. Times are
//! relative to the run's start, so the same setup always gives the same ledger.

use rms_mock::control::Journal;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Ledger {
    pub setup: String,
    pub file: String,
    pub shop_id: String,
    pub start: String,
    pub end: String,
    pub integration: String,
    pub orders: Vec<OrderEntry>,
    pub summary: Summary,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct OrderEntry {
    pub label: String,
    pub order_number: Option<String>,
    pub payment: String,
    pub placed: String,
    /// Why the buyer could not order (out of stock, …).
    pub refused: Option<String>,
    /// (relative time, "100 → 200 auto_confirm")
    pub rms: Vec<(String, String)>,
    /// (relative time, outcome)
    pub integration: Vec<(String, String)>,
    /// "getOrder GET_ORDER_INFO_101 ×2", …
    pub calls: Vec<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, Default)]
pub struct Summary {
    /// RMS calls per operation, from the fake's journal.
    pub calls: BTreeMap<String, usize>,
    /// Error codes (and statuses ≥ 400) and how often each was answered.
    pub errors: BTreeMap<String, usize>,
    /// Stock last pushed per SKU of the tool's product master.
    pub stock_pushed: BTreeMap<String, i64>,
    /// Faults the fake injected into the integration's calls, from the journal: `+30m m1
    /// maintenance on searchOrder (503) (×7, last +31m03s)`. Absent when none fired.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub faults: Vec<String>,
    pub notes: Vec<String>,
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
    pub fn from_journal(journal: &Journal) -> Summary {
        let mut s = Summary::default();
        // The staff's actions are in the journal too; they are no RMS calls.
        for e in journal.entries.iter().filter(|e| !e.is_staff()) {
            *s.calls.entry(operation(&e.method, &e.path)).or_default() += 1;
            let mut any = false;
            for c in e.codes.iter().filter(|c| is_error(c)) {
                *s.errors.entry(c.trim_start_matches("ORDER_EXT_API_").to_string()).or_default() += 1;
                any = true;
            }
            if e.status >= 400 && !any {
                *s.errors.entry(format!("HTTP {}", e.status)).or_default() += 1;
            }
        }
        s
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
            for (i, (at, what)) in e.rms.iter().enumerate() {
                let head = if i == 0 { "RMS" } else { "" };
                let _ = writeln!(o, "  {head:<12} {at:<10} {what}");
            }
            for (i, (at, what)) in e.integration.iter().enumerate() {
                let head = if i == 0 { "integration" } else { "" };
                let _ = writeln!(o, "  {head:<12} {at:<10} {what}");
            }
            if !e.calls.is_empty() {
                let _ = writeln!(o, "  {:<12} {}", "calls", e.calls.join(" · "));
            }
        }
        let _ = writeln!(o);
        let _ = writeln!(o, "summary");
        let calls: Vec<String> = self.summary.calls.iter().map(|(k, v)| format!("{k} {v}")).collect();
        let _ = writeln!(o, "  {:<12} {}", "calls", if calls.is_empty() { "none".into() } else { calls.join(" · ") });
        let errors: Vec<String> = self.summary.errors.iter().map(|(k, v)| format!("{k} ×{v}")).collect();
        let _ =
            writeln!(o, "  {:<12} {}", "errors", if errors.is_empty() { "none".into() } else { errors.join(" · ") });
        let stock: Vec<String> = self.summary.stock_pushed.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let _ = writeln!(
            o,
            "  {:<12} {}",
            "stock pushed",
            if stock.is_empty() { "none".into() } else { stock.join(" · ") }
        );
        for (i, f) in self.summary.faults.iter().enumerate() {
            let head = if i == 0 { "faults" } else { "" };
            let _ = writeln!(o, "  {head:<12} {f}");
        }
        for (i, n) in self.summary.notes.iter().enumerate() {
            let head = if i == 0 { "notes" } else { "" };
            let _ = writeln!(o, "  {head:<12} {n}");
        }
        o
    }

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
        self.rms.iter().any(|(_, w)| w.ends_with(&format!(" {cause}")))
    }

    pub fn integration_has(&self, needle: &str) -> bool {
        self.integration.iter().any(|(_, w)| w.contains(needle))
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
}
