//! The one place a shop document becomes a [`Shop`]: the document is checked key by key
//! (errors name the key), the catalog goes through the Item and Inventory API rules, and the
//! existing orders are played in time order on the shop's clock.

use super::{
    clock_speed_problem, err, place_order_problem, tax_rate, LineDoc, SetupError, ShopDocument, DEFAULT_CLOCK_START,
};
use crate::domain::inventory::{Mode, StockWrite};
use crate::domain::order::{OrderProgress, MAX_AMOUNT};
use crate::domain::rng::seed_from;
use crate::domain::shop::{ItemMarks, OrderLine, Shop, ShopProfile};
use crate::domain::shop::{DEFAULT_KEY_ACTIVATION_MINUTES, MAX_KEY_ACTIVATION_MINUTES};
use crate::domain::time::JstDateTime;
use std::collections::HashSet;

fn datetime(source: &str, key: &str, s: &str) -> Result<JstDateTime, SetupError> {
    let t = JstDateTime::parse_flexible(s)
        .map_err(|_| err(source, key, format!("'{s}' is not a JST datetime like 2026-11-28T09:00:00+0900")))?;
    match super::after_latest_problem(t) {
        Some(problem) => Err(err(source, key, problem)),
        None => Ok(t),
    }
}

/// A fault the plan refused, as a document error at `key` (`faults[2]`).
fn fault_problem(source: &str, key: &str, e: crate::domain::faults::PlanError) -> SetupError {
    match e {
        crate::domain::faults::PlanError::Invalid(k, p) => err(source, format!("{key}.{k}"), p),
        crate::domain::faults::PlanError::DuplicateId(id) => {
            err(source, format!("{key}.id"), format!("'{id}' is the id of another fault"))
        }
    }
}

fn check_token(source: &str, key: &str, s: &str) -> Result<(), SetupError> {
    if s.is_empty() {
        return Err(err(source, key, "must not be empty"));
    }
    if s.chars().any(|c| c.is_whitespace() || c == ':') {
        return Err(err(source, key, "must not contain spaces or ':' (it goes into the ESA header)"));
    }
    Ok(())
}

#[cfg(test)]
thread_local! {
    /// Documents built on this thread, so a test can tell that the binary builds each once.
    pub(crate) static BUILDS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

impl ShopDocument {
    /// Checks the document and creates the shop: catalog first, then the existing orders
    /// played in time order on the shop's clock, which ends at `clock_start`.
    pub(crate) fn build(&self, source: &str) -> Result<Shop, SetupError> {
        #[cfg(test)]
        BUILDS.with(|b| b.set(b.get() + 1));
        let s = &self.shop;
        if s.shop_id.len() != 6 || !s.shop_id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err(source, "shop.shop_id", format!("'{}' is not 6 digits", s.shop_id)));
        }
        check_token(source, "shop.service_secret", &s.service_secret)?;
        check_token(source, "shop.license_key", &s.license_key)?;
        let clock_start =
            datetime(source, "shop.clock_start", s.clock_start.as_deref().unwrap_or(DEFAULT_CLOCK_START))?;
        let issued = match &s.license_issued_at {
            Some(t) => datetime(source, "shop.license_issued_at", t)?,
            None => clock_start,
        };
        if let Some((key, problem)) = self.settings.problems().into_iter().next() {
            return Err(err(source, format!("settings.{key}"), problem));
        }
        if let Some((key, problem)) = self.shipping.problems().into_iter().next() {
            return Err(err(source, format!("shipping.{key}"), problem));
        }
        let mut seen_sub = HashSet::new();
        for (i, d) in self.sub_statuses.iter().enumerate() {
            if OrderProgress::from_code(i64::from(d.order_progress)).is_none() {
                return Err(err(
                    source,
                    format!("sub_statuses[{i}].order_progress"),
                    format!("{} is not an orderProgress (100-900)", d.order_progress),
                ));
            }
            if !seen_sub.insert(d.id) {
                return Err(err(source, format!("sub_statuses[{i}].id"), format!("{} is defined twice", d.id)));
            }
        }
        let seed = s.seed.unwrap_or_else(|| seed_from(&s.shop_id));
        let simulation = match &self.simulate {
            Some(doc) => Some(doc.plan(seed).map_err(|(k, p)| err(source, format!("simulate.{k}"), p))?),
            None => None,
        };
        let mut faults = Vec::with_capacity(self.faults.len());
        for (i, f) in self.faults.iter().enumerate() {
            faults.push(f.rule().map_err(|(k, p)| err(source, format!("faults[{i}].{k}"), p))?);
        }
        let speed = s.clock_speed.unwrap_or(1.0);
        if let Some(problem) = clock_speed_problem(speed) {
            return Err(err(source, "shop.clock_speed", problem));
        }

        let mut orders = Vec::with_capacity(self.orders.len());
        for (i, o) in self.orders.iter().enumerate() {
            let at = match &o.at {
                Some(t) => datetime(source, &format!("orders[{i}].at"), t)?,
                None => clock_start,
            };
            if at > clock_start {
                return Err(err(
                    source,
                    format!("orders[{i}].at"),
                    format!("{at} is after clock_start {clock_start}; existing orders must be in the past"),
                ));
            }
            orders.push((at, i, o));
        }
        orders.sort_by_key(|(at, i, _)| (*at, *i));
        let start = orders.first().map(|(at, _, _)| *at).unwrap_or(clock_start).min(clock_start);

        let profile = ShopProfile {
            shop_id: s.shop_id.clone(),
            name: s.name.clone().unwrap_or_else(|| format!("shop-{}", s.shop_id)),
            service_secret: s.service_secret.clone(),
            license_key: s.license_key.clone(),
            license_issued_at: issued,
            renewed_key: None,
            other_keys: s
                .other_keys
                .iter()
                .map(|k| crate::domain::shop::OtherAppKey {
                    app: k.app.clone(),
                    license_key: k.license_key.clone(),
                    service_secret: k.service_secret.clone(),
                })
                .collect(),
        };
        let mut shop =
            Shop::new(profile, self.settings.clone(), self.shipping.clone(), self.sub_statuses.clone(), seed, start);
        self.load_catalog(source, &mut shop)?;
        if let Some(g) = &self.generate {
            if let Some(problem) = g.problem() {
                return Err(err(source, "generate", problem));
            }
            shop.generate_catalog(g.items, g.variants, g.seed, g.quantity).map_err(|e| {
                let e = crate::api::item::generate_error(&e);
                err(source, "generate", format!("{} ({})", e.message, e.code))
            })?;
        }
        for (at, i, o) in orders {
            let lines: Vec<OrderLine> = o.lines.iter().map(LineDoc::to_line).collect();
            let extras = o.extras(at).map_err(|(k, p)| err(source, format!("orders[{i}].{k}"), p))?;
            shop.place_order_with(&lines, o.settlement_method_code, Some(at), &extras).map_err(|e| {
                match place_order_problem(&e) {
                    (Some(k), p) => err(source, format!("orders[{i}].{k}"), p),
                    (None, p) => err(source, format!("orders[{i}]"), p),
                }
            })?;
        }
        shop.advance_quietly(clock_start);
        if let Some(key) = &s.renewed_license_key {
            let minutes = s.renewed_key_active_after_minutes.unwrap_or(DEFAULT_KEY_ACTIVATION_MINUTES);
            if minutes > MAX_KEY_ACTIVATION_MINUTES {
                return Err(err(
                    source,
                    "shop.renewed_key_active_after_minutes",
                    format!("{minutes} is more than {MAX_KEY_ACTIVATION_MINUTES} (a day)"),
                ));
            }
            if key.is_empty() || key.contains(char::is_whitespace) || key.contains(':') {
                return Err(err(source, "shop.renewed_license_key", "must be non-empty without spaces or ':'"));
            }
            shop.renew_license_later(key.clone(), minutes);
        } else if s.renewed_key_active_after_minutes.is_some() {
            return Err(err(source, "shop.renewed_key_active_after_minutes", "needs renewed_license_key"));
        }
        // Existing orders are history, played on a manual clock; a wall clock starts from
        // clock_start once the shop is served.
        shop.init_clock(s.clock.unwrap_or_default(), speed);
        // Buyers start arriving at clock_start, after the existing orders.
        if let Some(plan) = simulation {
            shop.set_simulation(plan);
        }
        for (i, rule) in faults.into_iter().enumerate() {
            shop.faults_mut().add(rule, seed).map_err(|e| fault_problem(source, &format!("faults[{i}]"), e))?;
        }
        Ok(shop)
    }

    /// Checks the document as creating the shop would (`source` names it in errors), without
    /// creating it.
    pub fn check(&self, source: &str) -> Result<(), SetupError> {
        self.build(source).map(drop)
    }

    /// Items through the Item API rules, stock through the Inventory API rules.
    fn load_catalog(&self, source: &str, shop: &mut Shop) -> Result<(), SetupError> {
        for (i, it) in self.items.iter().enumerate() {
            let key = |k: &str| format!("items[{i}].{k}");
            let manage = crate::domain::item::manage_number(&it.manage_number).map_err(|kind| {
                let e =
                    crate::api::item::violation_error(&crate::domain::item::ItemViolation::new("manage_number", kind));
                err(source, key("manage_number"), e.message)
            })?;
            if shop.catalog().get(&manage).is_some() {
                return Err(err(source, key("manage_number"), format!("'{}' is defined twice", it.manage_number)));
            }
            if it.variants.is_empty() {
                return Err(err(source, key("variants"), "an item needs at least one variant"));
            }
            if let Some(rate) = it.tax_rate.filter(|r| tax_rate(*r).is_none()) {
                return Err(err(
                    source,
                    key("tax_rate"),
                    format!("{rate} is not a tax rate of Rakuten (0.1, 0.08 or 0)"),
                ));
            }
            let mut writes = Vec::new();
            for (j, v) in it.variants.iter().enumerate() {
                if v.price < 0 {
                    return Err(err(
                        source,
                        format!("items[{i}].variants[{j}].price"),
                        format!("{} is negative", v.price),
                    ));
                }
                if let Some(postage) = v.postage.filter(|p| !(0..=MAX_AMOUNT).contains(p)) {
                    return Err(err(
                        source,
                        format!("items[{i}].variants[{j}].postage"),
                        if postage < 0 {
                            format!("{postage} is negative")
                        } else {
                            format!("{postage} is more than {MAX_AMOUNT}")
                        },
                    ));
                }
                if !(0..=99_999).contains(&v.quantity) {
                    return Err(err(
                        source,
                        format!("items[{i}].variants[{j}].quantity"),
                        format!("{} is not between 0 and 99999", v.quantity),
                    ));
                }
                writes.push(StockWrite {
                    manage_number: manage.clone(),
                    variant_id: v.variant_id.clone(),
                    mode: Mode::Absolute,
                    quantity: v.quantity,
                    extras: None,
                });
            }
            shop.load_item(&manage, it.to_item()).map_err(|errs| {
                let e = errs
                    .first()
                    .map(crate::api::item::violation_error)
                    .unwrap_or_else(|| crate::api::rest::ApiError::new(400, "IE0002", "the item is invalid", None));
                err(source, format!("items[{i}]"), format!("{} ({})", e.message, e.code))
            })?;
            shop.mark_item(
                &manage,
                ItemMarks { delivery_cert_program: it.delivery_cert_program, one_day_operation: it.one_day_operation },
            );
            shop.write_stock(&writes).map_err(|r| {
                let e = crate::api::rest::stock_refusal(&r, |j, f| format!("items[{i}].variants[{j}].{f}"));
                err(source, key("variants"), format!("{} ({})", e.message, e.code))
            })?;
        }
        Ok(())
    }
}
