//! The reference integration: an order-management tool set up as the guide in
//! `shared/seed/` says (rms-spec integration-setup.md §3). It sees RMS only through the RMS
//! API over HTTP, with the credentials the customer typed, exactly like a real tool.

use crate::setup::{IntegrationSide, MapBy, Product, ShippingApi, SkuDeclared, TotalsFrom};
use crate::time::JstDateTime;
use base64::Engine;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// One RMS call the integration made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallRecord {
    pub at: JstDateTime,
    /// `searchOrder`, `items.search`, `inventories.bulk-upsert`, …
    pub op: String,
    pub status: u16,
    pub codes: Vec<String>,
    /// Order numbers the call concerned.
    pub orders: Vec<String>,
}

/// Where the tool keeps an imported order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ToolStatus {
    /// 出荷待ち
    AwaitingShipment,
    /// 保留(入金確認)
    HeldForPayment,
    /// 保留(楽天処理中): waits for RMS's 300 (habit `hold_until_300`).
    HeldForRakuten,
    /// 保留(金額未確定 / 住所入力待ち): waits until the order is complete (habit
    /// `hold_incomplete`).
    HeldIncomplete,
    /// Imported, no move rule.
    Imported,
    Shipped,
    /// RMS cancelled it.
    Cancelled,
}

#[derive(Clone, Debug)]
struct Imported {
    status: ToolStatus,
    basket_id: u64,
    /// Every basket of the order (several destinations: more than one).
    baskets: Vec<u64>,
    /// What the tool copied at import, for the habit `detect_rms_edits`.
    copy: BTreeMap<&'static str, String>,
    /// The product-master entries the order's lines matched, with units.
    allocations: Vec<(usize, i64)>,
}

#[derive(Clone, Debug)]
struct Shipment {
    number: String,
    carrier: String,
    tracking: String,
    date: String,
}

/// Who lets virtual time pass while the tool backs off.
pub trait Waiter {
    fn wait(&self, seconds: i64) -> impl std::future::Future<Output = ()> + Send;
}

pub struct Integration {
    cfg: IntegrationSide,
    base: String,
    authorization: String,
    /// The service secret the tool sends (for a new licence key typed in later).
    service_secret: String,
    /// The key before the customer typed a new one, kept while RMS refuses the new one
    /// (habit `keep_old_key`).
    old_authorization: Option<String>,
    http: reqwest::Client,
    last_poll: Option<JstDateTime>,
    last_status_sync: Option<JstDateTime>,
    /// The shop's time as the tool knows it: the poll's start plus the seconds it waited.
    clock: JstDateTime,
    imported: BTreeMap<String, Imported>,
    pending_shipments: Vec<Shipment>,
    stock: Vec<i64>,
    stock_dirty: bool,
    /// Orders searchOrder found whose getOrder gave up: fetched again at the next poll, even
    /// when the next search window no longer reaches them.
    refetch: Vec<String>,
    /// Imported orders whose confirmOrder gave up: confirmed again at the next poll (they
    /// may be out of the next search, and dedupe would skip them anyway).
    reconfirm: Vec<String>,
    /// Orders a confirmOrder attempt may have confirmed without the tool knowing (no
    /// answer, or a 500 after which RMS may or may not have done it).
    confirm_uncertain: std::collections::BTreeSet<String>,
    /// Products whose last push RMS did not take (a failed row, or a push given up): pushed
    /// again at the next poll even when no stock changed.
    unpushed: std::collections::BTreeSet<usize>,
    /// A search failed and the habit `stop_import_on_failure` is on: nothing is imported
    /// any more (until a restart, which a run does not have).
    import_stopped: bool,
    /// Async shipping reports whose result the tool reads at the next polls: (requestId,
    /// shipment).
    async_pending: Vec<(String, Shipment)>,
    /// Orders whose confirmOrder met ERROR_103 with `confirm_103_is_done`: re-read at the
    /// next poll to see what RMS has.
    reread: std::collections::BTreeSet<String>,
    /// Per product: the quantity RMS took at the last push, and the units the tool allocated
    /// to orders since (habit `adopt_rms_stock_changes`).
    last_push: BTreeMap<usize, (i64, i64)>,
    /// How many calls had been made when each outcome was recorded (beside `outcomes`).
    outcome_calls: BTreeMap<String, Vec<usize>>,
    /// What happened to each order, in time order.
    pub outcomes: BTreeMap<String, Vec<(JstDateTime, String)>>,
    pub calls: Vec<CallRecord>,
    /// Stock last pushed per product label.
    pub pushed: BTreeMap<String, i64>,
    /// Things the tool could not do, with when.
    pub notes: Vec<(JstDateTime, String)>,
}

use crate::codes as codes_of;

/// How long the tool waits for one answer before it counts as a transport failure.
pub const CALL_TIMEOUT_SECS: u64 = 30;

/// What one RMS call (with its retries) came to.
#[derive(Clone, Debug)]
struct Answer {
    /// The last attempt's HTTP status; 0 when it got no (complete) answer.
    status: u16,
    /// The last attempt's JSON body (`{"transport": …}` when there was none).
    body: Value,
    /// How many attempts were made.
    attempts: u32,
    /// Some attempt may have taken effect unseen (no answer, or a 5xx other than 503).
    uncertain: bool,
}

impl Answer {
    /// `429 ES04-02`, `503 …`, or `no answer (connection closed …)` for the ledger.
    fn failure(&self) -> String {
        failure(self.status, &self.body)
    }

    /// Retryable, and the retries ran out.
    fn gave_up(&self) -> bool {
        is_retryable(self.status)
    }
}

/// How a failed answer reads in the ledger: `429 ES04-02` (status and codes), or `no answer
/// (…)` when the connection failed or the answer was cut.
fn failure(status: u16, v: &Value) -> String {
    if status == 0 {
        return format!("no answer ({})", v["transport"].as_str().unwrap_or("transport error"));
    }
    let codes: Vec<String> = codes_of(v).iter().map(|c| c.trim_start_matches("ORDER_EXT_API_").to_string()).collect();
    format!("{status} {}", codes.join(","))
}

/// Whether a call is worth repeating unchanged: throttled (429), a server error that may be
/// gone a moment later (500, 502, 503, 504), or no answer at all (connection reset or closed,
/// answer cut short, timeout).
pub fn is_retryable(status: u16) -> bool {
    matches!(status, 0 | 429 | 500 | 502 | 503 | 504)
}

/// `ESA base64(serviceSecret:licenseKey)`, as RMS's documentation tells every tool to send.
pub fn esa_header(service_secret: &str, license_key: &str) -> String {
    format!("ESA {}", base64::engine::general_purpose::STANDARD.encode(format!("{service_secret}:{license_key}")))
}

fn is_prepaid(code: i64) -> bool {
    matches!(code, 9 | 13 | 14)
}

impl Integration {
    pub fn new(cfg: IntegrationSide, base_url: &str, service_secret: &str, license_key: &str) -> Self {
        let stock = cfg.products.iter().map(|p| p.stock).collect();
        let (service_secret, license_key) = if cfg.habits.trim_credentials {
            (service_secret.trim(), license_key.trim())
        } else {
            (service_secret, license_key)
        };
        Integration {
            cfg,
            base: base_url.trim_end_matches('/').to_string(),
            authorization: esa_header(service_secret, license_key),
            service_secret: service_secret.to_string(),
            old_authorization: None,
            // A request RMS never answers must not hang the poll: after this the call counts
            // as a transport failure and is retried like one.
            http: reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(CALL_TIMEOUT_SECS))
                .build()
                .unwrap_or_default(),
            last_poll: None,
            last_status_sync: None,
            clock: JstDateTime::from_seconds(0),
            imported: BTreeMap::new(),
            pending_shipments: Vec::new(),
            stock,
            stock_dirty: true,
            refetch: Vec::new(),
            reconfirm: Vec::new(),
            confirm_uncertain: Default::default(),
            unpushed: Default::default(),
            import_stopped: false,
            async_pending: Vec::new(),
            reread: Default::default(),
            last_push: BTreeMap::new(),
            outcome_calls: BTreeMap::new(),
            outcomes: BTreeMap::new(),
            calls: Vec::new(),
            pushed: BTreeMap::new(),
            notes: Vec::new(),
        }
    }

    /// Waits at most `timeout` for each answer (default [`CALL_TIMEOUT_SECS`]); one that takes
    /// longer counts as no answer and is retried.
    pub fn with_call_timeout(mut self, timeout: std::time::Duration) -> Self {
        self.http = reqwest::Client::builder().timeout(timeout).build().unwrap_or_default();
        self
    }

    /// The customer typed a new licence key into the tool. The careless tool uses it at
    /// once; with `keep_old_key` the old one stays as a fallback until the new one works.
    pub fn set_license_key(&mut self, license_key: &str, at: JstDateTime) {
        let key = if self.cfg.habits.trim_credentials { license_key.trim() } else { license_key };
        let new = esa_header(&self.service_secret, key);
        let old = std::mem::replace(&mut self.authorization, new);
        if self.cfg.habits.keep_old_key {
            self.old_authorization = Some(old);
        }
        self.notes.push((at, "the customer typed a new licence key into the tool".into()));
    }

    fn outcome(&mut self, number: &str, what: String) {
        let at = self.clock;
        self.outcomes.entry(number.to_string()).or_default().push((at, what));
        self.outcome_calls.entry(number.to_string()).or_default().push(self.calls.len());
    }

    /// The outcomes of one order, each with how many RMS calls the tool had made when it was
    /// recorded (so a reader can place them among the calls: call `i` came before the outcome
    /// iff `i` is less than that count).
    pub fn outcomes_with_calls(&self, number: &str) -> Vec<(JstDateTime, usize, String)> {
        let counts = self.outcome_calls.get(number).map(Vec::as_slice).unwrap_or_default();
        let outcomes = self.outcomes.get(number).map(Vec::as_slice).unwrap_or_default();
        outcomes.iter().zip(counts).map(|((at, what), n)| (*at, *n, what.clone())).collect()
    }

    fn note(&mut self, what: String) {
        self.notes.push((self.clock, what));
    }

    /// One RMS call, retried while RMS answers something retryable ([`is_retryable`]: 429,
    /// 5xx other than 501, no answer at all) after 1, 2, 4 … seconds of waiting on the shop's
    /// clock, at most `max_retries` times. Every attempt is recorded.
    async fn call<W: Waiter>(
        &mut self,
        waiter: &W,
        method: reqwest::Method,
        path: &str,
        op: &str,
        body: Option<Value>,
        orders: &[String],
    ) -> Answer {
        let mut attempt = 0;
        let mut uncertain = false;
        let mut with_old_key = false;
        loop {
            let auth = match (&self.old_authorization, with_old_key) {
                (Some(old), true) => old.clone(),
                _ => self.authorization.clone(),
            };
            let mut req =
                self.http.request(method.clone(), format!("{}{path}", self.base)).header("Authorization", auth);
            if let Some(b) = &body {
                req = req.header("Content-Type", "application/json; charset=utf-8").body(b.to_string());
            }
            let (status, v) = match req.send().await {
                Ok(r) => {
                    let status = r.status().as_u16();
                    match r.text().await {
                        // An answer cut short is no answer: the tool cannot tell what RMS did.
                        Err(e) => (0, json!({ "transport": e.to_string() })),
                        Ok(text) => match serde_json::from_str(&text) {
                            Ok(v) => (status, v),
                            Err(_) if text.is_empty() || status >= 300 => (status, Value::Null),
                            Err(e) => (0, json!({ "transport": format!("unreadable answer: {e}") })),
                        },
                    }
                }
                Err(e) => (0, json!({ "transport": e.to_string() })),
            };
            self.calls.push(CallRecord {
                at: self.clock,
                op: op.to_string(),
                status,
                codes: codes_of(&v),
                orders: orders.to_vec(),
            });
            if self.old_authorization.is_some() && !with_old_key {
                if status == 401 {
                    // The new key is not active yet (or wrong): the same call with the old key.
                    self.note(
                        "the new licence key is refused (ES01-01, not active yet?): the call repeated with the old key"
                            .into(),
                    );
                    with_old_key = true;
                    continue;
                }
                if status != 0 && status < 400 {
                    self.old_authorization = None;
                    self.note("the new licence key works: the old one dropped".into());
                }
            }
            // No answer, or a server error, may come after RMS did the work.
            uncertain |= status == 0 || (status >= 500 && status != 503);
            attempt += 1;
            // An answer that names the rows it refused is RMS's answer about each row, not a
            // passing failure of the call: the rows are retried, not the call.
            if is_retryable(status) && attempt <= self.cfg.max_retries && failed_rows(&v).is_empty() {
                let secs = 1i64 << (attempt - 1).min(30);
                waiter.wait(secs).await;
                self.clock = self.clock.plus_seconds(secs);
                continue;
            }
            if self.cfg.habits.explain_refusals && codes_of(&v).iter().any(|c| c == "ES01-01") {
                self.note("RMS refuses the key (ES01-01): a key mistyped or with spaces, expired, renewed but not active yet, or issued for another app (the shop's own WEB APIサービス key, another vendor's): enter this app's serviceSecret and licenseKey from RMS (店舗様向け情報・サービス > WEB APIサービス > 利用設定)".into());
            }
            if self.cfg.habits.explain_refusals && codes_of(&v).iter().any(|c| c == "ES04-01") {
                let api = if path.contains("/items/") {
                    "Item API"
                } else if path.contains("/inventories/") {
                    "Inventory API"
                } else {
                    "order API"
                };
                self.note(format!(
                    "the {api} answers ES04-01 while the others work: in RMS (WEB APIサービス > 利用設定) apply for it, or approve the app's pending scope (承認待ち / 「更新あり」); the tool goes on without it"
                ));
            }
            return Answer { status, body: v, attempts: attempt, uncertain };
        }
    }

    async fn order_call<W: Waiter>(&mut self, w: &W, op: &str, body: Value, orders: &[String]) -> Answer {
        self.call(w, reqwest::Method::POST, &format!("/es/2.0/order/{op}/"), op, Some(body), orders).await
    }

    /// The warehouse shipped `number`; the tool reports it at its next poll.
    pub fn warehouse_shipped(&mut self, number: &str, carrier: &str, tracking: &str, date: &str) {
        self.pending_shipments.push(Shipment {
            number: number.into(),
            carrier: carrier.into(),
            tracking: tracking.into(),
            date: date.into(),
        });
    }

    /// Orders the tool holds in 出荷待ち (for `ship = { order = "*" }`).
    pub fn awaiting_shipment(&self) -> Vec<String> {
        self.imported.iter().filter(|(_, i)| i.status == ToolStatus::AwaitingShipment).map(|(n, _)| n.clone()).collect()
    }

    /// One poll at `now`: import, confirm, status and payment sync, shipping, inventory.
    pub async fn poll<W: Waiter>(&mut self, waiter: &W, now: JstDateTime) {
        self.clock = now;
        if self.cfg.order_import {
            self.import(waiter, now).await;
        }
        self.sync_status(waiter, now).await;
        if self.cfg.shipping_sync {
            self.report_shipments(waiter).await;
        } else {
            for s in std::mem::take(&mut self.pending_shipments) {
                self.outcome(&s.number, "shipped by the warehouse; not reported (shipping sync off)".into());
            }
        }
        if self.cfg.inventory_sync && (self.stock_dirty || !self.unpushed.is_empty()) {
            self.push_inventory(waiter).await;
        }
    }

    async fn import<W: Waiter>(&mut self, w: &W, now: JstDateTime) {
        if self.import_stopped {
            self.note(
                "order import stopped after a failed search: nothing imported until the tool is restarted".into(),
            );
            return;
        }
        let lookback = match (self.cfg.habits.search_window_minutes, self.last_poll) {
            // The careless tool's sliding window: only so far back from now, whatever the
            // last successful search was.
            (Some(window), _) => now.plus_minutes(-i64::from(window)),
            (None, Some(p)) => p.plus_minutes(-i64::from(self.cfg.poll_overlap_minutes)),
            (None, None) => now.plus_minutes(-i64::from(self.cfg.first_poll_lookback_minutes)),
        };
        let start = lookback.max(now.plus_days(-63));
        let Some(found) = self.search(w, start, now).await else {
            return;
        };
        self.last_poll = Some(now);
        let version = self.get_order_version();
        // Orders whose fetch gave up at an earlier poll first (the search may no longer
        // reach them), then what this search found; each once.
        let mut to_fetch = std::mem::take(&mut self.refetch);
        let mut seen: std::collections::HashSet<String> = to_fetch.iter().cloned().collect();
        to_fetch.extend(found.into_iter().filter(|n| seen.insert(n.clone())));
        let mut to_confirm = Vec::new();
        for batch in to_fetch.chunks(100) {
            let a = self.order_call(w, "getOrder", json!({"orderNumberList": batch, "version": version}), batch).await;
            if a.status != 200 {
                if a.gave_up() {
                    let what = format!(
                        "getOrder gave up after {} attempts ({}): fetched again at the next poll",
                        a.attempts,
                        a.failure()
                    );
                    for n in batch {
                        self.outcome(n, what.clone());
                    }
                    self.refetch.extend(batch.iter().cloned());
                } else {
                    self.note(format!("getOrder failed: {}", a.failure()));
                }
                continue;
            }
            for o in a.body["OrderModelList"].as_array().cloned().unwrap_or_default() {
                if let Some(n) = self.apply_rules(&o) {
                    to_confirm.push(n);
                }
            }
        }
        if !self.cfg.confirm_on_import {
            return;
        }
        self.confirm(w, to_confirm).await;
    }

    /// searchOrder `[100]` over `[start, end]`, every page (or as many as the tool reads);
    /// with `slice_searches`, a window holding more orders than the tool can read is cut in
    /// halves until each fits. None when a search failed (after its retries).
    async fn search<W: Waiter>(&mut self, w: &W, start: JstDateTime, end: JstDateTime) -> Option<Vec<String>> {
        let h = self.cfg.habits.clone();
        let size = h.search_page_size.clamp(1, 1000);
        // What one search can give: the pages the tool reads, and never past RMS's cap.
        let capacity = h.search_max_pages.map_or(SEARCH_CAP, |p| (u64::from(p) * u64::from(size)).min(SEARCH_CAP));
        let mut found: Vec<String> = Vec::new();
        // Windows still to search, the earliest last (popped first).
        let mut windows = vec![(start, end)];
        'windows: while let Some((from, to)) = windows.pop() {
            let mut page = 1u32;
            loop {
                let body = json!({
                    "dateType": 1,
                    "startDatetime": from.to_rms(),
                    "endDatetime": to.to_rms(),
                    "orderProgressList": [100],
                    "PaginationRequestModel": {"requestRecordsAmount": size, "requestPage": page},
                });
                let a = self.order_call(w, "searchOrder", body, &[]).await;
                if a.status != 200 {
                    self.note(format!("searchOrder failed: {}", a.failure()));
                    if h.stop_import_on_failure {
                        self.import_stopped = true;
                        self.note("order import stopped (it waits for a restart)".into());
                    }
                    return None;
                }
                let v = a.body;
                let total = v["PaginationResponseModel"]["totalRecordsAmount"].as_u64().unwrap_or(0);
                let span = to.seconds() - from.seconds();
                if page == 1 && h.slice_searches && total > capacity && span >= 2 {
                    let mid = from.plus_seconds(span / 2);
                    self.note(format!(
                        "searchOrder: {total} orders from {} to {}, more than one search reads ({capacity}): window sliced in two",
                        from.to_rms(),
                        to.to_rms()
                    ));
                    windows.push((mid.plus_seconds(1), to));
                    windows.push((from, mid));
                    continue 'windows;
                }
                found.extend(
                    v["orderNumberList"].as_array().into_iter().flatten().filter_map(|n| n.as_str().map(String::from)),
                );
                let pages = v["PaginationResponseModel"]["totalPages"].as_u64().unwrap_or(0);
                if u64::from(page) >= pages || h.search_max_pages.is_some_and(|m| page >= m) {
                    break;
                }
                page += 1;
            }
        }
        Some(found)
    }

    /// confirmOrder for the orders just imported and those whose confirmation gave up
    /// before. After an attempt that may have taken effect unseen (the lost-confirm case),
    /// RMS's "not in 100 any more" (CONFIRM_ORDER_ERROR_103) means the order was confirmed.
    async fn confirm<W: Waiter>(&mut self, w: &W, imported: Vec<String>) {
        let mut numbers = std::mem::take(&mut self.reconfirm);
        numbers.extend(imported);
        for batch in numbers.chunks(100) {
            let a = self.order_call(w, "confirmOrder", json!({"orderNumberList": batch}), batch).await;
            if a.uncertain {
                self.confirm_uncertain.extend(batch.iter().cloned());
            }
            if a.status != 200 {
                if a.gave_up() {
                    let what = format!(
                        "confirmOrder gave up after {} attempts ({}): confirmed again at the next poll",
                        a.attempts,
                        a.failure()
                    );
                    for n in batch {
                        self.outcome(n, what.clone());
                    }
                    self.reconfirm.extend(batch.iter().cloned());
                } else {
                    self.note(format!("confirmOrder failed: {}", a.failure()));
                }
                continue;
            }
            for m in a.body["MessageModelList"].as_array().cloned().unwrap_or_default() {
                if m["messageType"] == "ERROR" {
                    let n = m["orderNumber"].as_str().unwrap_or_default().to_string();
                    let code = m["messageCode"].as_str().unwrap_or_default().to_string();
                    if code.ends_with("_ERROR_103") && self.confirm_uncertain.contains(&n) {
                        let short = code.trim_start_matches("ORDER_EXT_API_");
                        let what = format!("confirmed: an earlier attempt had taken effect unseen ({short} on the retry: no longer in 100)");
                        self.outcome(&n, what);
                    } else if code.ends_with("_ERROR_103") && self.cfg.habits.confirm_103_is_done {
                        let short = code.trim_start_matches("ORDER_EXT_API_");
                        let what = format!(
                            "confirmed: {short} (no longer in 100, confirmed in RMS already) counts as done; re-read to check"
                        );
                        self.outcome(&n, what);
                        self.reread.insert(n);
                    } else {
                        self.outcome(&n, format!("confirmOrder refused: {code}"));
                    }
                }
            }
            for n in batch {
                self.confirm_uncertain.remove(n);
            }
        }
    }

    /// Why the careful tool holds an order (habits `hold_incomplete`, `hold_flagged`).
    fn incomplete(&self, o: &Value) -> Option<Incomplete> {
        let h = &self.cfg.habits;
        if h.hold_incomplete {
            if let Some(why) = incomplete(o) {
                return Some(why);
            }
        }
        let caution = o["cautionDisplayType"].as_i64().unwrap_or(0);
        let confirm = o["rakutenConfirmFlag"].as_i64().unwrap_or(0);
        (h.hold_flagged && (caution != 0 || confirm != 0)).then_some(Incomplete::Flagged { caution, confirm })
    }

    /// getOrder's version: 7 when 移行済 is declared (SkuModelList), 5 when 未移行
    /// (itemNumber); 10 for the tool that holds incomplete orders (SocialGiftModel).
    fn get_order_version(&self) -> u8 {
        match self.cfg.sku_migration {
            SkuDeclared::Migrated if self.cfg.habits.hold_incomplete || self.cfg.habits.hold_flagged => 10,
            SkuDeclared::Migrated => 7,
            SkuDeclared::NotMigrated => 5,
        }
    }

    /// Finds the product-master entry for one ordered line.
    fn match_line(&self, item: &Value) -> Result<usize, String> {
        let products: &[Product] = &self.cfg.products;
        match self.cfg.sku_migration {
            SkuDeclared::Migrated => {
                let manage = item["manageNumber"].as_str().unwrap_or_default();
                let Some(sku) = item["SkuModelList"].as_array().and_then(|l| l.first()) else {
                    return Err(format!("{manage} (SkuModelList empty)"));
                };
                let variant = sku["variantId"].as_str().unwrap_or_default();
                let merchant = sku["merchantDefinedSkuId"].as_str();
                products
                    .iter()
                    .position(|p| {
                        (p.manage_number.as_deref() == Some(manage) && p.variant_id.as_deref() == Some(variant))
                            || (merchant.is_some() && p.sku.as_deref() == merchant)
                    })
                    .ok_or_else(|| merchant.map(String::from).unwrap_or_else(|| format!("{manage}/{variant}")))
            }
            SkuDeclared::NotMigrated => {
                let code = item["itemNumber"].as_str().unwrap_or_default();
                products
                    .iter()
                    .position(|p| p.item_code.as_deref() == Some(code))
                    .ok_or_else(|| format!("itemNumber {code}"))
            }
        }
    }

    /// The processing robots (a)–(e); returns the number when the order is imported.
    fn apply_rules(&mut self, o: &Value) -> Option<String> {
        let number = o["orderNumber"].as_str()?.to_string();
        let rules = self.cfg.rules.clone();
        if self.imported.contains_key(&number) {
            if rules.dedupe {
                self.outcome(&number, "skipped: already imported".into());
                return None;
            }
            self.outcome(&number, "imported AGAIN (duplicate: dedupe rule off)".into());
        }
        if let Some(types) = &self.cfg.habits.import_order_types {
            let t = o["orderType"].as_i64().unwrap_or(1);
            if !types.contains(&t) {
                self.outcome(
                    &number,
                    format!("skipped: orderType {t} ({}) is not imported by the tool", order_type_name(t)),
                );
                return None;
            }
        }
        let items: Vec<Value> = o["PackageModelList"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|p| p["ItemModelList"].as_array().cloned().unwrap_or_default())
            .collect();
        let mut allocations = Vec::new();
        let mut unmatched = Vec::new();
        for it in &items {
            match self.match_line(it) {
                Ok(i) => allocations.push((i, it["units"].as_i64().unwrap_or(0))),
                Err(label) => unmatched.push(label),
            }
        }
        if rules.require_product_master && !unmatched.is_empty() {
            self.outcome(&number, format!("rejected: no product master for SKU {}", unmatched.join(", ")));
            return None;
        }
        let prepaid = is_prepaid(o["SettlementModel"]["settlementMethodCode"].as_i64().unwrap_or(0));
        let incomplete = self.incomplete(o);
        let status = if incomplete.is_some() {
            ToolStatus::HeldIncomplete
        } else if rules.hold_unpaid && prepaid {
            ToolStatus::HeldForPayment
        } else if rules.move_to_awaiting_shipment && self.cfg.habits.hold_until_300 {
            ToolStatus::HeldForRakuten
        } else if rules.move_to_awaiting_shipment {
            ToolStatus::AwaitingShipment
        } else {
            ToolStatus::Imported
        };
        let text = match status {
            ToolStatus::HeldForPayment => "imported → 保留(入金確認)",
            ToolStatus::HeldForRakuten => "imported → 保留(楽天処理中: to 出荷待ち at 300)",
            ToolStatus::HeldIncomplete => "imported → 保留",
            ToolStatus::AwaitingShipment => "imported → 出荷待ち",
            _ => "imported",
        };
        let flag = if rules.payment_flag_zero { " (入金フラグ 0)" } else { "" };
        match &incomplete {
            Some(why) => self.outcome(&number, format!("{text}({}){flag}", why.label())),
            None => self.outcome(&number, format!("{text}{flag}")),
        }
        if let Some(from) = self.cfg.habits.totals {
            let line = total_line(from, o);
            self.outcome(&number, line);
        }
        if let Some(by) = self.cfg.habits.payment_mapping {
            let line = payment_line(by, o);
            self.outcome(&number, line);
        }
        for (i, units) in &allocations {
            self.stock[*i] -= units;
            if let Some((_, sold)) = self.last_push.get_mut(i) {
                *sold += units;
            }
        }
        if !allocations.is_empty() {
            self.stock_dirty = true;
        }
        let basket_id = o["PackageModelList"][0]["basketId"].as_u64().unwrap_or(0);
        let baskets =
            o["PackageModelList"].as_array().into_iter().flatten().filter_map(|p| p["basketId"].as_u64()).collect();
        let copy = order_copy(o);
        self.imported.insert(number.clone(), Imported { status, basket_id, baskets, copy, allocations });
        if let Some(Incomplete::Amounts(_)) = incomplete {
            // Not confirmed: RMS refuses an order whose amounts are open (ERROR_105).
            return None;
        }
        Some(number)
    }

    /// Re-reads the orders the tool still tracks: held orders that RMS shows paid move to
    /// 出荷待ち (the payment-confirmation linkage), orders RMS cancelled are marked.
    async fn sync_status<W: Waiter>(&mut self, w: &W, now: JstDateTime) {
        // Held orders are re-read every poll (the payment-confirmation linkage); the others
        // at most hourly, which is enough to notice RMS cancelling them.
        let hourly = self.last_status_sync.is_none_or(|t| now.seconds() - t.seconds() >= 3600);
        if hourly {
            self.last_status_sync = Some(now);
        }
        let tracked: Vec<String> = self
            .imported
            .iter()
            .filter(|(n, i)| match i.status {
                ToolStatus::HeldForPayment | ToolStatus::HeldForRakuten | ToolStatus::HeldIncomplete => true,
                // The careful tool re-reads 出荷待ち at every poll, before the warehouse picks.
                ToolStatus::AwaitingShipment if self.cfg.habits.recheck_before_shipping => true,
                // The careful tool re-reads what it imported to notice edits made in RMS.
                ToolStatus::AwaitingShipment | ToolStatus::Imported if self.cfg.habits.detect_rms_edits => true,
                ToolStatus::AwaitingShipment | ToolStatus::Imported => self.cfg.shipping_sync && hourly,
                _ => false,
            } || self.reread.contains(*n))
            .map(|(n, _)| n.clone())
            .collect();
        let version = self.get_order_version();
        for batch in tracked.chunks(100) {
            // Orders stay tracked, so a sync that failed is simply tried at the next poll.
            let a = self.order_call(w, "getOrder", json!({"orderNumberList": batch, "version": version}), batch).await;
            if a.status != 200 {
                self.note(format!("getOrder (status sync) failed: {}", a.failure()));
                continue;
            }
            for o in a.body["OrderModelList"].as_array().cloned().unwrap_or_default() {
                let n = o["orderNumber"].as_str().unwrap_or_default().to_string();
                let progress = o["orderProgress"].as_i64().unwrap_or(0);
                let Some(imp) = self.imported.get(&n).cloned() else { continue };
                if self.cfg.habits.detect_rms_edits && progress != 900 {
                    let now_copy = order_copy(&o);
                    let changed: Vec<String> = now_copy
                        .iter()
                        .filter(|(k, v)| imp.copy.get(*k) != Some(*v))
                        .map(|(k, v)| format!("{k} {} → {v}", imp.copy.get(k).map(String::as_str).unwrap_or("?")))
                        .collect();
                    if !changed.is_empty() {
                        self.imported.entry(n.clone()).and_modify(|i| i.copy = now_copy);
                        let held = progress == 400 && imp.status == ToolStatus::AwaitingShipment;
                        let then = if held { "; held in 保留 until RMS leaves 400 変更確定待ち" } else { "" };
                        self.outcome(
                            &n,
                            format!(
                                "edited in RMS after import: {}; the tool's copy updated{then}",
                                changed.join("; ")
                            ),
                        );
                        if held {
                            self.imported.entry(n.clone()).and_modify(|i| i.status = ToolStatus::HeldIncomplete);
                            continue;
                        }
                    }
                }
                if self.reread.remove(&n) {
                    self.outcome(&n, format!("re-read after ERROR_103: RMS has it in {progress}"));
                }
                if progress == 900 && imp.status == ToolStatus::Cancelled {
                    continue;
                }
                if imp.status == ToolStatus::HeldIncomplete && progress != 900 {
                    match self.incomplete(&o) {
                        Some(_) => {}
                        // A flagged order also waits for 300 (Rakuten's review over).
                        None if self.cfg.habits.hold_flagged && !(300..=700).contains(&progress) => {}
                        // An order RMS has in 400 (変更確定待ち) waits for the change to be confirmed.
                        None if progress == 400 => {}
                        None => {
                            let prepaid =
                                is_prepaid(o["SettlementModel"]["settlementMethodCode"].as_i64().unwrap_or(0));
                            let (next, text) =
                                if self.cfg.rules.hold_unpaid && prepaid && !(300..=700).contains(&progress) {
                                    (ToolStatus::HeldForPayment, "保留(入金確認)")
                                } else {
                                    (ToolStatus::AwaitingShipment, "出荷待ち")
                                };
                            self.imported.entry(n.clone()).and_modify(|i| i.status = next);
                            self.outcome(&n, format!("complete now (requestPrice ¥{}) → {text}", o["requestPrice"]));
                            if progress == 100 && self.cfg.confirm_on_import {
                                self.reconfirm.push(n.clone());
                            }
                        }
                    }
                    continue;
                }
                if progress == 900 {
                    self.imported.entry(n.clone()).and_modify(|i| i.status = ToolStatus::Cancelled);
                    for (i, units) in &imp.allocations {
                        self.stock[*i] += units;
                        if let Some((_, sold)) = self.last_push.get_mut(i) {
                            *sold -= units;
                        }
                    }
                    self.stock_dirty = true;
                    let from = if matches!(imp.status, ToolStatus::HeldForRakuten | ToolStatus::HeldIncomplete) {
                        "保留"
                    } else {
                        "出荷待ち"
                    };
                    self.outcome(&n, format!("cancelled in RMS (900): removed from {from}"));
                } else if imp.status == ToolStatus::HeldForRakuten && (300..=700).contains(&progress) && progress != 400
                {
                    self.imported.entry(n.clone()).and_modify(|i| i.status = ToolStatus::AwaitingShipment);
                    self.outcome(&n, format!("RMS has it in {progress} → 出荷待ち"));
                } else if imp.status == ToolStatus::HeldForPayment && (300..=700).contains(&progress) && progress != 400
                {
                    self.imported.entry(n.clone()).and_modify(|i| i.status = ToolStatus::AwaitingShipment);
                    self.outcome(&n, "payment confirmed → 出荷待ち".into());
                }
            }
        }
    }

    async fn report_shipments<W: Waiter>(&mut self, w: &W) {
        if self.cfg.habits.poll_async_results {
            self.read_async_results(w).await;
        }
        let mut again = Vec::new();
        for s in std::mem::take(&mut self.pending_shipments) {
            let Some(imp) = self.imported.get(&s.number).cloned() else {
                self.outcome(&s.number, "shipped by the warehouse, but the tool never imported it".into());
                continue;
            };
            if imp.status != ToolStatus::AwaitingShipment {
                self.outcome(&s.number, format!("shipped by the warehouse while {:?}: not reported", imp.status));
                continue;
            }
            if self.cfg.habits.check_shipping_fields {
                let missing: Vec<&str> = [("carrier", &s.carrier), ("tracking number", &s.tracking), ("date", &s.date)]
                    .iter()
                    .filter(|(_, v)| v.trim().is_empty())
                    .map(|(k, _)| *k)
                    .collect();
                if !missing.is_empty() {
                    let what = format!(
                        "shipping not reported: no {} from the warehouse (RMS needs carrier, number and date on every basket to reach 500)",
                        missing.join(", ")
                    );
                    self.outcome(&s.number, what);
                    continue;
                }
            }
            let row = |tracking: String| json!({"deliveryCompany": s.carrier, "shippingNumber": tracking, "shippingDate": s.date});
            let baskets: Vec<Value> = if self.cfg.habits.ship_every_basket && imp.baskets.len() > 1 {
                // One parcel per destination.
                imp.baskets
                    .iter()
                    .enumerate()
                    .map(|(k, b)| json!({"basketId": b, "ShippingModelList": [row(format!("{}-{}", s.tracking, k + 1))]}))
                    .collect()
            } else {
                vec![json!({"basketId": imp.basket_id, "ShippingModelList": [row(s.tracking.clone())]})]
            };
            let body = json!({ "orderNumber": s.number, "BasketidModelList": baskets });
            let orders = [s.number.clone()];
            if self.cfg.habits.shipping_api == ShippingApi::Async {
                self.report_async(w, s, body).await;
                continue;
            }
            let a = self.order_call(w, "updateOrderShipping", body, &orders).await;
            let codes = codes_of(&a.body);
            if a.status == 200 && self.cfg.habits.trust_http_200 {
                // The careless tool: HTTP 200 is success; the MessageModelList is not read.
                self.imported.entry(s.number.clone()).and_modify(|i| i.status = ToolStatus::Shipped);
                self.outcome(
                    &s.number,
                    format!("shipping reported ({} {}): HTTP 200, messages not read", s.carrier, s.tracking),
                );
            } else if a.status == 200 && codes.iter().all(|c| c.contains("_INFO_")) {
                self.imported.entry(s.number.clone()).and_modify(|i| i.status = ToolStatus::Shipped);
                self.outcome(&s.number, format!("shipping reported ({} {})", s.carrier, s.tracking));
            } else if a.gave_up() {
                let what = format!(
                    "shipping report gave up after {} attempts ({}): reported again at the next poll",
                    a.attempts,
                    a.failure()
                );
                self.outcome(&s.number, what);
                again.push(s);
            } else {
                self.outcome(&s.number, format!("shipping report failed: {}", a.failure()));
            }
        }
        // Shipments the warehouse reported meanwhile (none within a poll) come after these.
        again.append(&mut self.pending_shipments);
        self.pending_shipments = again;
    }

    /// updateOrderShippingAsync for one order: RMS accepts it (INFO_101 and a requestId);
    /// what it did with the order only the result tells.
    async fn report_async<W: Waiter>(&mut self, w: &W, s: Shipment, order: Value) {
        let orders = [s.number.clone()];
        let body = json!({ "OrderShippingModelList": [order] });
        let a = self.order_call(w, "updateOrderShippingAsync", body, &orders).await;
        let codes = codes_of(&a.body);
        let request_id = a.body["MessageModelList"].as_array().into_iter().flatten().find_map(|m| {
            m["requestId"].as_str().map(String::from).or_else(|| m["requestId"].as_i64().map(|i| i.to_string()))
        });
        match request_id {
            Some(id) if a.status == 200 && codes.iter().all(|c| c.contains("_INFO_")) => {
                self.imported.entry(s.number.clone()).and_modify(|i| i.status = ToolStatus::Shipped);
                if self.cfg.habits.poll_async_results {
                    self.outcome(
                        &s.number,
                        format!("shipping sent (async, requestId {id}): result read at the next poll"),
                    );
                    self.async_pending.push((id, s));
                } else {
                    self.outcome(
                        &s.number,
                        format!("shipping reported ({} {}): async request accepted", s.carrier, s.tracking),
                    );
                }
            }
            _ if a.gave_up() => {
                let what = format!(
                    "shipping report gave up after {} attempts ({}): reported again at the next poll",
                    a.attempts,
                    a.failure()
                );
                self.outcome(&s.number, what);
                self.pending_shipments.push(s);
            }
            _ => self.outcome(&s.number, format!("shipping report failed: {}", a.failure())),
        }
    }

    /// getResultUpdateOrderShippingAsync for every async report still open: an order with
    /// only INFO messages is shipped in RMS; one with an ERROR is back in 出荷待ち with the
    /// code on the ledger; a result not there yet is read again at the next poll.
    async fn read_async_results<W: Waiter>(&mut self, w: &W) {
        for (id, s) in std::mem::take(&mut self.async_pending) {
            let orders = [s.number.clone()];
            let a = self.order_call(w, "getResultUpdateOrderShippingAsync", json!({ "requestId": id }), &orders).await;
            let result = a.body["ResultShippingModelList"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|r| r["orderNumber"].as_str() == Some(s.number.as_str()))
                .cloned();
            let Some(r) = result.filter(|_| a.status == 200) else {
                self.async_pending.push((id, s));
                continue;
            };
            let codes = codes_of(&r);
            let short: Vec<&str> = codes.iter().map(|c| c.trim_start_matches("ORDER_EXT_API_")).collect();
            if codes.iter().all(|c| c.contains("_INFO_")) {
                self.outcome(&s.number, format!("async shipping result: done ({})", short.join(",")));
            } else {
                self.imported.entry(s.number.clone()).and_modify(|i| i.status = ToolStatus::AwaitingShipment);
                self.outcome(
                    &s.number,
                    format!("async shipping result: refused ({}): not in RMS, back in 出荷待ち", short.join(",")),
                );
            }
        }
    }

    /// items.search maps the product master to RMS SKUs, then one ABSOLUTE bulk-upsert per
    /// 400 SKUs pushes the tool's stock.
    async fn push_inventory<W: Waiter>(&mut self, w: &W) {
        let mut by_pair: BTreeMap<(String, String), ()> = BTreeMap::new();
        let mut by_merchant: BTreeMap<String, (String, String)> = BTreeMap::new();
        let mut offset = 0;
        loop {
            let path = format!("/es/2.0/items/search?sortKey=manageNumber&sortOrder=asc&hits=100&offset={offset}");
            let a = self.call(w, reqwest::Method::GET, &path, "items.search", None, &[]).await;
            if a.status != 200 {
                self.note(format!("items.search failed: {}", a.failure()));
                return;
            }
            let v = a.body;
            let results = v["results"].as_array().cloned().unwrap_or_default();
            for r in &results {
                let m = r["item"]["manageNumber"].as_str().unwrap_or_default().to_string();
                for (vid, var) in r["item"]["variants"].as_object().into_iter().flatten() {
                    by_pair.insert((m.clone(), vid.clone()), ());
                    if let Some(sku) = var["merchantDefinedSkuId"].as_str() {
                        by_merchant.insert(sku.to_string(), (m.clone(), vid.clone()));
                    }
                }
            }
            offset += results.len();
            if results.len() < 100 || offset as u64 >= v["numFound"].as_u64().unwrap_or(0) || offset > 10_000 {
                break;
            }
        }
        // Every product after a stock change; otherwise only those RMS did not take last time.
        if self.cfg.habits.adopt_rms_stock_changes && !self.last_push.is_empty() {
            self.adopt_rms_stock(w, &by_pair, &by_merchant).await;
        }
        let wanted: Vec<usize> = if self.stock_dirty {
            (0..self.cfg.products.len()).collect()
        } else {
            self.unpushed.iter().copied().collect()
        };
        let mut writes = Vec::new();
        let mut rows = Vec::new();
        let mut missing = Vec::new();
        for i in wanted {
            let p = &self.cfg.products[i];
            let pair = match (&p.manage_number, &p.variant_id) {
                (Some(m), Some(v)) if by_pair.contains_key(&(m.clone(), v.clone())) => Some((m.clone(), v.clone())),
                _ => p.sku.as_ref().and_then(|s| by_merchant.get(s).cloned()),
            };
            match pair {
                Some((m, v)) => {
                    let q = self.stock[i].clamp(0, 99_999);
                    writes.push(json!({"manageNumber": m, "variantId": v, "mode": "ABSOLUTE", "quantity": q}));
                    rows.push((i, p.label(), q));
                }
                None => match (&p.manage_number, &p.variant_id) {
                    // The careless tool pushes what it has; RMS answers 204 and keeps an orphan.
                    (Some(m), Some(v)) if self.cfg.habits.push_unmapped_stock => {
                        let q = self.stock[i].clamp(0, 99_999);
                        writes.push(json!({"manageNumber": m, "variantId": v, "mode": "ABSOLUTE", "quantity": q}));
                        rows.push((i, p.label(), q));
                    }
                    _ => missing.push(format!("inventory: {} is not in the RMS catalog", p.label())),
                },
            }
        }
        for m in missing {
            self.note(m);
        }
        self.stock_dirty = false;
        self.unpushed.clear();
        let read_back: Vec<(String, String, String, i64)> = if self.cfg.habits.read_back_stock {
            writes
                .iter()
                .zip(&rows)
                .map(|(wr, (_, label, q))| {
                    let m = wr["manageNumber"].as_str().unwrap_or_default().to_string();
                    let v = wr["variantId"].as_str().unwrap_or_default().to_string();
                    (label.clone(), m, v, *q)
                })
                .collect()
        } else {
            Vec::new()
        };
        for (chunk, chunk_rows) in writes.chunks(400).zip(rows.chunks(400)) {
            let body = json!({ "inventories": chunk });
            let a = self
                .call(
                    w,
                    reqwest::Method::POST,
                    "/es/2.0/inventories/bulk-upsert",
                    "inventories.bulk-upsert",
                    Some(body),
                    &[],
                )
                .await;
            if a.status == 204 {
                for (i, label, q) in chunk_rows {
                    self.pushed.insert(label.clone(), *q);
                    self.last_push.insert(*i, (*q, 0));
                }
                continue;
            }
            let failed = failed_rows(&a.body);
            if !failed.is_empty() {
                // Some rows refused: RMS applied the others (rms-mock's partial batch failure);
                // the refused ones are pushed again at the next poll. ABSOLUTE writes make a
                // repeated row harmless either way.
                for (row, (i, label, q)) in chunk_rows.iter().enumerate() {
                    match failed.iter().find(|(r, _)| *r == row) {
                        Some((_, code)) => {
                            self.note(format!(
                                "inventory push: {label}={q} refused ({code}): pushed again at the next poll"
                            ));
                            self.unpushed.insert(*i);
                        }
                        None => {
                            self.pushed.insert(label.clone(), *q);
                            self.last_push.insert(*i, (*q, 0));
                        }
                    }
                }
            } else if a.gave_up() {
                self.note(format!(
                    "inventory push gave up after {} attempts ({}): pushed again at the next poll",
                    a.attempts,
                    a.failure()
                ));
                self.unpushed.extend(chunk_rows.iter().map(|(i, _, _)| *i));
            } else {
                self.note(format!("inventory push failed: {}", a.failure()));
            }
        }
        if !read_back.is_empty() {
            self.read_stock_back(w, read_back, &by_pair).await;
        }
    }

    /// Before pushing: reads RMS's stock of every product pushed before and compares it with
    /// what RMS should hold (the last push less the units the tool allocated since). A
    /// difference was made outside the tool (the staff by hand in RMS, a return, another
    /// tool): it is taken into the tool's stock instead of being overwritten.
    async fn adopt_rms_stock<W: Waiter>(
        &mut self,
        w: &W,
        by_pair: &BTreeMap<(String, String), ()>,
        by_merchant: &BTreeMap<String, (String, String)>,
    ) {
        let mut keys = Vec::new();
        for (&i, &(pushed, sold)) in &self.last_push {
            let p = &self.cfg.products[i];
            let pair = match (&p.manage_number, &p.variant_id) {
                (Some(m), Some(v)) if by_pair.contains_key(&(m.clone(), v.clone())) => Some((m.clone(), v.clone())),
                _ => p.sku.as_ref().and_then(|s| by_merchant.get(s).cloned()),
            };
            if let Some(pair) = pair {
                keys.push((i, pair, pushed - sold));
            }
        }
        for chunk in keys.chunks(1000) {
            let body = json!({ "inventories": chunk.iter().map(|(_, (m, v), _)| json!({"manageNumber": m, "variantId": v})).collect::<Vec<_>>() });
            let a = self
                .call(w, reqwest::Method::POST, "/es/2.0/inventories/bulk-get", "inventories.bulk-get", Some(body), &[])
                .await;
            if a.status != 200 {
                self.note(format!("inventory read before the push failed: {}", a.failure()));
                return;
            }
            for (i, (m, v), expected) in chunk {
                let have = a.body["inventories"].as_array().into_iter().flatten().find(|r| {
                    r["manageNumber"].as_str() == Some(m.as_str()) && r["variantId"].as_str() == Some(v.as_str())
                });
                let Some(have) = have.and_then(|r| r["quantity"].as_i64()) else { continue };
                if have != *expected {
                    let delta = have - expected;
                    self.stock[*i] += delta;
                    self.stock_dirty = true;
                    let label = self.cfg.products[*i].label();
                    self.note(format!(
                        "RMS stock of {label} changed outside the tool (expected {expected}, RMS has {have}): {delta:+} taken into the tool's stock, not overwritten"
                    ));
                }
            }
        }
    }

    /// Reads back what was just pushed (inventories bulk-get): a SKU RMS has no stock for, a
    /// quantity other than the one pushed, or stock for a SKU no item of the catalog has (an
    /// orphan record, deleted after 24 h) is a note.
    async fn read_stock_back<W: Waiter>(
        &mut self,
        w: &W,
        rows: Vec<(String, String, String, i64)>,
        catalog: &BTreeMap<(String, String), ()>,
    ) {
        for chunk in rows.chunks(1000) {
            let keys: Vec<Value> =
                chunk.iter().map(|(_, m, v, _)| json!({"manageNumber": m, "variantId": v})).collect();
            let body = json!({ "inventories": keys });
            let a = self
                .call(w, reqwest::Method::POST, "/es/2.0/inventories/bulk-get", "inventories.bulk-get", Some(body), &[])
                .await;
            if a.status != 200 {
                self.note(format!("inventory read back failed: {}", a.failure()));
                continue;
            }
            let got: BTreeMap<(String, String), i64> = a.body["inventories"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|r| {
                    let m = r["manageNumber"].as_str().unwrap_or_default().to_string();
                    let v = r["variantId"].as_str().unwrap_or_default().to_string();
                    ((m, v), r["quantity"].as_i64().unwrap_or(-1))
                })
                .collect();
            for (label, m, v, q) in chunk {
                let key = (m.clone(), v.clone());
                let what = match got.get(&key) {
                    None => format!("inventory read back: {label} ({m}/{v}) has no stock in RMS after the push"),
                    Some(_) if !catalog.contains_key(&key) => format!(
                        "inventory read back: {label} ({m}/{v}) is no SKU of the RMS catalog: RMS took the push (204) as an orphan record, deleted after 24 h; fix the product master"
                    ),
                    Some(have) if have != q => {
                        format!("inventory read back: {label} RMS has {have}, the tool pushed {q}")
                    }
                    Some(_) => continue,
                };
                self.note(what);
            }
        }
    }
}

/// The parts of an order the careful tool compares with RMS (habit `detect_rms_edits`):
/// amounts, items, delivery address and `modifyFlag` (RMS's change reasons also record what the
/// tool itself did, such as its confirm, so their count says nothing on its own).
fn order_copy(o: &Value) -> BTreeMap<&'static str, String> {
    let mut c = BTreeMap::new();
    for k in ["requestPrice", "postagePrice", "modifyFlag"] {
        c.insert(k, o[k].to_string());
    }
    let packages = o["PackageModelList"].as_array().cloned().unwrap_or_default();
    let items: Vec<String> = packages
        .iter()
        .flat_map(|p| p["ItemModelList"].as_array().cloned().unwrap_or_default())
        .map(|i| {
            format!(
                "{}/{} ×{} ¥{}",
                i["manageNumber"].as_str().unwrap_or("?"),
                i["SkuModelList"][0]["variantId"].as_str().unwrap_or("?"),
                i["units"],
                i["price"]
            )
        })
        .collect();
    c.insert("items", items.join(", "));
    let addresses: Vec<String> = packages
        .iter()
        .map(|p| {
            let s = &p["SenderModel"];
            format!(
                "{}{}{}",
                s["prefecture"].as_str().unwrap_or(""),
                s["city"].as_str().unwrap_or(""),
                s["subAddress"].as_str().unwrap_or("")
            )
        })
        .collect();
    c.insert("address", addresses.join(" / "));
    c
}

/// Why an order is not complete yet (habit `hold_incomplete`).
#[derive(Clone, Debug, PartialEq, Eq)]
enum Incomplete {
    /// The amounts that are −9999.
    Amounts(Vec<&'static str>),
    /// A social gift whose recipient has not entered the address by this date.
    GiftAddress(String),
    /// Rakuten flags the order.
    Flagged { caution: i64, confirm: i64 },
}

impl Incomplete {
    fn label(&self) -> String {
        match self {
            Incomplete::Amounts(keys) => format!("金額未確定: {} −9999; not confirmed", keys.join(", ")),
            Incomplete::GiftAddress(due) => format!("住所入力待ち: the recipient enters the address by {due}"),
            Incomplete::Flagged { caution, confirm } => {
                format!("要注意: cautionDisplayType {caution}, rakutenConfirmFlag {confirm}; shipped only from 300 when clear")
            }
        }
    }
}

/// An order the careful tool does not ship yet: amounts still −9999, or a social gift
/// without the recipient's address.
fn incomplete(o: &Value) -> Option<Incomplete> {
    let open: Vec<&'static str> = ["goodsPrice", "postagePrice", "deliveryPrice", "totalPrice", "requestPrice"]
        .into_iter()
        .filter(|k| o[*k].as_i64() == Some(-9999))
        .collect();
    if !open.is_empty() {
        return Some(Incomplete::Amounts(open));
    }
    o["PackageModelList"].as_array().into_iter().flatten().find_map(|p| {
        let g = &p["SocialGiftModel"];
        (g["inputFlag"].as_i64() == Some(0))
            .then(|| Incomplete::GiftAddress(g["inputDueDate"].as_str().unwrap_or("?").to_string()))
    })
}

/// `orderType` as RMS names it.
fn order_type_name(t: i64) -> &'static str {
    match t {
        1 => "通常購入",
        4 => "定期購入",
        5 => "頒布会",
        6 => "予約商品",
        _ => "unknown type",
    }
}

/// Results past the 15,000th of one search cannot be fetched (order-api.md §3.1).
const SEARCH_CAP: u64 = 15_000;

/// The total the tool books for an order (habit `totals`), with RMS's for comparison.
fn total_line(from: TotalsFrom, o: &Value) -> String {
    let request = o["requestPrice"].as_i64().unwrap_or(0);
    match from {
        TotalsFrom::SumOfItems => {
            let items: i64 = o["PackageModelList"]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|p| p["ItemModelList"].as_array().cloned().unwrap_or_default())
                .map(|i| i["price"].as_i64().unwrap_or(0) * i["units"].as_i64().unwrap_or(0))
                .sum();
            let booked = items + o["postagePrice"].as_i64().unwrap_or(0);
            if booked == request {
                format!("booked total ¥{booked} (Σ items + postage) = RMS requestPrice")
            } else {
                format!(
                    "booked total ¥{booked} (Σ items + postage) ≠ RMS requestPrice ¥{request} (couponAllTotalPrice ¥{}, usedPoint {}, differs by ¥{})",
                    o["couponAllTotalPrice"].as_i64().unwrap_or(0),
                    o["PointModel"]["usedPoint"].as_i64().unwrap_or(0),
                    booked - request
                )
            }
        }
        TotalsFrom::RequestPrice => {
            let taxes: Vec<String> = o["TaxSummaryModelList"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|t| {
                    let rate = t["taxRate"].as_f64().unwrap_or(0.0);
                    format!(
                        "{}%: reqPrice ¥{}, reqPriceTax ¥{}",
                        (rate * 100.0).round(),
                        t["reqPrice"],
                        t["reqPriceTax"]
                    )
                })
                .collect();
            format!("booked total ¥{request} (requestPrice; TaxSummary {})", taxes.join(", "))
        }
    }
}

/// The payment methods the careless tool knew by name when it was written (before Apple Pay,
/// 後払い決済, Alipay, PayPal were offered).
const KNOWN_PAYMENT_NAMES: [&str; 5] =
    ["クレジットカード", "代金引換", "銀行振込", "セブンイレブン（前払）", "ファミリーマート、ローソン等（前払）"];

/// The codes the careful tool maps (order-api.md §7.3).
const KNOWN_PAYMENT_CODES: [i64; 15] = [1, 2, 4, 5, 6, 7, 8, 9, 12, 13, 14, 16, 17, 21, 27];

/// How the tool records an order's payment method (habit `payment_mapping`).
fn payment_line(by: MapBy, o: &Value) -> String {
    let name = o["SettlementModel"]["settlementMethod"].as_str().unwrap_or_default();
    let code = o["SettlementModel"]["settlementMethodCode"].as_i64().unwrap_or(0);
    match by {
        MapBy::Name if KNOWN_PAYMENT_NAMES.contains(&name) => format!("payment method: {name} (by name)"),
        MapBy::Name => format!("payment method: blank (the tool knows no method named 「{name}」)"),
        MapBy::Code if KNOWN_PAYMENT_CODES.contains(&code) => format!("payment method: code {code} {name}"),
        MapBy::Code => format!("payment method: code {code} unknown to the tool: warned, held for a person"),
    }
}

/// The rows of a bulk write an error answer names (`metadata.propertyPath` such as
/// `inventories[2].quantity`), with the code refusing each; empty when the errors concern the
/// whole request (ES04-01, IE1105, …).
fn failed_rows(v: &Value) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    for e in v["errors"].as_array().into_iter().flatten() {
        let Some(path) = e.pointer("/metadata/propertyPath").and_then(Value::as_str) else {
            return Vec::new();
        };
        let Some(row) = path.strip_prefix("inventories[").and_then(|r| r.split(']').next()?.parse().ok()) else {
            return Vec::new();
        };
        if !out.iter().any(|(r, _)| *r == row) {
            out.push((row, e["code"].as_str().unwrap_or("?").to_string()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttling_server_errors_and_no_answer_are_retryable_refusals_are_not() {
        for s in [0, 429, 500, 502, 503, 504] {
            assert!(is_retryable(s), "{s}");
        }
        for s in [200, 204, 400, 401, 403, 404, 409, 501] {
            assert!(!is_retryable(s), "{s}");
        }
    }

    #[test]
    fn refused_rows_are_read_from_property_paths_and_whole_request_errors_name_none() {
        let rows = json!({"errors": [
            {"code": "X0000", "message": "m", "metadata": {"propertyPath": "inventories[1].quantity"}},
            {"code": "IE0117", "message": "m", "metadata": {"propertyPath": "inventories[3]"}},
            {"code": "IE0002", "message": "m", "metadata": {"propertyPath": "inventories[1].mode"}},
        ]});
        assert_eq!(failed_rows(&rows), vec![(1, "X0000".to_string()), (3, "IE0117".to_string())]);
        let whole = json!({"errors": [{"code": "IE1105", "message": "disabled"}]});
        assert!(failed_rows(&whole).is_empty());
        let mixed = json!({"errors": [
            {"code": "IE0117", "message": "m", "metadata": {"propertyPath": "inventories[0].quantity"}},
            {"code": "IE0002", "message": "m", "metadata": {"propertyPath": "quantity"}},
        ]});
        assert!(failed_rows(&mixed).is_empty(), "an error not about a row fails the whole request");
        assert!(failed_rows(&json!({"Results": {"errorCode": "ES04-01"}})).is_empty());
    }

    #[test]
    fn a_failure_reads_as_status_and_codes_or_as_no_answer() {
        let v = json!({"MessageModelList": [{"messageCode": "ORDER_EXT_API_X"}]});
        assert_eq!(failure(503, &v), "503 X", "the order API's prefix left out, as in the summary");
        assert_eq!(failure(0, &json!({"transport": "connection closed"})), "no answer (connection closed)");
    }
}
