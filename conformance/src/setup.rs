//! Setup files (`fixtures/setups/*.toml`): one reproducible customer case. The RMS side is a
//! shop document (a shop file plus overrides), the integration side is the tool's settings
//! screen (rms-spec integration-setup.md §2), and a timeline says what happens in virtual time.

use rms_mock::{CouponDoc, DestinationDoc, LineDoc, ShopDocument};
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetupFile {
    /// One line a support engineer recognises.
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub rms: RmsSide,
    #[serde(default)]
    pub integration: IntegrationSide,
    /// Faults installed on the shop before the run (the fault spec of rms-mock's control
    /// plane; `from`/`until` may also be offsets from the run's start).
    #[serde(default)]
    pub faults: Vec<FaultSpec>,
    #[serde(default)]
    pub timeline: Vec<Step>,
    pub run: RunSection,
}

/// The shop as RMS has it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RmsSide {
    /// A shop file, relative to the setup file.
    pub shop: String,
    /// Deep-merged over the shop file, e.g. `settings.auto_confirm = true`.
    #[serde(default)]
    pub overrides: toml::Table,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SkuDeclared {
    /// 移行済: match items by SkuModelList (getOrder version 7).
    #[default]
    Migrated,
    /// 未移行: match items by itemNumber (getOrder version 5).
    NotMigrated,
}

/// The tool's settings, as its screens have them (integration-setup.md §2).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IntegrationSide {
    /// As typed by the customer; default: the shop's.
    pub service_secret: Option<String>,
    pub license_key: Option<String>,
    /// SKUプロジェクト移行状況 as declared in the tool.
    pub sku_migration: SkuDeclared,
    /// 出荷指示取得(差分)
    pub order_import: bool,
    /// 出荷状況ステータス同期
    pub shipping_sync: bool,
    /// 在庫連携
    pub inventory_sync: bool,
    pub poll_interval_minutes: u32,
    /// How far each poll's window reaches back before the previous poll.
    pub poll_overlap_minutes: u32,
    /// How far the first poll looks back.
    pub first_poll_lookback_minutes: u32,
    pub confirm_on_import: bool,
    /// Retries of a throttled call (backing off 1, 2, 4 … seconds).
    pub max_retries: u32,
    pub rules: Rules,
    /// The tool's product master.
    pub products: Vec<Product>,
}

impl Default for IntegrationSide {
    fn default() -> Self {
        IntegrationSide {
            service_secret: None,
            license_key: None,
            sku_migration: SkuDeclared::Migrated,
            order_import: true,
            shipping_sync: true,
            inventory_sync: true,
            poll_interval_minutes: 15,
            poll_overlap_minutes: 5,
            first_poll_lookback_minutes: 60,
            confirm_on_import: true,
            max_retries: 6,
            rules: Rules::default(),
            products: vec![],
        }
    }
}

/// The processing robots run on import (integration-setup.md §2 (a)–(e)).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Rules {
    /// (a) never import the same order number twice
    pub dedupe: bool,
    /// (b) do not import an order whose item has no product master
    pub require_product_master: bool,
    /// (c) payment flag 0 on import
    pub payment_flag_zero: bool,
    /// (d) hold unpaid orders (保留: 入金確認)
    pub hold_unpaid: bool,
    /// (e) move to 出荷待ち when no error remains
    pub move_to_awaiting_shipment: bool,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            dedupe: true,
            require_product_master: true,
            payment_flag_zero: true,
            hold_unpaid: true,
            move_to_awaiting_shipment: true,
        }
    }
}

/// One SKU of the tool's product master.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Product {
    /// システム連携用SKU番号 (matched against merchantDefinedSkuId).
    pub sku: Option<String>,
    pub manage_number: Option<String>,
    pub variant_id: Option<String>,
    /// For tools declared 未移行: RMS itemNumber as orders show it.
    pub item_code: Option<String>,
    /// The tool's stock, pushed when inventory linkage is on.
    #[serde(default)]
    pub stock: i64,
}

impl Product {
    /// How the ledger names this product.
    pub fn label(&self) -> String {
        self.sku
            .clone()
            .or_else(|| Some(format!("{}/{}", self.manage_number.as_ref()?, self.variant_id.as_ref()?)))
            .or_else(|| self.item_code.clone())
            .unwrap_or_else(|| "?".into())
    }
}

/// Something that happens at a moment of the run.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Relative to the run's start: `+0m`, `+90m`, `+2h`, `+3d`, `+1d2h30m`.
    pub at: String,
    /// A buyer orders.
    pub order: Option<OrderStep>,
    /// The buyer pays a prepaid order (label).
    pub pay: Option<String>,
    /// The buyer cancels (label).
    pub buyer_cancel: Option<String>,
    /// Rakuten's card review says NG (label).
    pub review_ng: Option<String>,
    /// The recipient of a social gift enters the address (label): a generated address.
    pub gift_address: Option<String>,
    /// The shop sets the postage of a 送料未確定 order.
    pub postage: Option<PostageStep>,
    /// The warehouse ships an order; the tool reports it at its next poll.
    pub ship: Option<ShipStep>,
    /// The shop changes RMS settings (a JSON merge patch, e.g. `{ auto_confirm = true }`).
    pub settings: Option<toml::Table>,
    /// RMS starts failing: this fault is installed on the shop at this moment.
    pub fault: Option<FaultSpec>,
    /// RMS stops failing: the fault with this id (given in the setup) is removed, or every
    /// fault of the shop with `*`.
    pub fault_off: Option<String>,
}

/// A fault, with the keys of rms-mock's fault spec (README "Faults"): what RMS answers
/// instead of (or after) doing its job. Checked when the setup loads, sent to the fake's
/// control plane (`POST /__admin/shops/{id}/faults`) when the run reaches it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    /// Names the fault in the ledger and for `fault_off`; default: the fake assigns `f1`, `f2`, …
    pub id: Option<String>,
    /// Function ids the fault applies to (`rpay.order.confirmOrder`, …).
    pub functions: Option<Vec<String>>,
    /// Or one API: `order`, `item` or `inventory`. Neither: every RMS request of the shop.
    pub api: Option<String>,
    /// What RMS does: one of [`FAULT_KINDS`].
    pub kind: String,
    /// `latency`: how long the answer takes.
    pub latency_ms: Option<u64>,
    /// `truncate`: how many bytes of the answer arrive (default: half).
    pub truncate_bytes: Option<u64>,
    /// `partial_batch`: the 0-based rows of the bulk write that fail.
    pub rows: Option<Vec<u32>>,
    /// Fire on at most this many matching requests.
    pub times: Option<u64>,
    /// Let this many matching requests through first.
    pub skip: Option<u64>,
    /// Fire with this probability (0.0–1.0), drawn from the shop's seed and the fault id.
    pub probability: Option<f64>,
    /// Window start on the shop's clock: an offset from the run's start (`+30m`) or an RMS
    /// datetime (`2026-12-06T02:00:00+0900`).
    pub from: Option<String>,
    /// Window end (exclusive), in the same forms as `from`.
    pub until: Option<String>,
}

/// The kinds of fault rms-mock injects.
pub const FAULT_KINDS: [&str; 11] = [
    "system_error",
    "shop_status_error",
    "overload",
    "maintenance",
    "throttle",
    "fail_after_effect",
    "drop_after_effect",
    "latency",
    "reset",
    "truncate",
    "partial_batch",
];

impl FaultSpec {
    /// Checks the values the keys hold; `key` names the fault in errors (`faults[0]`,
    /// `timeline[3].fault`).
    fn check(&self, key: &str) -> Result<(), (String, String)> {
        let e = |field: &str, problem: String| Err((format!("{key}.{field}"), problem));
        if !FAULT_KINDS.contains(&self.kind.as_str()) {
            return e("kind", format!("'{}' is not a fault kind (one of {})", self.kind, FAULT_KINDS.join(", ")));
        }
        if self.functions.is_some() && self.api.is_some() {
            return e("api", "give functions or api, not both".into());
        }
        if let Some(fs) = &self.functions {
            if fs.is_empty() {
                return e("functions", "is empty (leave it out to select every request)".into());
            }
            for f in fs {
                if let Err(u) = rms_mock::FunctionId::parse(f) {
                    return e("functions", u.to_string());
                }
            }
        }
        if let Some(api) = &self.api {
            if !["order", "item", "inventory"].contains(&api.as_str()) {
                return e("api", format!("'{api}' is not an API (order, item or inventory)"));
            }
        }
        let only = |field: &str, given: bool, kind: &str| -> Result<(), (String, String)> {
            if given && self.kind != kind {
                return Err((format!("{key}.{field}"), format!("only a {kind} fault takes it")));
            }
            Ok(())
        };
        only("latency_ms", self.latency_ms.is_some(), "latency")?;
        only("truncate_bytes", self.truncate_bytes.is_some(), "truncate")?;
        only("rows", self.rows.is_some(), "partial_batch")?;
        if self.kind == "latency" && self.latency_ms.is_none() {
            return e("latency_ms", "a latency fault needs latency_ms".into());
        }
        if self.kind == "partial_batch" && self.rows.as_ref().is_none_or(Vec::is_empty) {
            return e("rows", "a partial_batch fault needs the rows that fail, e.g. rows = [0, 2]".into());
        }
        if let Some(p) = self.probability {
            if !(0.0..=1.0).contains(&p) {
                return e("probability", format!("{p} is not between 0.0 and 1.0"));
            }
        }
        for (field, v) in [("from", &self.from), ("until", &self.until)] {
            if let Some(v) = v {
                if offset_minutes(v).is_none() && crate::time::JstDateTime::parse_rms(v).is_none() {
                    return e(
                        field,
                        format!(
                            "'{v}' is neither an offset like +30m nor an RMS datetime like 2026-12-06T02:00:00+0900"
                        ),
                    );
                }
            }
        }
        Ok(())
    }

    /// The spec as rms-mock's control plane takes it, offsets in `from`/`until` made the
    /// shop's datetimes counted from `start`.
    pub fn to_rms(&self, start: crate::time::JstDateTime) -> Result<rms_mock::FaultSpec, String> {
        serde_json::from_value(self.to_json(start)).map_err(|e| e.to_string())
    }

    /// The spec as the control plane's JSON; offsets in `from`/`until` become the shop's
    /// datetimes counted from `start`.
    pub fn to_json(&self, start: crate::time::JstDateTime) -> serde_json::Value {
        let at = |v: &String| match offset_minutes(v) {
            Some(m) => start.plus_minutes(m).to_rms(),
            None => v.clone(),
        };
        let mut o = serde_json::Map::new();
        let mut put = |k: &str, v: serde_json::Value| {
            o.insert(k.to_string(), v);
        };
        if let Some(v) = &self.id {
            put("id", v.clone().into());
        }
        if let Some(v) = &self.functions {
            put("functions", v.clone().into());
        }
        if let Some(v) = &self.api {
            put("api", v.clone().into());
        }
        put("kind", self.kind.clone().into());
        if let Some(v) = self.latency_ms {
            put("latency_ms", v.into());
        }
        if let Some(v) = self.truncate_bytes {
            put("truncate_bytes", v.into());
        }
        if let Some(v) = &self.rows {
            put("rows", v.clone().into());
        }
        if let Some(v) = self.times {
            put("times", v.into());
        }
        if let Some(v) = self.skip {
            put("skip", v.into());
        }
        if let Some(v) = self.probability {
            put("probability", v.into());
        }
        if let Some(v) = &self.from {
            put("from", at(v).into());
        }
        if let Some(v) = &self.until {
            put("until", at(v).into());
        }
        serde_json::Value::Object(o)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderStep {
    /// Label; default `#<n>` by placement order. With `count > 1`: `<id>-1`, `<id>-2`, …
    pub id: Option<String>,
    pub lines: Vec<LineDoc>,
    /// Payment code (default 1, card).
    pub payment: Option<i64>,
    /// Payment codes used in turn when `count > 1`.
    pub payments: Option<Vec<i64>>,
    #[serde(default = "one")]
    pub count: u32,
    /// Minutes between the repeated orders.
    #[serde(default)]
    pub every_minutes: u32,
    #[serde(default)]
    pub used_point: i64,
    #[serde(default)]
    pub coupons: Vec<CouponDoc>,
    /// `deliveryCertPrgFlag`; default: from the items (rms-mock's `OrderDoc`).
    pub delivery_cert_program: Option<bool>,
    /// `oneDayOperationFlag`; default: from the items.
    pub one_day_operation: Option<bool>,
    /// 置き配場所 (宅配ボックス, 玄関前, …); default none.
    pub drop_off_location: Option<String>,
    /// `orderType`: 1 通常購入 (default), 4 定期購入, 5 頒布会, 6 予約商品.
    pub order_type: Option<i64>,
    /// `reserveNumber` of a 4/5/6 order; default issued.
    pub reserve_number: Option<String>,
    /// `reserveDeliveryCount` of a 4/5/6 order; default 1.
    pub reserve_delivery_count: Option<u32>,
    /// 送料未確定: postage −9999 until the shop sets it (`postage` step).
    #[serde(default)]
    pub postage_undetermined: bool,
    /// A social gift: the recipient is 入力待ち until a `gift_address` step.
    #[serde(default)]
    pub social_gift: bool,
    /// Days the gift's recipient has to enter the address (default 7).
    pub gift_input_days: Option<u32>,
    /// Further destinations, each `{ lines = [...] }` a basket of its own.
    #[serde(default)]
    pub destinations: Vec<DestinationDoc>,
    /// `cautionDisplayType` 0/1/2.
    pub caution_display_type: Option<u8>,
    /// `cautionDisplayDetailType` 101–105.
    pub caution_display_detail_type: Option<i64>,
    /// `rakutenConfirmFlag` 1.
    #[serde(default)]
    pub rakuten_confirm: bool,
    /// Rakuten's fraud review says NG: cancelled by Rakuten 24 h after ordering.
    #[serde(default)]
    pub review_ng: bool,
}

/// `postage = { order = "<label>", yen = 500 }`: the shop sets the postage of an order placed
/// with 送料未確定.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostageStep {
    /// The order's label.
    pub order: String,
    /// Postage in yen.
    pub yen: i64,
    /// One basket (basketId); default every basket.
    pub basket_id: Option<u64>,
}

fn one() -> u32 {
    1
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShipStep {
    /// A label, or `*` for every order the tool holds in 出荷待ち.
    pub order: String,
    #[serde(default = "yamato")]
    pub carrier: String,
    /// Default: generated from the order number.
    pub tracking: Option<String>,
}

fn yamato() -> String {
    "1001".into()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunSection {
    /// When the run ends, relative to its start.
    pub end: String,
}

/// `file: key: problem`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetupError(pub String);

impl std::fmt::Display for SetupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Parses `+1d2h30m` (also `+90m`, `+0m`) into minutes.
pub fn offset_minutes(s: &str) -> Option<i64> {
    let rest = s.strip_prefix('+')?;
    if rest.is_empty() {
        return None;
    }
    let mut total = 0i64;
    let mut num = String::new();
    for c in rest.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let n: i64 = num.parse().ok()?;
        num.clear();
        total += match c {
            'd' => n * 24 * 60,
            'h' => n * 60,
            'm' => n,
            _ => return None,
        };
    }
    num.is_empty().then_some(total)
}

/// A loaded setup: the file, its shop document, and where it came from.
#[derive(Debug, Clone)]
pub struct LoadedSetup {
    pub path: PathBuf,
    pub file: SetupFile,
    /// The shop document after overrides, checked.
    pub shop_document: ShopDocument,
    pub end_minutes: i64,
}

impl LoadedSetup {
    pub fn shop_id(&self) -> String {
        self.shop_document.shop.shop_id.clone()
    }

    pub fn service_secret(&self) -> String {
        let shop = &self.shop_document.shop.service_secret;
        self.file.integration.service_secret.clone().unwrap_or_else(|| shop.clone())
    }

    pub fn license_key(&self) -> String {
        let shop = &self.shop_document.shop.license_key;
        self.file.integration.license_key.clone().unwrap_or_else(|| shop.clone())
    }
}

/// Reads, checks and resolves a setup file.
pub fn load(path: &Path) -> Result<LoadedSetup, SetupError> {
    let source = path.display().to_string();
    let e = |key: &str, problem: String| {
        SetupError(if key.is_empty() { format!("{source}: {problem}") } else { format!("{source}: {key}: {problem}") })
    };
    let text = std::fs::read_to_string(path).map_err(|err| e("", format!("cannot read the file: {err}")))?;
    let file: SetupFile = rms_mock::parse_toml(&text, &source).map_err(|err| SetupError(err.to_string()))?;
    let shop_path = path.parent().unwrap_or(Path::new(".")).join(&file.rms.shop);
    let shop_text = std::fs::read_to_string(&shop_path)
        .map_err(|err| e("rms.shop", format!("cannot read {}: {err}", shop_path.display())))?;
    let base: toml::Table =
        toml::from_str(&shop_text).map_err(|err| e("rms.shop", format!("{}: {err}", shop_path.display())))?;
    let mut doc = serde_json::to_value(&base).map_err(|err| e("rms.shop", err.to_string()))?;
    let over = serde_json::to_value(&file.rms.overrides).map_err(|err| e("rms.overrides", err.to_string()))?;
    rms_mock::merge_patch(&mut doc, &over);
    // The ledger reads every RMS call back from the journal.
    rms_mock::merge_patch(&mut doc, &serde_json::json!({"settings": {"journal_limit": 1_000_000}}));
    let shop: ShopDocument = rms_mock::parse_json(&doc.to_string(), &format!("{source} (rms)"))
        .map_err(|err| SetupError(err.to_string()))?;
    shop.check(&format!("{source} (rms)")).map_err(|err| SetupError(err.to_string()))?;

    let end_minutes = offset_minutes(&file.run.end)
        .ok_or_else(|| e("run.end", format!("'{}' is not an offset like +1d or +90m", file.run.end)))?;
    if file.integration.poll_interval_minutes == 0 {
        return Err(e("integration.poll_interval_minutes", "must be at least 1".into()));
    }
    // Fault ids the shop document and the setup give, so `fault_off` can only name one that
    // exists by then, and no id is given twice.
    let mut fault_ids: Vec<String> = shop.faults.iter().filter_map(|f| f.id.clone()).collect();
    // Offsets in fault windows count from the shop's clock start (the run's start).
    let clock_start = shop.shop.clock_start.as_deref().unwrap_or(rms_mock::DEFAULT_CLOCK_START);
    let start = crate::time::JstDateTime::parse_rms(clock_start).unwrap_or(crate::time::JstDateTime::ZERO);
    let new_fault = |key: &str, f: &FaultSpec, ids: &mut Vec<String>| -> Result<(), SetupError> {
        f.check(key).map_err(|(k, p)| e(&k, p))?;
        // Then rms-mock's own rules (id form, `times = 0`, an empty window, the latency cap, …),
        // so the setup fails here rather than when the run reaches the fault.
        let spec = f.to_rms(start).map_err(|p| e(key, p))?;
        rms_mock::ShopDocument::new("999999").fault(spec).check(&source).map_err(|err| {
            let k = err.key.strip_prefix("faults[0]").map(|rest| format!("{key}{rest}")).unwrap_or(err.key);
            e(&k, err.problem)
        })?;
        if let Some(id) = &f.id {
            if ids.contains(id) {
                return Err(e(&format!("{key}.id"), format!("'{id}' names two faults (the shop's or the setup's)")));
            }
            ids.push(id.clone());
        }
        Ok(())
    };
    for (i, f) in file.faults.iter().enumerate() {
        new_fault(&format!("faults[{i}]"), f, &mut fault_ids)?;
    }
    // Steps run in time order (equal times in file order), and so do the checks of ids.
    let mut by_time: Vec<(i64, usize)> =
        file.timeline.iter().enumerate().map(|(i, s)| (offset_minutes(&s.at).unwrap_or(i64::MAX), i)).collect();
    by_time.sort();
    for (i, s) in file.timeline.iter().enumerate() {
        let key = format!("timeline[{i}]");
        let at = offset_minutes(&s.at)
            .ok_or_else(|| e(&format!("{key}.at"), format!("'{}' is not an offset like +30m", s.at)))?;
        if at > end_minutes {
            return Err(e(&format!("{key}.at"), format!("{} is after run.end {}", s.at, file.run.end)));
        }
        let actions = [
            s.order.is_some(),
            s.pay.is_some(),
            s.buyer_cancel.is_some(),
            s.review_ng.is_some(),
            s.gift_address.is_some(),
            s.postage.is_some(),
            s.ship.is_some(),
            s.settings.is_some(),
            s.fault.is_some(),
            s.fault_off.is_some(),
        ];
        let n = actions.iter().filter(|a| **a).count();
        if n != 1 {
            return Err(e(
                &key,
                format!(
                    "give exactly one of order, pay, buyer_cancel, review_ng, gift_address, postage, ship, settings, fault, fault_off ({n} given)"
                ),
            ));
        }
        if let Some(o) = &s.order {
            if o.lines.is_empty() || o.count == 0 {
                return Err(e(&format!("{key}.order"), "needs lines and a count of at least 1".into()));
            }
        }
    }
    for (_, i) in by_time {
        let s = &file.timeline[i];
        let key = format!("timeline[{i}]");
        if let Some(f) = &s.fault {
            new_fault(&format!("{key}.fault"), f, &mut fault_ids)?;
        }
        if let Some(id) = &s.fault_off {
            if id != "*" && !fault_ids.contains(id) {
                let problem = format!(
                    "'{id}' is no fault the setup installed before this step (give the fault an id, or * for all)"
                );
                return Err(e(&format!("{key}.fault_off"), problem));
            }
        }
    }
    Ok(LoadedSetup { path: path.to_path_buf(), file, shop_document: shop, end_minutes })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_read_days_hours_minutes() {
        assert_eq!(offset_minutes("+0m"), Some(0));
        assert_eq!(offset_minutes("+90m"), Some(90));
        assert_eq!(offset_minutes("+2h"), Some(120));
        assert_eq!(offset_minutes("+1d2h30m"), Some(24 * 60 + 150));
        for bad in ["", "+", "5m", "+5", "+5x", "+m"] {
            assert_eq!(offset_minutes(bad), None, "{bad}");
        }
    }

    /// Loads a setup made of the conformance shop, `rest` and a one-day run.
    fn load_with(name: &str, rest: &str) -> Result<LoadedSetup, SetupError> {
        let dir = std::env::temp_dir().join(format!("rms-conformance-setup-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let shop = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/shops/conformance.toml");
        let path = dir.join("s.toml");
        let text = format!("name = \"x\"\n[rms]\nshop = '{}'\n[run]\nend = \"+1d\"\n{rest}", shop.display());
        std::fs::write(&path, text).unwrap();
        let out = load(&path);
        std::fs::remove_dir_all(&dir).ok();
        out
    }

    fn refusal(name: &str, rest: &str) -> String {
        match load_with(name, rest) {
            Ok(_) => panic!("{name}: accepted"),
            Err(e) => e.0,
        }
    }

    #[test]
    fn faults_load_at_the_top_and_on_the_timeline_with_offsets_or_datetimes() {
        let s = load_with(
            "ok",
            r#"
[[faults]]
id = "m1"
api = "order"
kind = "maintenance"
from = "+20m"
until = "2026-11-28T10:10:00+0900"

[[timeline]]
at = "+1h"
fault = { id = "lost", functions = ["rpay.order.confirmOrder"], kind = "drop_after_effect", times = 1 }

[[timeline]]
at = "+2h"
fault_off = "lost"

[[timeline]]
at = "+3h"
fault_off = "*"
"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.file.faults.len(), 1);
        let start = crate::time::JstDateTime::parse_rms("2026-11-28T09:00:00+0900").unwrap();
        assert_eq!(
            s.file.faults[0].to_json(start),
            serde_json::json!({"id": "m1", "api": "order", "kind": "maintenance",
                "from": "2026-11-28T09:20:00+0900", "until": "2026-11-28T10:10:00+0900"})
        );
        let step = s.file.timeline[0].fault.as_ref().unwrap();
        assert_eq!(
            step.to_json(start),
            serde_json::json!({"id": "lost", "functions": ["rpay.order.confirmOrder"],
                "kind": "drop_after_effect", "times": 1})
        );
    }

    #[test]
    fn a_bad_fault_is_a_setup_error_naming_its_key() {
        let cases = [
            ("unknown-key", "[[faults]]\nkind = \"maintenance\"\nwhen = \"+1m\"\n", "faults[0]", "when"),
            ("kind", "[[faults]]\nkind = \"meltdown\"\n", "faults[0].kind", "'meltdown' is not a fault kind"),
            (
                "function",
                "[[faults]]\nkind = \"reset\"\nfunctions = [\"rpay.order.confirmOrdr\"]\n",
                "faults[0].functions",
                "did you mean rpay.order.confirmOrder",
            ),
            ("api", "[[faults]]\nkind = \"reset\"\napi = \"orders\"\n", "faults[0].api", "not an API"),
            (
                "both",
                "[[faults]]\nkind = \"reset\"\napi = \"order\"\nfunctions = [\"rpay.order.getOrder\"]\n",
                "faults[0].api",
                "not both",
            ),
            ("latency", "[[faults]]\nkind = \"latency\"\n", "faults[0].latency_ms", "needs latency_ms"),
            ("rows", "[[faults]]\nkind = \"partial_batch\"\n", "faults[0].rows", "needs the rows"),
            ("rows-kind", "[[faults]]\nkind = \"reset\"\nrows = [1]\n", "faults[0].rows", "only a partial_batch"),
            ("p", "[[faults]]\nkind = \"reset\"\nprobability = 1.5\n", "faults[0].probability", "1.5"),
            ("from", "[[faults]]\nkind = \"reset\"\nfrom = \"soon\"\n", "faults[0].from", "'soon' is neither"),
            (
                "dup",
                "[[faults]]\nid = \"a\"\nkind = \"reset\"\n[[faults]]\nid = \"a\"\nkind = \"reset\"\n",
                "faults[1].id",
                "names two faults",
            ),
            (
                "step-key",
                "[[timeline]]\nat = \"+1m\"\nfault = { kind = \"reset\", count = 2 }\n",
                "timeline[0].fault",
                "count",
            ),
            (
                "off-unknown",
                "[[timeline]]\nat = \"+1m\"\nfault_off = \"m1\"\n",
                "timeline[0].fault_off",
                "'m1' is no fault the setup installed before this step",
            ),
            (
                "off-before-on",
                "[[timeline]]\nat = \"+2m\"\nfault = { id = \"m1\", kind = \"reset\" }\n[[timeline]]\nat = \"+1m\"\nfault_off = \"m1\"\n",
                "timeline[1].fault_off",
                "before this step",
            ),
            ("times", "[[faults]]\nkind = \"reset\"\ntimes = 0\n", "faults[0].times", "never fire"),
            ("id", "[[faults]]\nid = \"a b\"\nkind = \"reset\"\n", "faults[0].id", "'a b' is not"),
            (
                "window",
                "[[timeline]]\nat = \"+1m\"\nfault = { kind = \"reset\", from = \"+2h\", until = \"2026-11-28T10:00:00+0900\" }\n",
                "timeline[0].fault.until",
                "the window is empty",
            ),
            (
                "latency-cap",
                "[[faults]]\nkind = \"latency\"\nlatency_ms = 100000000\n",
                "faults[0].latency_ms",
                "more than",
            ),
            (
                "two-actions",
                "[[timeline]]\nat = \"+1m\"\nfault_off = \"*\"\npay = \"#1\"\n",
                "timeline[0]",
                "exactly one of",
            ),
        ];
        for (name, rest, key, problem) in cases {
            let e = refusal(name, rest);
            assert!(e.contains(&format!("s.toml: {key}")) && e.contains(problem), "{name}: {e}");
        }
    }
}
