//! The timeline checked before the run starts (issue 15: a setup never fails quietly).
//!
//! Everything the setup alone decides is checked here, against the shop document the setup
//! builds, in the order the runner plays the steps (time, then file order; a repeated order
//! once per repetition):
//!
//! - `order`: each line's item and variant, units, payment codes, coupons, order kinds and
//!   destinations, by rms-mock's own rules for an order document (a probe shop of the same
//!   catalog with every SKU in stock); a label given twice;
//! - order labels (`pay`, `buyer_cancel`, `review_ng`, `gift_address`, `postage.order`,
//!   `ship.order`, `staff.confirm|cancel|edit|sub_status`): placed by an earlier step;
//! - `staff.edit`: each item a line of that order; `staff.sub_status`: an id the shop
//!   defines; `staff.stock`: a SKU of the catalog; `staff.approve`: API names;
//!   `staff.renew_license`: a key of the RMS form;
//! - `settings`: the patch, applied to the shop's settings so far, gives valid settings;
//! - `fault`: rms-mock's fault rules (in `load`), and an id no other installed fault has (the
//!   fake names faults without an id `f1`, `f2`, … as it adds them); `fault_off`: an id
//!   installed and not yet removed at that moment.
//!
//! What only the run decides (an order the buyer cannot place because the stock ran out, so
//! a later step names an order that does not exist; a refusal of the fake that no check here
//! foresaw) fails the run with a message of the same form (see `runner`).

use super::{offset_minutes, SetupError, SetupFile, Step};
use rms_mock::ShopDocument;
use serde_json::Value;
use std::collections::BTreeMap;

/// Where a label was given: the step's index and its time in minutes.
#[derive(Clone, Copy)]
struct Given {
    step: usize,
    at: i64,
}

/// Checks every step of `file`'s timeline against `shop` (the document after overrides) and
/// `doc` (the same as JSON, for settings patches). `source` names the file in errors.
pub(super) fn timeline(source: &str, file: &SetupFile, shop: &ShopDocument, doc: &Value) -> Result<(), SetupError> {
    let e = |key: String, problem: String| SetupError(format!("{source}: {key}: {problem}"));

    // The agenda as the runner builds it: (minute, step, repetition), sorted by time then
    // file order.
    let mut agenda: Vec<(i64, usize, u32)> = Vec::new();
    for (i, s) in file.timeline.iter().enumerate() {
        let at = offset_minutes(&s.at).unwrap_or(0);
        let (count, every) = s.order.as_ref().map(|o| (o.count, i64::from(o.every_minutes))).unwrap_or((1, 0));
        for k in 0..count {
            agenda.push((at + every * i64::from(k), i, k));
        }
    }
    agenda.sort_by_key(|(at, i, _)| (*at, *i));

    // Every label the timeline gives, and where, so a reference to a later order says so.
    let mut all_labels: BTreeMap<String, Given> = BTreeMap::new();
    let mut placed = 0usize;
    for &(at, i, k) in &agenda {
        if let Some(o) = &file.timeline[i].order {
            let label = label(o.id.as_deref(), o.count, k, placed);
            placed += 1;
            if let Some(first) = all_labels.get(&label) {
                return Err(e(
                    format!("timeline[{i}].order.id"),
                    format!("the label '{label}' is already given to the order of timeline[{}]", first.step),
                ));
            }
            all_labels.insert(label, Given { step: i, at });
        }
    }

    // Orders: checked once per step, for each payment code the step uses.
    let catalog = Catalog::of(shop);
    for (i, s) in file.timeline.iter().enumerate() {
        if let Some(o) = &s.order {
            let baskets = std::iter::once(("lines".to_string(), &o.lines))
                .chain(o.destinations.iter().enumerate().map(|(d, b)| (format!("destinations[{d}].lines"), &b.lines)));
            for (field, lines) in baskets {
                for (j, l) in lines.iter().enumerate() {
                    catalog
                        .sku(&l.manage_number, &l.variant_id)
                        .map_err(|(f, p)| e(format!("timeline[{i}].order.{field}[{j}].{f}"), p))?;
                }
            }
            let mut payments: Vec<i64> = o.payments.clone().unwrap_or_default();
            if payments.is_empty() {
                payments.push(o.payment.unwrap_or(1));
            }
            payments.dedup();
            for p in payments {
                order(shop, &o.to_doc(p)).map_err(|(k, problem)| e(format!("timeline[{i}].order.{k}"), problem))?;
            }
        }
    }

    let mut labels: BTreeMap<String, Given> = BTreeMap::new();
    // The shop document's faults come with the shop, the setup's are installed next.
    let mut faults = Faults::of(shop);
    for (i, f) in file.faults.iter().enumerate() {
        faults.add(f.id.as_deref()).map_err(|p| e(format!("faults[{i}].id"), p))?;
    }
    let mut settings = doc.get("settings").cloned().unwrap_or(Value::Null);
    placed = 0;
    for &(at, i, k) in &agenda {
        let s: &Step = &file.timeline[i];
        let key = format!("timeline[{i}]");
        // A reference to an order: placed by a step before this one.
        let need = |field: &str, l: &str, labels: &BTreeMap<String, Given>| -> Result<Given, SetupError> {
            if let Some(g) = labels.get(l) {
                return Ok(*g);
            }
            let problem = match all_labels.get(l) {
                Some(g) => format!(
                    "the order '{l}' is placed later (timeline[{}] at +{}m); this step plays at +{at}m",
                    g.step, g.at
                ),
                None => {
                    let known: Vec<&str> = all_labels.keys().map(String::as_str).take(12).collect();
                    let known = if known.is_empty() { "none".to_string() } else { known.join(", ") };
                    format!("no order '{l}' in the timeline (labels: {known})")
                }
            };
            Err(e(format!("{key}.{field}"), problem))
        };
        if let Some(o) = &s.order {
            let l = label(o.id.as_deref(), o.count, k, placed);
            placed += 1;
            labels.insert(l, Given { step: i, at });
        }
        for (field, l) in [("pay", &s.pay), ("buyer_cancel", &s.buyer_cancel), ("review_ng", &s.review_ng)] {
            if let Some(l) = l.as_deref().filter(|l| !(field == "pay" && *l == "*")) {
                need(field, l, &labels)?;
            }
        }
        if let Some(l) = &s.gift_address {
            need("gift_address", l, &labels)?;
        }
        if let Some(p) = &s.postage {
            need("postage.order", &p.order, &labels)?;
        }
        if let Some(sh) = s.ship.as_ref().filter(|sh| sh.order != "*") {
            need("ship.order", &sh.order, &labels)?;
        }
        if let Some(st) = &s.staff {
            for (field, l) in [("confirm", &st.confirm), ("cancel", &st.cancel), ("sub_status", &st.sub_status)] {
                if let Some(l) = l {
                    need(&format!("staff.{field}"), l, &labels)?;
                }
            }
            if let Some(l) = &st.edit {
                let g = need("staff.edit", l, &labels)?;
                let lines = file.timeline[g.step].order.as_ref().map(|o| o.all_lines()).unwrap_or_default();
                for (j, it) in st.items.iter().enumerate() {
                    if !lines.iter().any(|(m, v)| *m == it.manage_number && *v == it.variant_id) {
                        let has: Vec<String> = lines.iter().map(|(m, v)| format!("{m}/{v}")).collect();
                        return Err(e(
                            format!("{key}.staff.items[{j}]"),
                            format!(
                                "the order '{l}' has no line of {}/{} (its lines: {})",
                                it.manage_number,
                                it.variant_id,
                                has.join(", ")
                            ),
                        ));
                    }
                }
            }
            if let (Some(_), Some(id)) = (&st.sub_status, st.id) {
                if !shop.sub_statuses.iter().any(|d| d.id == id) {
                    let ids: Vec<String> = shop.sub_statuses.iter().map(|d| d.id.to_string()).collect();
                    let ids = if ids.is_empty() { "none".to_string() } else { ids.join(", ") };
                    return Err(e(
                        format!("{key}.staff.id"),
                        format!("{id} is no sub-status of the shop (its [[sub_statuses]]: {ids})"),
                    ));
                }
            }
            if let Some(stock) = &st.stock {
                catalog
                    .sku(&stock.manage_number, &stock.variant_id)
                    .map_err(|(f, p)| e(format!("{key}.staff.stock.{f}"), p))?;
            }
            if let Some(apis) = &st.approve {
                for (j, a) in apis.iter().enumerate() {
                    if !["*", "order", "item", "inventory"].contains(&a.as_str()) {
                        return Err(e(
                            format!("{key}.staff.approve[{j}]"),
                            format!("'{a}' is not an API (order, item, inventory, or * for all)"),
                        ));
                    }
                }
            }
            if let Some(l) = &st.renew_license {
                if l.is_empty() || l.contains(char::is_whitespace) || l.contains(':') {
                    return Err(e(
                        format!("{key}.staff.renew_license"),
                        format!("'{l}' is not a licence key (non-empty, without spaces or ':')"),
                    ));
                }
            }
        }
        if let Some(patch) = &s.settings {
            let patch = serde_json::to_value(patch).map_err(|err| e(format!("{key}.settings"), err.to_string()))?;
            rms_mock::merge_patch(&mut settings, &patch);
            let mut probe = doc.clone();
            probe["settings"] = settings.clone();
            let checked = rms_mock::parse_json::<ShopDocument>(&probe.to_string(), source)
                .and_then(|d| d.check(source).map(|_| d));
            if let Err(err) = checked {
                let rest = err.key.strip_prefix("settings").unwrap_or(&err.key);
                // The position is in the probe document, not in the setup file.
                let problem = match err.problem.rfind(" at line ") {
                    Some(p) if err.problem[p..].contains(" column ") => err.problem[..p].to_string(),
                    _ => err.problem.clone(),
                };
                return Err(e(format!("{key}.settings{rest}"), problem));
            }
        }
        if let Some(f) = &s.fault {
            faults.add(f.id.as_deref()).map_err(|p| e(format!("{key}.fault.id"), p))?;
        }
        if let Some(id) = &s.fault_off {
            faults.remove(id).map_err(|p| e(format!("{key}.fault_off"), p))?;
        }
    }
    Ok(())
}

/// An order's label, as the runner gives it: the step's id (`<id>-<n>` when repeated), or
/// `#<n>` by placement order.
pub(crate) fn label(id: Option<&str>, count: u32, repetition: u32, placed_before: usize) -> String {
    match (id, count) {
        (Some(id), 1) => id.to_string(),
        (Some(id), _) => format!("{id}-{}", repetition + 1),
        (None, _) => format!("#{}", placed_before + 1),
    }
}

/// Checks one order by rms-mock's rules for an order document: a probe shop of the same
/// catalog, every SKU in stock, with the order among its existing orders. Only what is wrong
/// with the order itself counts (a keyed problem: `lines[0].variant_id`, `coupons`, …); what
/// depends on the moment (stock, a hidden SKU) is the run's to find out.
fn order(shop: &ShopDocument, order: &rms_mock::OrderDoc) -> Result<(), (String, String)> {
    let mut probe = shop.clone();
    for it in &mut probe.items {
        for v in &mut it.variants {
            v.quantity = 99_999;
        }
    }
    probe.orders = vec![order.clone()];
    probe.faults.clear();
    probe.simulate = None;
    match probe.check("probe") {
        Ok(()) => Ok(()),
        Err(err) => match err.key.strip_prefix("orders[0].") {
            Some(k) => Err((k.to_string(), err.problem)),
            None => Ok(()),
        },
    }
}

/// The shop document's catalog (unknown when a generator makes it: then the run checks).
struct Catalog<'a> {
    shop: &'a ShopDocument,
}

impl<'a> Catalog<'a> {
    fn of(shop: &'a ShopDocument) -> Self {
        Catalog { shop }
    }

    /// `Err((field, problem))` when the catalog has no such SKU.
    fn sku(&self, manage_number: &str, variant_id: &str) -> Result<(), (String, String)> {
        if self.shop.generate.is_some() {
            return Ok(());
        }
        let Some(item) = self.shop.items.iter().find(|i| i.manage_number == manage_number) else {
            let items: Vec<&str> = self.shop.items.iter().map(|i| i.manage_number.as_str()).take(12).collect();
            return Err((
                "manage_number".into(),
                format!("no item '{manage_number}' in the shop's catalog (items: {})", items.join(", ")),
            ));
        };
        if !item.variants.iter().any(|v| v.variant_id == variant_id) {
            let vs: Vec<&str> = item.variants.iter().map(|v| v.variant_id.as_str()).collect();
            return Err((
                "variant_id".into(),
                format!("'{variant_id}' does not exist in item '{manage_number}' (variants: {})", vs.join(", ")),
            ));
        }
        Ok(())
    }
}

/// The fault ids installed on the shop as the run goes, named as the fake names them.
struct Faults {
    /// Installed now.
    installed: Vec<String>,
    /// Every id installed so far, removed or not.
    ever: Vec<String>,
    /// The fake's counter for faults without an id (`f1`, `f2`, …; never reset).
    next: u64,
}

impl Faults {
    /// The shop document's faults, added in order when the shop is created.
    fn of(shop: &ShopDocument) -> Self {
        let mut f = Faults { installed: Vec::new(), ever: Vec::new(), next: 0 };
        for spec in &shop.faults {
            // The document's own check already refused a duplicate id.
            let _ = f.add(spec.id.as_deref());
        }
        f
    }

    fn add(&mut self, id: Option<&str>) -> Result<(), String> {
        match id {
            Some(id) if self.installed.iter().any(|i| i == id) => Err(format!(
                "'{id}' is the id of a fault installed before this step (the fake names faults without an id f1, f2, …): choose another"
            )),
            Some(id) => {
                self.installed.push(id.to_string());
                self.ever.push(id.to_string());
                Ok(())
            }
            None => {
                let id = loop {
                    self.next += 1;
                    let id = format!("f{}", self.next);
                    if !self.installed.contains(&id) {
                        break id;
                    }
                };
                self.ever.push(id.clone());
                self.installed.push(id);
                Ok(())
            }
        }
    }

    fn remove(&mut self, id: &str) -> Result<(), String> {
        if id == "*" {
            self.installed.clear();
            return Ok(());
        }
        let before = self.installed.len();
        self.installed.retain(|i| i != id);
        if self.installed.len() == before && !self.ever.iter().any(|i| i == id) {
            return Err(format!(
                "'{id}' is no fault the setup installed before this step (give the fault an id, or * for all)"
            ));
        }
        if self.installed.len() == before {
            return Err(format!("'{id}' is no fault installed at this step: a fault_off before it removed it"));
        }
        Ok(())
    }
}
