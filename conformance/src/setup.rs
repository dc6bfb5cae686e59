//! Setup files (`fixtures/setups/*.toml`): one reproducible customer case. The RMS side is a
//! shop document (a shop file plus overrides), the integration side is the tool's settings
//! screen (rms-spec integration-setup.md §2), and a timeline says what happens in virtual time.

use rms_mock::{CouponDoc, LineDoc, ShopDocument};
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
    /// The warehouse ships an order; the tool reports it at its next poll.
    pub ship: Option<ShipStep>,
    /// The shop changes RMS settings (a JSON merge patch, e.g. `{ auto_confirm = true }`).
    pub settings: Option<toml::Table>,
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
            s.ship.is_some(),
            s.settings.is_some(),
        ];
        let n = actions.iter().filter(|a| **a).count();
        if n != 1 {
            return Err(e(
                &key,
                format!("give exactly one of order, pay, buyer_cancel, review_ng, ship, settings ({n} given)"),
            ));
        }
        if let Some(o) = &s.order {
            if o.lines.is_empty() || o.count == 0 {
                return Err(e(&format!("{key}.order"), "needs lines and a count of at least 1".into()));
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
}
