//! Setup files (`fixtures/setups/*.toml`): one reproducible customer case. The RMS side is a
//! shop document (a shop file plus overrides), the integration side is the tool's settings
//! screen (rms-spec integration-setup.md §2), and a timeline says what happens in virtual time.

use rms_mock::{CouponDoc, DestinationDoc, LineDoc, OrderDoc, ShopDocument};
use serde::Deserialize;
use std::path::{Path, PathBuf};

mod check;
pub(crate) use check::label as order_label;

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
    /// How careful the tool is (`[integration.habits]`, issue 14): each habit off by
    /// default, so a setup without them replays the reference tool unchanged.
    pub habits: Habits,
}

/// The habits that tell a careful integration from a careless one (field-failures.md).
/// Every default is the reference tool's behaviour before they existed.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Habits {
    /// Careless (rows 6, 7): each poll searches only this many minutes back from now (a
    /// sliding window), whatever the last successful search was. None: from the last
    /// successful search (minus the overlap), so a window missed in an outage is backfilled.
    pub search_window_minutes: Option<u32>,
    /// Careless (row 6): a search that fails stops the importer until someone restarts it.
    pub stop_import_on_failure: bool,
    /// `requestRecordsAmount` of each searchOrder page (RMS: ≤ 1000).
    pub search_page_size: u32,
    /// Careless (row 13): the tool reads at most this many pages of a search. None: every page.
    pub search_max_pages: Option<u32>,
    /// Careful (row 13): a search whose `totalRecordsAmount` is more than the tool can read
    /// (its pages, or RMS's 15,000 cap) is sliced into halves of the window until each fits.
    pub slice_searches: bool,
    /// Careless (row 8): an updateOrderShipping answered HTTP 200 counts as done, without
    /// reading the MessageModelList (where RMS puts each order's errors).
    pub trust_http_200: bool,
    /// Careful (row 8): a shipment without carrier, tracking number or date is not reported
    /// (RMS takes such a row but the order never reaches 500 and the sale is not captured);
    /// it stays in 出荷待ち with what is missing on the ledger.
    pub check_shipping_fields: bool,
    /// Careful (row 9): orders in 出荷待ち are re-read at every poll (not hourly), so an order
    /// RMS cancelled leaves the pick list before the warehouse ships it.
    pub recheck_before_shipping: bool,
    /// Careless (row 10): products the RMS catalog does not know are pushed anyway, with the
    /// manageNumber/variantId the tool has (RMS answers 204 and keeps an orphan record).
    pub push_unmapped_stock: bool,
    /// Careful (rows 10, 16): after a push the tool reads the stock back (inventories
    /// bulk-get) and checks each pushed SKU against the catalog and the pushed quantity.
    pub read_back_stock: bool,
    /// Row 14: the total the tool books for each order, as a line on the ledger.
    pub totals: Option<TotalsFrom>,
    /// Row 15: how the tool maps the payment method, as a line on the ledger.
    pub payment_mapping: Option<MapBy>,
    /// Row 18: report shipping with updateOrderShipping (`sync`, default) or
    /// updateOrderShippingAsync (`async`).
    pub shipping_api: ShippingApi,
    /// Careful (row 18): after an async shipping report, read getResultUpdateOrderShippingAsync
    /// at the next polls until the result is there, and act on each order's messages.
    pub poll_async_results: bool,
    /// Careful (row 12): confirmOrder's ERROR_103 (the order is no longer in 100: someone
    /// confirmed it already) counts as confirmed; the order is re-read at the next poll.
    pub confirm_103_is_done: bool,
    /// Careful (row 11): an imported order waits in 保留(楽天処理中) until RMS has it in 300
    /// (Rakuten's processing and card review done), re-read at every poll; only then does it
    /// go to 出荷待ち, where the warehouse picks.
    pub hold_until_300: bool,
    /// Careful (row 3): the service secret and license key are trimmed of the whitespace a
    /// copy from the RMS screen brings along (a space, a tab, a line break).
    pub trim_credentials: bool,
    /// Careless (row 2): only orders of these `orderType`s are imported (1 通常, 4 定期,
    /// 5 頒布会, 6 予約); the others are skipped. None: every type.
    pub import_order_types: Option<Vec<i64>>,
    /// Careful (rows 2, 12, 17): an order with an undetermined amount (−9999) is held in
    /// 保留(金額未確定) and not confirmed (RMS would answer ERROR_105); a social-gift order
    /// whose recipient has not entered the address (`SocialGiftModel.inputFlag` 0) is held in
    /// 保留(住所入力待ち). Both are re-read at every poll (getOrder version 10) and released when
    /// complete.
    pub hold_incomplete: bool,
    /// Careful (row 11): an order Rakuten flags (`cautionDisplayType` 1 or 2,
    /// `rakutenConfirmFlag` 1) is held in 保留(要注意), re-read at every poll, and released to
    /// 出荷待ち only when the flags are clear and RMS has it in 300.
    pub hold_flagged: bool,
    /// Careful (row 19): a shipping report names every basket of the order (several
    /// destinations: one parcel each, tracking numbers `<tracking>-1`, `-2`, …); default: the
    /// first basket only.
    pub ship_every_basket: bool,
    /// Careful (row 1): every order in 出荷待ち is re-read at every poll and compared with what
    /// the tool imported (amounts, items, address, `modifyFlag`, change reasons); an edit made
    /// in RMS is a ledger line and updates the tool's copy.
    pub detect_rms_edits: bool,
    /// Careful (row 5): when the customer types a new licence key into the tool
    /// (`tool_license_key` step), the tool keeps the old one and falls back on it while RMS
    /// still refuses the new one (ES01-01: a renewed key works only after 10–30 minutes); it
    /// drops the old key once the new one works. Default: the new key at once.
    pub keep_old_key: bool,
    /// Careful (row 4): an API refused with ES04-01 while others work is named with what the
    /// shop must do in RMS (apply for it, or approve the vendor app's pending scope).
    pub explain_refusals: bool,
    /// Careful (row 16): before each push the tool reads RMS's stock of what it pushed before;
    /// a change made outside the tool (by hand in RMS) is taken into the tool's stock instead
    /// of being overwritten by the ABSOLUTE push.
    pub adopt_rms_stock_changes: bool,
}

impl Default for Habits {
    fn default() -> Self {
        Habits {
            search_window_minutes: None,
            stop_import_on_failure: false,
            search_page_size: 1000,
            search_max_pages: None,
            slice_searches: false,
            trust_http_200: false,
            check_shipping_fields: false,
            recheck_before_shipping: false,
            push_unmapped_stock: false,
            read_back_stock: false,
            totals: None,
            payment_mapping: None,
            shipping_api: ShippingApi::Sync,
            poll_async_results: false,
            confirm_103_is_done: false,
            hold_until_300: false,
            trim_credentials: false,
            import_order_types: None,
            hold_incomplete: false,
            hold_flagged: false,
            ship_every_basket: false,
            detect_rms_edits: false,
            keep_old_key: false,
            explain_refusals: false,
            adopt_rms_stock_changes: false,
        }
    }
}

impl Habits {
    /// The habits switched on, as the ledger's header names them (empty for the default).
    pub fn describe(&self) -> Vec<String> {
        let d = Habits::default();
        let mut out = Vec::new();
        if let Some(m) = self.search_window_minutes {
            out.push(format!("sliding search window {m}m"));
        }
        if self.stop_import_on_failure {
            out.push("import stops on a failed search".into());
        }
        if self.search_page_size != d.search_page_size {
            out.push(format!("{} a page", self.search_page_size));
        }
        if let Some(p) = self.search_max_pages {
            out.push(format!("reads {p} page(s) at most"));
        }
        if self.slice_searches {
            out.push("slices busy searches".into());
        }
        if self.trust_http_200 {
            out.push("trusts HTTP 200".into());
        }
        if self.check_shipping_fields {
            out.push("checks shipping fields".into());
        }
        if self.recheck_before_shipping {
            out.push("re-checks before shipping".into());
        }
        if self.push_unmapped_stock {
            out.push("pushes unmapped stock".into());
        }
        if self.read_back_stock {
            out.push("reads stock back".into());
        }
        match self.totals {
            Some(TotalsFrom::SumOfItems) => out.push("totals from the items".into()),
            Some(TotalsFrom::RequestPrice) => out.push("totals from requestPrice".into()),
            None => {}
        }
        match self.payment_mapping {
            Some(MapBy::Name) => out.push("payment mapped by name".into()),
            Some(MapBy::Code) => out.push("payment mapped by code".into()),
            None => {}
        }
        if self.shipping_api == ShippingApi::Async {
            out.push("async shipping".into());
        }
        if self.poll_async_results {
            out.push("polls async results".into());
        }
        if self.confirm_103_is_done {
            out.push("confirm ERROR_103 = done".into());
        }
        if self.hold_until_300 {
            out.push("holds until 300".into());
        }
        if self.trim_credentials {
            out.push("trims the key".into());
        }
        if let Some(types) = &self.import_order_types {
            let t: Vec<String> = types.iter().map(i64::to_string).collect();
            out.push(format!("imports orderType {} only", t.join(", ")));
        }
        if self.hold_incomplete {
            out.push("holds incomplete orders".into());
        }
        if self.hold_flagged {
            out.push("holds flagged orders".into());
        }
        if self.ship_every_basket {
            out.push("ships every basket".into());
        }
        if self.detect_rms_edits {
            out.push("detects RMS edits".into());
        }
        if self.adopt_rms_stock_changes {
            out.push("adopts RMS stock changes".into());
        }
        if self.explain_refusals {
            out.push("explains refusals".into());
        }
        if self.keep_old_key {
            out.push("keeps the old key until the new one works".into());
        }
        out
    }
}

/// Where the tool takes an order's total from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TotalsFrom {
    /// Careless: Σ price × units of the lines plus postage (coupons, points and tax-exclusive
    /// lines not counted as RMS does).
    SumOfItems,
    /// Careful: RMS's `requestPrice` (and `TaxSummaryModelList` for the tax).
    RequestPrice,
}

/// How the tool maps a coded value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MapBy {
    /// Careless: by the name RMS shows, against the names the tool knew when it was written.
    Name,
    /// Careful: by the code, warning on a code it does not know.
    Code,
}

/// Which shipping report the tool uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ShippingApi {
    #[default]
    Sync,
    Async,
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
            habits: Habits::default(),
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
    /// The customer types a new licence key into the tool's settings screen (after renewing it
    /// in RMS); the tool uses it from its next call.
    pub tool_license_key: Option<String>,
    /// The shop's staff act in the RMS screens (README "Shop staff"): confirm, cancel, edit an
    /// order, set its sub-status, change stock by hand, renew the licence key, approve the
    /// vendor app's scopes.
    pub staff: Option<StaffStep>,
}

/// What the shop's staff do in the RMS screens at a step: exactly one of `confirm`, `cancel`,
/// `edit`, `sub_status` (an order's label), `stock`, `renew_license`, `approve`; the other
/// keys qualify it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffStep {
    /// 受注確認 in RMS: 100 → 200 (`staff_confirm`).
    pub confirm: Option<String>,
    /// キャンセル in RMS: → 900 (`staff_cancel`).
    pub cancel: Option<String>,
    /// With `cancel`: put the units back (true) or not (false); default: each item's rule.
    pub restock: Option<bool>,
    /// The order edited in RMS (`staff_edit`): with `items`, `postage_price`, `address`.
    pub edit: Option<String>,
    /// With `edit`: lines to change, `{ manage_number, variant_id, units?, price? }`.
    #[serde(default)]
    pub items: Vec<rms_mock::control::StaffLine>,
    /// With `edit`: the new postage.
    pub postage_price: Option<i64>,
    /// With `edit`: the new delivery address `{ zip_code, prefecture, city, sub_address }`.
    pub address: Option<rms_mock::control::StaffAddressDoc>,
    /// サブステータス set in RMS (with `id`; no `id` clears it).
    pub sub_status: Option<String>,
    /// With `sub_status`: the shop's sub-status id.
    pub id: Option<i64>,
    /// Stock changed by hand: `{ manage_number, variant_id, mode = "ABSOLUTE"|"RELATIVE", quantity }`.
    pub stock: Option<rms_mock::control::StaffStock>,
    /// A new licence key issued in RMS: it works after `active_after_minutes` (default 15);
    /// the old key keeps working until its own expiry.
    pub renew_license: Option<String>,
    /// With `renew_license`: minutes until the new key works.
    pub active_after_minutes: Option<u32>,
    /// The shop approves the vendor app's pending scopes: `["item"]`, or `["*"]` for all.
    pub approve: Option<Vec<String>>,
}

impl StaffStep {
    /// How many action keys the step has (a valid one has exactly one).
    pub fn actions(&self) -> usize {
        [
            self.confirm.is_some(),
            self.cancel.is_some(),
            self.edit.is_some(),
            self.sub_status.is_some(),
            self.stock.is_some(),
            self.renew_license.is_some(),
            self.approve.is_some(),
        ]
        .iter()
        .filter(|a| **a)
        .count()
    }
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

impl OrderStep {
    /// The order the buyer places at this step, paying with `payment`.
    pub fn to_doc(&self, payment: i64) -> OrderDoc {
        OrderDoc {
            lines: self.lines.clone(),
            settlement_method_code: payment,
            used_point: self.used_point,
            coupons: self.coupons.clone(),
            delivery_cert_program: self.delivery_cert_program,
            one_day_operation: self.one_day_operation,
            drop_off_location: self.drop_off_location.clone(),
            order_type: self.order_type,
            reserve_number: self.reserve_number.clone(),
            reserve_delivery_count: self.reserve_delivery_count,
            postage_undetermined: self.postage_undetermined,
            social_gift: self.social_gift,
            gift_input_days: self.gift_input_days,
            destinations: self.destinations.clone(),
            caution_display_type: self.caution_display_type,
            caution_display_detail_type: self.caution_display_detail_type,
            rakuten_confirm: self.rakuten_confirm,
            review_ng: self.review_ng,
            ..OrderDoc::default()
        }
    }

    /// `(manage_number, variant_id)` of every line, in every basket.
    fn all_lines(&self) -> Vec<(&str, &str)> {
        let baskets = std::iter::once(&self.lines).chain(self.destinations.iter().map(|d| &d.lines));
        baskets.flatten().map(|l| (l.manage_number.as_str(), l.variant_id.as_str())).collect()
    }
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
    /// The shipping date as the warehouse's file has it and the tool sends it unchanged
    /// (RMS wants `YYYY-MM-DD`); default: the day of the step, in RMS's form.
    pub date: Option<String>,
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
            s.staff.is_some(),
            s.tool_license_key.is_some(),
        ];
        let n = actions.iter().filter(|a| **a).count();
        if n != 1 {
            return Err(e(
                &key,
                format!(
                    "give exactly one of order, pay, buyer_cancel, review_ng, gift_address, postage, ship, settings, fault, fault_off, staff, tool_license_key ({n} given)"
                ),
            ));
        }
        if let Some(st) = &s.staff {
            let n = st.actions();
            if n != 1 {
                return Err(e(
                    &format!("{key}.staff"),
                    format!(
                        "give exactly one of confirm, cancel, edit, sub_status, stock, renew_license, approve ({n} given)"
                    ),
                ));
            }
            if let Some(label) = &st.edit {
                let req = rms_mock::control::StaffEditRequest {
                    items: st.items.clone(),
                    postage_price: st.postage_price,
                    address: st.address.clone(),
                };
                if let Err(problem) = rms_mock::control::check_staff_edit(&req) {
                    return Err(e(&format!("{key}.staff"), format!("edit {label}: {problem}")));
                }
            }
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
        // `fault_off` ids: checked with the fault ids the fake gives (`check`).
    }
    check::timeline(&source, &file, &shop, &doc)?;
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
    fn habits_load_under_integration_and_a_typo_is_named() {
        let s = load_with("habits", "[integration.habits]\nsearch_window_minutes = 60\ntotals = \"request_price\"\n")
            .unwrap_or_else(|e| panic!("{e}"));
        let h = &s.file.integration.habits;
        assert_eq!((h.search_window_minutes, h.totals), (Some(60), Some(TotalsFrom::RequestPrice)));
        assert_eq!(h.describe(), ["sliding search window 60m", "totals from requestPrice"]);
        assert!(Habits::default().describe().is_empty(), "the default tool names no habit");
        let e = refusal("habit-typo", "[integration.habits]\nslice_search = true\n");
        assert!(e.contains("integration.habits") && e.contains("slice_search"), "{e}");
        let e = refusal("habit-value", "[integration.habits]\ntotals = \"guess\"\n");
        assert!(e.contains("integration.habits.totals"), "{e}");
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

    /// `[[timeline]]` steps at +1m, +2m, … from `(key = value)` lines.
    fn steps(lines: &[&str]) -> String {
        lines.iter().enumerate().map(|(i, l)| format!("[[timeline]]\nat = \"+{}m\"\n{l}\n", i + 1)).collect()
    }

    const TSHIRT: &str = "order = { lines = [{ manage_number = \"tshirt-basic\", variant_id = \"m-black\" }] }";

    #[test]
    fn a_timeline_step_naming_what_does_not_exist_is_a_setup_error_before_the_run() {
        let cases: Vec<(&str, String, &str, &str)> = vec![
            (
                "variant",
                steps(&["order = { lines = [{ manage_number = \"tshirt-basic\", variant_id = \"XL\" }] }"]),
                "timeline[0].order.lines[0].variant_id",
                "'XL' does not exist in item 'tshirt-basic' (variants: m-black, l-white)",
            ),
            (
                "item",
                steps(&["order = { lines = [{ manage_number = \"shirt-01\", variant_id = \"m\" }] }"]),
                "timeline[0].order.lines[0].manage_number",
                "no item 'shirt-01' in the shop's catalog (items: tshirt-basic,",
            ),
            (
                "destination",
                steps(&["order = { lines = [{ manage_number = \"mug-white\", variant_id = \"mug-white\" }], destinations = [{ lines = [{ manage_number = \"mug-white\", variant_id = \"mug-black\" }] }] }"]),
                "timeline[0].order.destinations[0].lines[0].variant_id",
                "'mug-black' does not exist",
            ),
            (
                "payment",
                steps(&["order = { lines = [{ manage_number = \"mug-white\", variant_id = \"mug-white\" }], payments = [1, 77] }"]),
                "timeline[0].order.settlement_method_code",
                "77 is not a RakutenPay payment code",
            ),
            (
                "units",
                steps(&["order = { lines = [{ manage_number = \"mug-white\", variant_id = \"mug-white\", units = 0 }] }"]),
                "timeline[0].order.lines[0].units",
                "0 is not between 1 and 999",
            ),
            ("pay-unknown", steps(&[TSHIRT, "pay = \"#2\""]), "timeline[1].pay", "no order '#2' in the timeline (labels: #1)"),
            (
                "pay-later",
                format!("[[timeline]]\nat = \"+30m\"\n{TSHIRT}\n[[timeline]]\nat = \"+10m\"\nbuyer_cancel = \"#1\"\n"),
                "timeline[1].buyer_cancel",
                "the order '#1' is placed later (timeline[0] at +30m); this step plays at +10m",
            ),
            (
                "label-twice",
                steps(&[
                    "order = { id = \"a\", lines = [{ manage_number = \"mug-white\", variant_id = \"mug-white\" }] }",
                    "order = { id = \"a\", lines = [{ manage_number = \"mug-white\", variant_id = \"mug-white\" }] }",
                ]),
                "timeline[1].order.id",
                "the label 'a' is already given to the order of timeline[0]",
            ),
            ("review", steps(&["review_ng = \"x\""]), "timeline[0].review_ng", "no order 'x' in the timeline (labels: none)"),
            ("gift", steps(&[TSHIRT, "gift_address = \"gift\""]), "timeline[1].gift_address", "no order 'gift'"),
            ("postage", steps(&[TSHIRT, "postage = { order = \"#3\", yen = 500 }"]), "timeline[1].postage.order", "no order '#3'"),
            ("ship", steps(&[TSHIRT, "ship = { order = \"#0\" }"]), "timeline[1].ship.order", "no order '#0'"),
            ("staff-confirm", steps(&["staff = { confirm = \"#1\" }", TSHIRT]), "timeline[0].staff.confirm", "placed later"),
            (
                "staff-edit-line",
                steps(&[TSHIRT, "staff = { edit = \"#1\", items = [{ manage_number = \"mug-white\", variant_id = \"mug-white\", units = 2 }] }"]),
                "timeline[1].staff.items[0]",
                "the order '#1' has no line of mug-white/mug-white (its lines: tshirt-basic/m-black)",
            ),
            (
                "staff-sub-status",
                steps(&[TSHIRT, "staff = { sub_status = \"#1\", id = 7 }"]),
                "timeline[1].staff.id",
                "7 is no sub-status of the shop (its [[sub_statuses]]: none)",
            ),
            (
                "staff-stock",
                steps(&["staff = { stock = { manage_number = \"tshirt-basic\", variant_id = \"xl\", quantity = 5 } }"]),
                "timeline[0].staff.stock.variant_id",
                "'xl' does not exist in item 'tshirt-basic'",
            ),
            ("staff-approve", steps(&["staff = { approve = [\"orders\"] }"]), "timeline[0].staff.approve[0]", "'orders' is not an API"),
            ("staff-key", steps(&["staff = { renew_license = \"a b\" }"]), "timeline[0].staff.renew_license", "'a b' is not a licence key"),
            (
                "settings-key",
                steps(&["settings = { auto_confrm = true }"]),
                "timeline[0].settings.auto_confrm",
                "unknown field `auto_confrm`, expected one of `auto_confirm`,",
            ),
            ("settings-value", steps(&["settings = { auto_confirm = 3 }"]), "timeline[0].settings.auto_confirm", "invalid type"),
            (
                "fault-auto-id",
                format!("[[faults]]\nkind = \"reset\"\n{}", steps(&["fault = { id = \"f1\", kind = \"maintenance\" }"])),
                "timeline[0].fault.id",
                "'f1' is the id of a fault installed before this step",
            ),
            (
                "fault-off-twice",
                format!("[[faults]]\nid = \"m\"\nkind = \"reset\"\n{}", steps(&["fault_off = \"m\"", "fault_off = \"m\""])),
                "timeline[1].fault_off",
                "'m' is no fault installed at this step: a fault_off before it removed it",
            ),
            (
                "fault-off-after-all",
                format!("[[faults]]\nid = \"m\"\nkind = \"reset\"\n{}", steps(&["fault_off = \"*\"", "fault_off = \"m\""])),
                "timeline[1].fault_off",
                "a fault_off before it removed it",
            ),
        ];
        for (name, rest, key, problem) in cases {
            let e = refusal(name, &rest);
            assert!(e.contains(&format!("s.toml: {key}: ")) && e.contains(problem), "{name}: {e}");
        }
    }

    #[test]
    fn steps_that_name_what_exists_in_time_pass_the_check() {
        let ok = steps(&[
            "order = { id = \"r\", count = 2, every_minutes = 1, lines = [{ manage_number = \"mug-white\", variant_id = \"mug-white\" }], payments = [1, 9] }",
            "pay = \"r-2\"",
            TSHIRT,
            "staff = { edit = \"#3\", items = [{ manage_number = \"tshirt-basic\", variant_id = \"m-black\", units = 2 }] }",
            "staff = { stock = { manage_number = \"socks-3p\", variant_id = \"socks-3p\", quantity = 5 } }",
            "settings = { auto_confirm = true }",
            "fault = { kind = \"reset\" }",
            "fault_off = \"f1\"",
            "ship = { order = \"*\" }",
            "pay = \"*\"",
        ]);
        // `#3`: the repeated order `r` took the first two placements.
        load_with("ok-steps", &ok).unwrap_or_else(|e| panic!("{e}"));
    }
}
