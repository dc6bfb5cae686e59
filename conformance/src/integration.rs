//! The reference integration: an order-management tool set up as the guide in
//! `shared/seed/` says (rms-spec integration-setup.md §3). It sees RMS only through the RMS
//! API over HTTP, with the credentials the customer typed, exactly like a real tool.

use crate::setup::{IntegrationSide, Product, SkuDeclared};
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
    http: reqwest::Client,
    last_poll: Option<JstDateTime>,
    last_status_sync: Option<JstDateTime>,
    /// The shop's time as the tool knows it: the poll's start plus the seconds it waited.
    clock: JstDateTime,
    imported: BTreeMap<String, Imported>,
    pending_shipments: Vec<Shipment>,
    stock: Vec<i64>,
    stock_dirty: bool,
    /// What happened to each order, in time order.
    pub outcomes: BTreeMap<String, Vec<(JstDateTime, String)>>,
    pub calls: Vec<CallRecord>,
    /// Stock last pushed per product label.
    pub pushed: BTreeMap<String, i64>,
    /// Things the tool could not do, with when.
    pub notes: Vec<(JstDateTime, String)>,
}

use crate::codes as codes_of;

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
        Integration {
            cfg,
            base: base_url.trim_end_matches('/').to_string(),
            authorization: esa_header(service_secret, license_key),
            http: reqwest::Client::new(),
            last_poll: None,
            last_status_sync: None,
            clock: JstDateTime::from_seconds(0),
            imported: BTreeMap::new(),
            pending_shipments: Vec::new(),
            stock,
            stock_dirty: true,
            outcomes: BTreeMap::new(),
            calls: Vec::new(),
            pushed: BTreeMap::new(),
            notes: Vec::new(),
        }
    }

    fn outcome(&mut self, number: &str, what: String) {
        let at = self.clock;
        self.outcomes.entry(number.to_string()).or_default().push((at, what));
    }

    fn note(&mut self, what: String) {
        self.notes.push((self.clock, what));
    }

    /// One RMS call; throttled answers (429) are retried after 1, 2, 4 … seconds of
    /// (virtual) waiting. Every attempt is recorded.
    async fn call<W: Waiter>(
        &mut self,
        waiter: &W,
        method: reqwest::Method,
        path: &str,
        op: &str,
        body: Option<Value>,
        orders: &[String],
    ) -> (u16, Value) {
        let mut attempt = 0;
        loop {
            let mut req = self
                .http
                .request(method.clone(), format!("{}{path}", self.base))
                .header("Authorization", &self.authorization);
            if let Some(b) = &body {
                req = req.header("Content-Type", "application/json; charset=utf-8").body(b.to_string());
            }
            let (status, v) = match req.send().await {
                Ok(r) => {
                    let status = r.status().as_u16();
                    let text = r.text().await.unwrap_or_default();
                    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
                }
                Err(e) => (0, json!({"transport": e.to_string()})),
            };
            self.calls.push(CallRecord {
                at: self.clock,
                op: op.to_string(),
                status,
                codes: codes_of(&v),
                orders: orders.to_vec(),
            });
            if status == 429 && attempt < self.cfg.max_retries {
                let secs = 1i64 << attempt;
                waiter.wait(secs).await;
                self.clock = self.clock.plus_seconds(secs);
                attempt += 1;
                continue;
            }
            return (status, v);
        }
    }

    async fn order_call<W: Waiter>(&mut self, w: &W, op: &str, body: Value, orders: &[String]) -> (u16, Value) {
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
        if self.cfg.inventory_sync && self.stock_dirty {
            self.push_inventory(waiter).await;
        }
    }

    async fn import<W: Waiter>(&mut self, w: &W, now: JstDateTime) {
        let lookback = match self.last_poll {
            Some(p) => p.plus_minutes(-i64::from(self.cfg.poll_overlap_minutes)),
            None => now.plus_minutes(-i64::from(self.cfg.first_poll_lookback_minutes)),
        };
        let start = lookback.max(now.plus_days(-63));
        let mut found: Vec<String> = Vec::new();
        let mut page = 1;
        loop {
            let body = json!({
                "dateType": 1,
                "startDatetime": start.to_rms(),
                "endDatetime": now.to_rms(),
                "orderProgressList": [100],
                "PaginationRequestModel": {"requestRecordsAmount": 1000, "requestPage": page},
            });
            let (status, v) = self.order_call(w, "searchOrder", body, &[]).await;
            if status != 200 {
                self.note(format!("searchOrder failed: {status} {}", codes_of(&v).join(",")));
                return;
            }
            found.extend(
                v["orderNumberList"].as_array().into_iter().flatten().filter_map(|n| n.as_str().map(String::from)),
            );
            let pages = v["PaginationResponseModel"]["totalPages"].as_u64().unwrap_or(0);
            if page >= pages {
                break;
            }
            page += 1;
        }
        self.last_poll = Some(now);
        let version = match self.cfg.sku_migration {
            SkuDeclared::Migrated => 7,
            SkuDeclared::NotMigrated => 5,
        };
        let mut to_confirm = Vec::new();
        for batch in found.chunks(100) {
            let (status, v) =
                self.order_call(w, "getOrder", json!({"orderNumberList": batch, "version": version}), batch).await;
            if status != 200 {
                self.note(format!("getOrder failed: {status} {}", codes_of(&v).join(",")));
                continue;
            }
            for o in v["OrderModelList"].as_array().cloned().unwrap_or_default() {
                if let Some(n) = self.apply_rules(&o) {
                    to_confirm.push(n);
                }
            }
        }
        if !self.cfg.confirm_on_import {
            return;
        }
        for batch in to_confirm.chunks(100) {
            let (status, v) = self.order_call(w, "confirmOrder", json!({"orderNumberList": batch}), batch).await;
            if status != 200 {
                self.note(format!("confirmOrder failed: {status} {}", codes_of(&v).join(",")));
                continue;
            }
            for m in v["MessageModelList"].as_array().cloned().unwrap_or_default() {
                if m["messageType"] == "ERROR" {
                    let n = m["orderNumber"].as_str().unwrap_or_default().to_string();
                    let code = m["messageCode"].as_str().unwrap_or_default().to_string();
                    self.outcome(&n, format!("confirmOrder refused: {code}"));
                }
            }
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
        let status = if rules.hold_unpaid && prepaid {
            ToolStatus::HeldForPayment
        } else if rules.move_to_awaiting_shipment {
            ToolStatus::AwaitingShipment
        } else {
            ToolStatus::Imported
        };
        let text = match status {
            ToolStatus::HeldForPayment => "imported → 保留(入金確認)",
            ToolStatus::AwaitingShipment => "imported → 出荷待ち",
            _ => "imported",
        };
        let flag = if rules.payment_flag_zero { " (入金フラグ 0)" } else { "" };
        self.outcome(&number, format!("{text}{flag}"));
        for (i, units) in &allocations {
            self.stock[*i] -= units;
        }
        if !allocations.is_empty() {
            self.stock_dirty = true;
        }
        let basket_id = o["PackageModelList"][0]["basketId"].as_u64().unwrap_or(0);
        self.imported.insert(number.clone(), Imported { status, basket_id, allocations });
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
            .filter(|(_, i)| match i.status {
                ToolStatus::HeldForPayment => true,
                ToolStatus::AwaitingShipment | ToolStatus::Imported => self.cfg.shipping_sync && hourly,
                _ => false,
            })
            .map(|(n, _)| n.clone())
            .collect();
        let version = if self.cfg.sku_migration == SkuDeclared::Migrated { 7 } else { 5 };
        for batch in tracked.chunks(100) {
            let (status, v) =
                self.order_call(w, "getOrder", json!({"orderNumberList": batch, "version": version}), batch).await;
            if status != 200 {
                self.note(format!("getOrder (status sync) failed: {status} {}", codes_of(&v).join(",")));
                continue;
            }
            for o in v["OrderModelList"].as_array().cloned().unwrap_or_default() {
                let n = o["orderNumber"].as_str().unwrap_or_default().to_string();
                let progress = o["orderProgress"].as_i64().unwrap_or(0);
                let Some(imp) = self.imported.get(&n).cloned() else { continue };
                if progress == 900 {
                    self.imported.entry(n.clone()).and_modify(|i| i.status = ToolStatus::Cancelled);
                    for (i, units) in &imp.allocations {
                        self.stock[*i] += units;
                    }
                    self.stock_dirty = true;
                    self.outcome(&n, "cancelled in RMS (900): removed from 出荷待ち".into());
                } else if imp.status == ToolStatus::HeldForPayment && (300..=700).contains(&progress) && progress != 400
                {
                    self.imported.entry(n.clone()).and_modify(|i| i.status = ToolStatus::AwaitingShipment);
                    self.outcome(&n, "payment confirmed → 出荷待ち".into());
                }
            }
        }
    }

    async fn report_shipments<W: Waiter>(&mut self, w: &W) {
        for s in std::mem::take(&mut self.pending_shipments) {
            let Some(imp) = self.imported.get(&s.number).cloned() else {
                self.outcome(&s.number, "shipped by the warehouse, but the tool never imported it".into());
                continue;
            };
            if imp.status != ToolStatus::AwaitingShipment {
                self.outcome(&s.number, format!("shipped by the warehouse while {:?}: not reported", imp.status));
                continue;
            }
            let body = json!({
                "orderNumber": s.number,
                "BasketidModelList": [{"basketId": imp.basket_id, "ShippingModelList": [
                    {"deliveryCompany": s.carrier, "shippingNumber": s.tracking, "shippingDate": s.date}
                ]}],
            });
            let orders = [s.number.clone()];
            let (status, v) = self.order_call(w, "updateOrderShipping", body, &orders).await;
            let codes = codes_of(&v);
            if status == 200 && codes.iter().all(|c| c.contains("_INFO_")) {
                self.imported.entry(s.number.clone()).and_modify(|i| i.status = ToolStatus::Shipped);
                self.outcome(&s.number, format!("shipping reported ({} {})", s.carrier, s.tracking));
            } else {
                self.outcome(&s.number, format!("shipping report failed: {status} {}", codes.join(",")));
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
            let (status, v) = self.call(w, reqwest::Method::GET, &path, "items.search", None, &[]).await;
            if status != 200 {
                self.note(format!("items.search failed: {status} {}", codes_of(&v).join(",")));
                return;
            }
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
        let mut writes = Vec::new();
        let mut labels = Vec::new();
        let mut missing = Vec::new();
        for (i, p) in self.cfg.products.iter().enumerate() {
            let pair = match (&p.manage_number, &p.variant_id) {
                (Some(m), Some(v)) if by_pair.contains_key(&(m.clone(), v.clone())) => Some((m.clone(), v.clone())),
                _ => p.sku.as_ref().and_then(|s| by_merchant.get(s).cloned()),
            };
            match pair {
                Some((m, v)) => {
                    let q = self.stock[i].clamp(0, 99_999);
                    writes.push(json!({"manageNumber": m, "variantId": v, "mode": "ABSOLUTE", "quantity": q}));
                    labels.push((p.label(), q));
                }
                None => missing.push(format!("inventory: {} is not in the RMS catalog", p.label())),
            }
        }
        for m in missing {
            self.note(m);
        }
        self.stock_dirty = false;
        for (chunk, chunk_labels) in writes.chunks(400).zip(labels.chunks(400)) {
            let body = json!({ "inventories": chunk });
            let (status, v) = self
                .call(
                    w,
                    reqwest::Method::POST,
                    "/es/2.0/inventories/bulk-upsert",
                    "inventories.bulk-upsert",
                    Some(body),
                    &[],
                )
                .await;
            if status == 204 {
                for (label, q) in chunk_labels {
                    self.pushed.insert(label.clone(), *q);
                }
            } else {
                self.note(format!("inventory push failed: {status} {}", codes_of(&v).join(",")));
            }
        }
    }
}
