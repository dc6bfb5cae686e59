//! Domain state → control-plane DTOs ([`crate::control`]). The only place the control plane
//! reads the domain, so a domain rename touches this file and nothing else of `admin/`.

use crate::auth::esa_header;
use crate::control::{
    Catalog, CatalogItem, CatalogVariant, ClockNow, FiredSummary, FiredTransition, OrderBrief, OrderHistory,
    OrphanStock, ShopCredentials, ShopDetail, ShopSummary, SimulationStatus, StatusChange, StockCapped,
    TransitionDetail, FIRST_TRANSITIONS,
};
use crate::domain::order::{Order, OrderProgress};
use crate::domain::shop::{Shop, Transition};
use std::collections::BTreeMap;

pub fn credentials(s: &Shop) -> ShopCredentials {
    let p = &s.profile();
    ShopCredentials {
        shop_id: p.shop_id.clone(),
        name: p.name.clone(),
        service_secret: p.service_secret.clone(),
        license_key: p.license_key.clone(),
        authorization: esa_header(&p.service_secret, &p.license_key),
        license_expires_at: p.license_expires_at().to_rms(),
        now: s.now().to_rms(),
    }
}

pub fn summary(s: &Shop) -> ShopSummary {
    ShopSummary { credentials: credentials(s), orders: s.orders().len() }
}

pub fn detail(s: &Shop) -> ShopDetail {
    let orders_by_status = OrderProgress::ALL.iter().map(|p| (p.code().to_string(), s.orders().count_in(*p))).collect();
    ShopDetail {
        credentials: credentials(s),
        license_valid: s.license_valid(),
        clock: clock(s),
        seed: s.seed(),
        orders_by_status,
        settings: s.settings().clone(),
        shipping: s.shipping().clone(),
        sub_statuses: s.sub_statuses().to_vec(),
        // The first page: a big shop's catalog is read page by page from `…/catalog`.
        catalog: catalog(s, super::Paging::default()),
    }
}

/// The shop's clock: now, mode, speed.
pub fn clock(s: &Shop) -> ClockNow {
    ClockNow { now: s.now().to_rms(), mode: s.clock_mode(), speed: s.clock_speed() }
}

/// None when the shop has no such order.
pub fn order_brief(s: &Shop, number: &str) -> Option<OrderBrief> {
    let o = s.order(number)?;
    Some(OrderBrief {
        order_number: o.number.to_string(),
        order_progress: o.progress.code(),
        order_datetime: o.order_datetime.to_rms(),
        settlement_method_code: o.settlement.code(),
        paid: o.paid_at.is_some(),
        request_price: o.request_price(),
        now: s.now().to_rms(),
    })
}

pub fn history(s: &Shop, o: &Order) -> OrderHistory {
    OrderHistory {
        order_number: o.number.to_string(),
        order_progress: o.progress.code(),
        history: o
            .history
            .iter()
            .map(|h| StatusChange {
                at: h.at.to_rms(),
                from: h.from.map(|p| p.code()),
                to: h.to.code(),
                cause: h.cause.as_str().to_string(),
            })
            .collect(),
        stock_capped: s
            .stock_capped(o.number.as_str())
            .map(|c| StockCapped {
                at: c.at.to_rms(),
                manage_number: c.manage_number.clone(),
                variant_id: c.variant_id.clone(),
                units: c.units,
                lost: c.lost,
            })
            .collect(),
    }
}

pub fn transition(t: &Transition) -> FiredTransition {
    FiredTransition {
        at: t.at.to_rms(),
        order_number: t.order_number.map(String::from),
        from: t.from.map(|p| p.code()),
        to: t.to.map(|p| p.code()),
        cause: t.cause.to_string(),
    }
}

/// What fired, as an answer reports it: counted per cause, and listed up to
/// [`FIRST_TRANSITIONS`] (all with [`TransitionDetail::All`]). Fed in pieces, so a long
/// operation never keeps more than it answers with.
pub struct Summary {
    all: bool,
    fired: usize,
    by_cause: BTreeMap<&'static str, usize>,
    transitions: Vec<FiredTransition>,
}

impl Summary {
    pub fn new(detail: TransitionDetail) -> Self {
        Summary { all: detail == TransitionDetail::All, fired: 0, by_cause: BTreeMap::new(), transitions: Vec::new() }
    }

    pub fn add(&mut self, fired: &[Transition]) {
        for t in fired {
            self.fired += 1;
            *self.by_cause.entry(t.cause.as_str()).or_default() += 1;
            if self.all || self.transitions.len() < FIRST_TRANSITIONS {
                self.transitions.push(transition(t));
            }
        }
    }

    pub fn finish(self) -> FiredSummary {
        FiredSummary {
            fired: self.fired,
            by_cause: self.by_cause.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
            truncated: self.transitions.len() < self.fired,
            transitions: self.transitions,
        }
    }
}

/// The catalog as the buyer side sees it, one page: items and SKUs with price and stock, and
/// the orphan stock records (stock for SKUs no item has).
pub fn catalog(s: &Shop, paging: super::Paging) -> Catalog {
    let total_items = s.catalog().len();
    let range = paging.range(total_items);
    let items = s
        .catalog()
        .items()
        .skip(range.start)
        .take(range.len())
        .map(|i| CatalogItem {
            manage_number: i.manage_number.clone(),
            item_number: i.item_number().to_string(),
            item_id: i.item_id,
            title: i.title().to_string(),
            item_type: i.str_field("itemType").map(String::from),
            hide_item: i.flag("hideItem"),
            variants: i
                .variants()
                .iter()
                .map(|v| CatalogVariant {
                    variant_id: v.variant_id.clone(),
                    merchant_defined_sku_id: v.merchant_defined_sku_id.clone(),
                    sku_info: v.sku_info(),
                    price: v.standard_price,
                    hidden: v.hidden,
                    restock_on_cancel: v.restock_on_cancel,
                    quantity: s.inventory().get(&i.manage_number, &v.variant_id).map(|r| r.quantity),
                })
                .collect(),
        })
        .collect();
    let orphans = || s.inventory().iter().filter(|((m, v), _)| !s.catalog().has_variant(m, v));
    let total_orphan_stock = orphans().count();
    let range = paging.range(total_orphan_stock);
    let orphan_stock = orphans()
        .skip(range.start)
        .take(range.len())
        .map(|((m, v), r)| OrphanStock {
            manage_number: m.clone(),
            variant_id: v.clone(),
            quantity: r.quantity,
            updated: r.updated.to_rms(),
        })
        .collect();
    Catalog {
        items,
        orphan_stock,
        total_items,
        total_orphan_stock,
        page: paging.page,
        per_page: paging.per_page,
        total_pages: paging.total_pages(total_items.max(total_orphan_stock)),
    }
}

/// The simulated buyers' plan and counts; a shop that never had a plan shows the defaults,
/// switched off, with its own seed.
pub fn simulation(s: &Shop) -> SimulationStatus {
    let (plan, placed, gave_up) = match s.simulation() {
        Some(sim) => (crate::setup::SimulateDoc::from_plan(sim.plan()), sim.placed(), sim.gave_up()),
        None => {
            let doc = crate::setup::SimulateDoc { enabled: false, seed: Some(s.seed()), ..Default::default() };
            (doc, 0, 0)
        }
    };
    SimulationStatus { plan, placed, gave_up, next_arrival: s.next_simulated_arrival().map(|t| t.to_rms()) }
}
