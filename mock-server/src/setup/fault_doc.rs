//! `[[faults]]` of a shop document, and the body of `POST /__admin/shops/{shop_id}/faults`:
//! one fault as users write it (TOML, the control plane's JSON, or Rust), checked and turned
//! into the domain's `faults::FaultRule`.

use super::*;
use crate::domain::faults::{Fault, FaultRule, FaultSelect};
use crate::domain::function::FunctionId;
use crate::settings::Api;

pub use crate::domain::faults::FaultKind;

/// One fault: which requests it selects, what it does to them, and when it fires. The same
/// keys in a shop document's `[[faults]]`, in the control plane's JSON and in Rust:
///
/// ```
/// use rms_mock::{FaultKind, FaultSpec, ShopDocument};
///
/// // RMS in maintenance for getOrder and searchOrder on Sunday night, on the shop's clock.
/// let maintenance = FaultSpec::new(FaultKind::Maintenance)
///     .functions(&["rpay.order.getOrder", "rpay.order.searchOrder"])
///     .window("2026-12-06T02:00:00+0900", "2026-12-06T08:00:00+0900");
/// // The first confirmOrder takes effect, and its answer is lost.
/// let lost = FaultSpec::new(FaultKind::DropAfterEffect).functions(&["rpay.order.confirmOrder"]).times(1);
/// let doc = ShopDocument::new("123456").fault(maintenance).fault(lost);
/// assert!(doc.check("example").is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    /// Unique in the shop; assigned `f1`, `f2`, … when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The function ids it selects (`rpay.order.confirmOrder`, `itemapi_2.0.items.upsert`,
    /// `inventoryapi.inventories.bulk.upsert`, …). At most one of `functions` and `api`;
    /// neither: every RMS request of the shop.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub functions: Option<Vec<FunctionId>>,
    /// The API it selects: `order`, `item` or `inventory`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api: Option<Api>,
    /// What it does ([`FaultKind`]).
    pub kind: FaultKind,
    /// `latency`: milliseconds (required; at most 600000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<u64>,
    /// `truncate`: bytes of the answer's body sent before the connection closes (default:
    /// half the body).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub truncate_bytes: Option<u64>,
    /// `partial_batch`: the 0-based rows of the bulk write that fail (required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows: Option<Vec<usize>>,
    /// Fires on at most this many requests, then is spent (default: no limit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<u64>,
    /// Lets the first this many requests it selects through first (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skip: Option<u64>,
    /// The chance, 0.0 to 1.0, that it fires on a request it selects; drawn from a generator
    /// seeded by the shop's seed and the fault's id, so a rerun fires on the same requests
    /// (default: always).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<f64>,
    /// It fires from this time of the shop's clock on (`2026-12-06T02:00:00+0900`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// It fires before this time of the shop's clock (exclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
}

impl FaultSpec {
    /// A fault of `kind` on every RMS request of the shop, every time; narrow it with the
    /// other builder steps.
    pub fn new(kind: FaultKind) -> Self {
        FaultSpec {
            id: None,
            functions: None,
            api: None,
            kind,
            latency_ms: None,
            truncate_bytes: None,
            rows: None,
            times: None,
            skip: None,
            probability: None,
            from: None,
            until: None,
        }
    }

    /// Its id (default: `f1`, `f2`, … in the order faults are added).
    pub fn id(mut self, id: &str) -> Self {
        self.id = Some(id.to_string());
        self
    }

    /// Selects requests of these function ids.
    ///
    /// # Panics
    ///
    /// When one is not an RMS function id (a test's own typo, caught where it is made; the
    /// message names the nearest id).
    pub fn functions(mut self, ids: &[&str]) -> Self {
        let ids = ids.iter().map(|id| FunctionId::parse(id).unwrap_or_else(|e| panic!("{e}")));
        self.functions = Some(ids.collect());
        self
    }

    /// Selects requests of one API.
    pub fn api(mut self, api: Api) -> Self {
        self.api = Some(api);
        self
    }

    /// `latency`: how long.
    pub fn latency_ms(mut self, ms: u64) -> Self {
        self.latency_ms = Some(ms);
        self
    }

    /// `truncate`: how many bytes of the body are sent.
    pub fn truncate_bytes(mut self, bytes: u64) -> Self {
        self.truncate_bytes = Some(bytes);
        self
    }

    /// `partial_batch`: which rows fail.
    pub fn rows(mut self, rows: &[usize]) -> Self {
        self.rows = Some(rows.to_vec());
        self
    }

    /// Fires on at most `n` requests.
    pub fn times(mut self, n: u64) -> Self {
        self.times = Some(n);
        self
    }

    /// Lets the first `n` requests through.
    pub fn skip(mut self, n: u64) -> Self {
        self.skip = Some(n);
        self
    }

    /// Fires with this chance (seeded).
    pub fn probability(mut self, p: f64) -> Self {
        self.probability = Some(p);
        self
    }

    /// Fires only from `from` (inclusive) until `until` (exclusive) on the shop's clock.
    pub fn window(mut self, from: &str, until: &str) -> Self {
        self.from = Some(from.to_string());
        self.until = Some(until.to_string());
        self
    }

    /// The checked rule, or the key at fault and the problem.
    pub(crate) fn rule(&self) -> Result<FaultRule, (String, String)> {
        let select = match (&self.functions, self.api) {
            (Some(_), Some(_)) => {
                return Err(("api".into(), "give functions or api, not both".into()));
            }
            (Some(list), None) => FaultSelect::Functions(list.clone()),
            (None, Some(api)) => FaultSelect::Api(api),
            (None, None) => FaultSelect::All,
        };
        let time = |key: &str, t: &Option<String>| -> Result<Option<JstDateTime>, (String, String)> {
            let Some(s) = t else { return Ok(None) };
            JstDateTime::parse_flexible(s)
                .map(Some)
                .map_err(|_| (key.to_string(), format!("'{s}' is not a JST datetime like 2026-12-06T02:00:00+0900")))
        };
        let rule = FaultRule {
            id: self.id.clone(),
            select,
            kind: self.kind,
            latency_ms: self.latency_ms,
            truncate_bytes: self.truncate_bytes,
            rows: self.rows.clone().unwrap_or_default(),
            times: self.times,
            skip: self.skip.unwrap_or(0),
            probability: self.probability,
            from: time("from", &self.from)?,
            until: time("until", &self.until)?,
        };
        match rule.problem() {
            Some((key, problem)) => Err((key.to_string(), problem)),
            None => Ok(rule),
        }
    }

    /// The spec of a fault in a shop's plan (with its id), as `GET …/faults` answers it.
    pub(crate) fn of(fault: &Fault) -> Self {
        let r = &fault.rule;
        let (functions, api) = match &r.select {
            FaultSelect::All => (None, None),
            FaultSelect::Functions(list) => (Some(list.clone()), None),
            FaultSelect::Api(api) => (None, Some(*api)),
        };
        FaultSpec {
            id: Some(fault.id().to_string()),
            functions,
            api,
            kind: r.kind,
            latency_ms: r.latency_ms,
            truncate_bytes: r.truncate_bytes,
            rows: (!r.rows.is_empty()).then(|| r.rows.clone()),
            times: r.times,
            skip: (r.skip > 0).then_some(r.skip),
            probability: r.probability,
            from: r.from.map(|t| t.to_rms()),
            until: r.until.map(|t| t.to_rms()),
        }
    }
}
