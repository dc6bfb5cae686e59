//! Runs a setup: creates the shop through the control plane, plays the timeline, lets the
//! integration poll at its interval (the reference one, or the user's command), advances the
//! clock in between, and collects the order-flow ledger.

use crate::control::{message, Control, ControlError};
use crate::integration::{Integration, Waiter};
use crate::ledger::{
    action_kind, CallSummary, FaultGroup, FaultHit, IntegrationAction, Ledger, Note, OrderEntry, StatusChange,
    StockCapped, Summary,
};
use crate::setup::{offset_minutes, LoadedSetup, StaffStep, Step};
use crate::time::JstDateTime;
use rms_mock::RmsMock;
use serde_json::Value;
use std::collections::BTreeMap;

/// Which integration polls.
#[derive(Clone, Debug)]
pub enum Mode {
    /// The reference integration of this crate.
    Reference,
    /// The user's program, run at every poll tick through `sh -c` with `RMS_BASE_URL`,
    /// `RMS_SERVICE_SECRET`, `RMS_LICENSE_KEY` and `RMS_NOW` in its environment.
    Command(String),
}

/// Starts an empty fake in this process on 127.0.0.1 (its `uri()` is the base URL); it
/// serves until dropped.
pub async fn start_in_process() -> Result<RmsMock, rms_mock::Error> {
    RmsMock::start_with(rms_mock::AppState::default()).await
}

/// Checks that a fake answers at `base_url` (any HTTP answer will do) before a run starts,
/// so an unreachable `--base-url` is one plain line: which URL, what failed (connection
/// refused, a name that does not resolve, no answer in time, not a URL) and what to check.
pub async fn check_reachable(base_url: &str) -> Result<(), String> {
    let url = format!("{}/__admin/health", base_url.trim_end_matches('/'));
    let http = reqwest::Client::builder()
        .connect_timeout(std::time::Duration::from_secs(5))
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .map_err(|e| format!("cannot make an HTTP client: {e}"))?;
    match http.get(&url).send().await {
        Ok(r) if r.status() == reqwest::StatusCode::NOT_FOUND => Err(format!(
            "--base-url {base_url}: something answers there, but not rms-mock (GET /__admin/health answered 404): check the port"
        )),
        Ok(_) => Ok(()),
        Err(e) => Err(format!("--base-url {base_url}: {}", unreachable(base_url, &e))),
    }
}

/// What went wrong reaching `base_url`, and what to check, in a few words.
fn unreachable(base_url: &str, e: &reqwest::Error) -> String {
    let mut causes: Vec<String> = Vec::new();
    let mut refused = false;
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            refused |= io.kind() == std::io::ErrorKind::ConnectionRefused;
        }
        causes.push(s.to_string());
        source = s.source();
    }
    let all = causes.join(": ").to_lowercase();
    if e.is_builder() || !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
        format!(
            "not a URL the runner can use (give it like http://127.0.0.1:8080): {}",
            causes.last().map_or(e.to_string(), Clone::clone)
        )
    } else if e.is_timeout() {
        "no answer in time (timeout): check the host and port, and that nothing between drops the connection".into()
    } else if refused || all.contains("connection refused") {
        "connection refused: nothing listens there; is rms-mock running on that port (rms-mock serve --port …)?".into()
    } else if all.contains("dns") || all.contains("lookup") || all.contains("name or service not known") {
        "the host name does not resolve (DNS): check its spelling".into()
    } else {
        format!("cannot connect: {}", causes.last().map_or(e.to_string(), Clone::clone))
    }
}

enum Agenda<'a> {
    /// A step; for repeated orders, which repetition.
    Step(&'a Step, u32),
    Poll,
}

fn t(s: &str) -> Result<JstDateTime, String> {
    JstDateTime::parse_rms(s).ok_or_else(|| format!("the fake answered an unreadable time '{s}'"))
}

/// `+1d02h30m` relative to the run's start.
pub fn rel(start: JstDateTime, at: JstDateTime) -> String {
    let m = (at.seconds() - start.seconds()).div_euclid(60);
    let s = (at.seconds() - start.seconds()).rem_euclid(60);
    let (d, h, mm) = (m / (24 * 60), m / 60 % 24, m % 60);
    let mut out = if d > 0 {
        format!("+{d}d{h:02}h{mm:02}m")
    } else if h > 0 {
        format!("+{h}h{mm:02}m")
    } else {
        format!("+{mm}m")
    };
    if s != 0 {
        out.push_str(&format!("{s:02}s"));
    }
    out
}

struct Placed {
    label: String,
    number: Option<String>,
    payment: i64,
    placed: JstDateTime,
    refused: Option<String>,
}

/// Runs `setup` against the fake at `base_url` (whose control plane needs no token).
pub async fn run(setup: &LoadedSetup, base_url: &str, mode: &Mode) -> Result<Ledger, String> {
    run_with(setup, &rms_mock::ControlClient::new(base_url), mode).await
}

/// Runs `setup` against the fake whose control plane `control` drives (for a fake started
/// with `--admin-token`: `ControlClient::new(url).with_admin_token(token)`).
pub async fn run_with(setup: &LoadedSetup, control: &rms_mock::ControlClient, mode: &Mode) -> Result<Ledger, String> {
    let base_url = control.base_url();
    let shop_id = setup.shop_id();
    let (control, start) =
        Control::create(control, &setup.shop_document).await.map_err(|e| format!("creating the shop: {e}"))?;
    let start = t(&start)?;
    for (i, f) in setup.file.faults.iter().enumerate() {
        let spec = f.to_rms(start).map_err(|e| format!("faults[{i}]: {e}"))?;
        control.add_fault(&spec).await.map_err(|e| format!("installing faults[{i}]: {e}"))?;
    }
    let may_fault = !setup.file.faults.is_empty()
        || !setup.shop_document.faults.is_empty()
        || setup.file.timeline.iter().any(|s| s.fault.is_some());
    let cfg = &setup.file.integration;
    let mut integration = Integration::new(cfg.clone(), base_url, &setup.service_secret(), &setup.license_key());
    let end = start.plus_minutes(setup.end_minutes);

    // Timeline steps first at equal times, then the poll.
    let mut agenda: Vec<(JstDateTime, usize, Agenda)> = Vec::new();
    for (i, s) in setup.file.timeline.iter().enumerate() {
        let at = start.plus_minutes(offset_minutes(&s.at).unwrap_or(0));
        let (count, every) = s.order.as_ref().map(|o| (o.count, i64::from(o.every_minutes))).unwrap_or((1, 0));
        for k in 0..count {
            agenda.push((at.plus_minutes(every * i64::from(k)), i, Agenda::Step(s, k)));
        }
    }
    let interval = i64::from(cfg.poll_interval_minutes);
    let mut k = 1;
    while start.plus_minutes(k * interval) <= end {
        agenda.push((start.plus_minutes(k * interval), usize::MAX, Agenda::Poll));
        k += 1;
    }
    agenda.sort_by_key(|(at, i, _)| (*at, *i));

    let mut placed: Vec<Placed> = Vec::new();
    let mut labels: BTreeMap<String, String> = BTreeMap::new();
    let mut notes: Vec<(JstDateTime, String)> = Vec::new();
    for (at, step_index, item) in agenda {
        let now = t(&control.advance_to(&at.to_rms()).await.map_err(|e| e.to_string())?)?;
        match item {
            Agenda::Poll => {
                match mode {
                    Mode::Reference => integration.poll(&control, now).await,
                    Mode::Command(cmd) => run_command(cmd, base_url, setup, start, now).await?,
                }
                // A latency fault moves a manual clock while the call waits. (Only a shop that
                // may have faults pays the extra clock read per poll.)
                if may_fault {
                    control.forget_now();
                }
            }
            Agenda::Step(step, k) => {
                let ctx = StepContext { start, now };
                play(step, k, &control, &mut integration, &mut placed, &mut labels, &mut notes, ctx)
                    .await
                    .map_err(|m| format!("timeline[{step_index}].{m}"))?;
            }
        }
    }
    control.advance_to(&end.to_rms()).await.map_err(|e| e.to_string())?;

    // The ledger: RMS's history of every order, the integration's view, the calls.
    let journal = control.journal().await.map_err(|e| e.to_string())?;
    let calls = match mode {
        Mode::Reference => Some(integration.calls.as_slice()),
        Mode::Command(_) => None,
    };
    let met = faults_met(&journal, calls)?;
    let mut orders = Vec::new();
    for p in &placed {
        let mut entry = OrderEntry {
            label: p.label.clone(),
            order_number: p.number.clone(),
            payment: payment_name(p.payment),
            placed: rel(start, p.placed),
            placed_time: p.placed.to_rms(),
            refused: p.refused.clone(),
            rms: vec![],
            stock_capped: vec![],
            integration: vec![],
            calls: vec![],
        };
        if let Some(n) = &p.number {
            let h = control.history(n).await.map_err(|e| e.to_string())?;
            for c in &h.history {
                let at = t(&c.at)?;
                entry.rms.push(StatusChange {
                    at: rel(start, at),
                    at_time: at.to_rms(),
                    from: c.from,
                    to: c.to,
                    cause: c.cause.clone(),
                });
            }
            // A restock that met the stock cap (99,999) is on the ledger, never a silent loss.
            for c in &h.stock_capped {
                let at = t(&c.at)?;
                entry.stock_capped.push(StockCapped {
                    at: rel(start, at),
                    at_time: at.to_rms(),
                    manage_number: c.manage_number.clone(),
                    variant_id: c.variant_id.clone(),
                    units: c.units,
                    lost: c.lost,
                });
            }
            match mode {
                Mode::Reference => {
                    // What the tool made of the order, with the faults its calls met, in the
                    // order they happened: a fault of call `i` before an outcome recorded
                    // after `k > i` calls (without the call, at equal times, after it).
                    let mut lines: Vec<(JstDateTime, usize, String, Option<FaultHit>)> = met
                        .iter()
                        .filter(|f| f.orders.contains(n))
                        .map(|f| {
                            let hit = f.hit();
                            (f.at, f.call.map_or(usize::MAX, |i| 2 * i + 1), format!("! fault {hit}"), Some(hit))
                        })
                        .collect();
                    let outcomes = integration.outcomes_with_calls(n);
                    lines.extend(outcomes.into_iter().map(|(at, k, what)| (at, 2 * k, what, None)));
                    if met.iter().all(|f| f.call.is_some()) {
                        lines.sort_by_key(|(at, seq, _, _)| (*seq, *at));
                    } else {
                        lines.sort_by_key(|(at, seq, _, _)| (*at, *seq));
                    }
                    // A retried call meeting the same fault again is one line: first time,
                    // count, last time.
                    let mut runs: Vec<(JstDateTime, JstDateTime, usize, String, Option<FaultHit>)> = Vec::new();
                    for (at, _, what, hit) in lines {
                        match runs.last_mut() {
                            Some(r) if r.3 == what && hit.is_some() => {
                                r.1 = at;
                                r.2 += 1;
                            }
                            _ => runs.push((at, at, 1, what, hit)),
                        }
                    }
                    for (first, last, count, text, fault) in runs {
                        let mut action = action_at(start, Some(first), text);
                        action.fault = fault;
                        if count > 1 {
                            action.count = count;
                            action.last = Some(rel(start, last));
                            action.last_time = Some(last.to_rms());
                        }
                        entry.integration.push(action);
                    }
                    let calls = integration.calls.iter().filter(|c| c.orders.contains(n)).map(|c| CallSummary {
                        operation: c.op.clone(),
                        http_status: (c.status != 0).then_some(c.status),
                        codes: short_codes(&c.codes),
                        count: 1,
                    });
                    entry.calls = collapse_calls(calls);
                }
                Mode::Command(_) => {
                    // Only RMS's side is known: did the program confirm or ship it?
                    let causes: Vec<&str> = h.history.iter().map(|c| c.cause.as_str()).collect();
                    if causes.contains(&"confirmOrder") {
                        entry.integration.push(action_at(start, None, "confirmed by the integration".into()));
                    }
                    if causes.iter().any(|c| c.starts_with("updateOrderShipping")) {
                        entry.integration.push(action_at(start, None, "shipping reported by the integration".into()));
                    }
                }
            }
            if entry.integration.is_empty() {
                entry.integration.push(action_at(start, None, "never seen".into()));
            }
            if let Mode::Command(_) = mode {
                // The faults the program's calls about this order met.
                for f in met.iter().filter(|f| f.orders.contains(n)) {
                    let hit = f.hit();
                    let mut action = action_at(start, Some(f.at), format!("! fault {hit}"));
                    action.fault = Some(hit);
                    entry.integration.push(action);
                }
            }
        }
        orders.push(entry);
    }
    let mut summary = Summary::from_journal(&journal);
    summary.stock_pushed = integration.pushed.clone();
    summary.faults = grouped(start, met.iter().map(|f| (f.at, f.hit())).collect())
        .into_iter()
        .map(|g| FaultGroup {
            at: g.at.unwrap_or_default(),
            at_time: g.at_time.unwrap_or_default(),
            fault: g.item,
            count: g.count,
            last: g.last,
            last_time: g.last_time,
        })
        .collect();
    let mut all_notes = notes;
    all_notes.extend(integration.notes.iter().cloned());
    summary.notes = grouped(start, all_notes)
        .into_iter()
        .map(|g| Note {
            at: g.at,
            at_time: g.at_time,
            text: g.item,
            count: g.count,
            last: g.last,
            last_time: g.last_time,
        })
        .collect();
    if journal.evicted > 0 {
        // The journal is bounded (a million entries, 64 MiB): say so rather than undercount.
        let partial =
            format!("the fake's journal evicted its {} oldest calls: the counts are partial", journal.evicted);
        summary.notes.push(Note::untimed(partial));
    }
    let file_name = setup.path.file_name().map(|f| f.to_string_lossy().to_string()).unwrap_or_default();
    let c = &setup.file.integration;
    let flags = [("order import", c.order_import), ("shipping sync", c.shipping_sync), ("inventory", c.inventory_sync)];
    let on: Vec<String> = flags.iter().map(|(n, on)| format!("{n} {}", if *on { "on" } else { "off" })).collect();
    Ok(Ledger {
        setup: setup.file.name.clone(),
        file: file_name,
        shop_id,
        start: start.to_rms(),
        end: end.to_rms(),
        integration: match mode {
            Mode::Reference => {
                format!(
                    "reference · SKU {} · {} · poll every {}m (overlap {}m) · confirm on import {}",
                    match c.sku_migration {
                        crate::setup::SkuDeclared::Migrated => "移行済",
                        crate::setup::SkuDeclared::NotMigrated => "未移行",
                    },
                    on.join(", "),
                    c.poll_interval_minutes,
                    c.poll_overlap_minutes,
                    if c.confirm_on_import { "on" } else { "off" }
                ) + &habits_text(&c.habits)
            }
            Mode::Command(cmd) => format!("command `{cmd}` · poll every {}m", c.poll_interval_minutes),
        },
        orders,
        summary,
    })
}

/// ` · habits: …` naming the habits switched on (issue 14); empty for the default tool, so
/// the ledgers of setups without habits are unchanged.
fn habits_text(h: &crate::setup::Habits) -> String {
    let on = h.describe();
    if on.is_empty() {
        String::new()
    } else {
        format!(" · habits: {}", on.join(", "))
    }
}

/// One entry of [`grouped`]: the item, first time, count, last time (when more than one).
struct Group<T> {
    item: T,
    at: Option<String>,
    at_time: Option<String>,
    count: usize,
    last: Option<String>,
    last_time: Option<String>,
}

/// The same line at every poll becomes one: first time, count, last time.
fn grouped<T: PartialEq + std::fmt::Display>(start: JstDateTime, mut lines: Vec<(JstDateTime, T)>) -> Vec<Group<T>> {
    lines.sort_by_key(|(at, _)| *at);
    let mut groups: Vec<(T, JstDateTime, JstDateTime, usize)> = Vec::new();
    for (at, item) in lines {
        match groups.iter_mut().find(|g| g.0.to_string() == item.to_string()) {
            Some(g) => {
                g.2 = at;
                g.3 += 1;
            }
            None => groups.push((item, at, at, 1)),
        }
    }
    groups
        .into_iter()
        .map(|(item, first, last, count)| Group {
            item,
            at: Some(rel(start, first)),
            at_time: Some(first.to_rms()),
            count,
            last: (count > 1).then(|| rel(start, last)),
            last_time: (count > 1).then(|| last.to_rms()),
        })
        .collect()
}

/// An integration line at `at` (None: time unknown), its kind named by [`action_kind`].
fn action_at(start: JstDateTime, at: Option<JstDateTime>, text: String) -> IntegrationAction {
    let (kind, failed) = action_kind(&text);
    IntegrationAction {
        at: at.map(|at| rel(start, at)),
        at_time: at.map(JstDateTime::to_rms),
        action: kind.to_string(),
        failed,
        text,
        fault: None,
        count: 1,
        last: None,
        last_time: None,
    }
}

/// A fault the fake injected into one RMS call, as its journal entry tells.
#[derive(Clone, Debug)]
struct FaultMet {
    at: JstDateTime,
    id: String,
    kind: String,
    /// The call's operation, as the ledger's summary names it.
    op: String,
    status: u16,
    /// Order numbers the request named (`orderNumberList`, `orderNumber`).
    orders: Vec<String>,
    /// Which of the reference integration's calls it was (when they match the journal).
    call: Option<usize>,
}

impl FaultMet {
    /// `m1 maintenance on searchOrder (503)`, as an object.
    fn hit(&self) -> FaultHit {
        let what = match self.kind.as_str() {
            "drop_after_effect" => "took effect, no answer".to_string(),
            "fail_after_effect" => format!("took effect, answered {}", self.status),
            "reset" => "connection reset, no answer".to_string(),
            "truncate" => "answer cut short".to_string(),
            "latency" => format!("late answer, {}", self.status),
            "partial_batch" => format!("rows refused, {}", self.status),
            _ => self.status.to_string(),
        };
        FaultHit {
            id: self.id.clone(),
            kind: self.kind.clone(),
            operation: self.op.clone(),
            http_status: (self.status != 0).then_some(self.status),
            effect: what,
        }
    }
}

/// The faults the journal marks, oldest first. With the reference integration's `calls`,
/// which match the journal one to one (it alone calls RMS), each fault is tied to its call,
/// and so to the orders the call concerned even when the fault answered before the body was
/// read (the journal then has none).
fn faults_met(
    journal: &rms_mock::control::Journal,
    calls: Option<&[crate::integration::CallRecord]>,
) -> Result<Vec<FaultMet>, String> {
    if journal.entries.iter().all(|e| e.fault.is_none()) {
        return Ok(Vec::new());
    }
    // The staff's actions are journalled too; only RMS calls line up with the tool's calls.
    let rms_calls: Vec<&rms_mock::control::JournalEntry> = journal.entries.iter().filter(|e| !e.is_staff()).collect();
    let ops: Vec<String> = rms_calls.iter().map(|e| crate::ledger::operation(&e.method, &e.path)).collect();
    let calls =
        calls.filter(|c| journal.evicted == 0 && c.len() == ops.len() && c.iter().zip(&ops).all(|(c, o)| &c.op == o));
    let mut out = Vec::new();
    for (i, (e, op)) in rms_calls.into_iter().zip(ops).enumerate() {
        let Some(mark) = &e.fault else { continue };
        let kind = serde_json::to_value(mark.kind).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default();
        let orders = match calls {
            Some(c) => c[i].orders.clone(),
            None => orders_named(e.request_body.as_ref()),
        };
        out.push(FaultMet {
            at: t(&e.at)?,
            id: mark.id.clone(),
            kind,
            op,
            status: e.status,
            orders,
            call: calls.map(|_| i),
        });
    }
    Ok(out)
}

/// The order numbers an order-API request body names.
fn orders_named(body: Option<&rms_mock::control::JournalBody>) -> Vec<String> {
    let Some(v) = body.and_then(|b| serde_json::from_str::<Value>(&b.text).ok()) else {
        return Vec::new();
    };
    let mut out: Vec<String> =
        v["orderNumberList"].as_array().into_iter().flatten().filter_map(|n| n.as_str().map(String::from)).collect();
    out.extend(v["orderNumber"].as_str().map(String::from));
    out
}

/// The codes without `ORDER_EXT_API_`, each once; short forms keep lines readable.
fn short_codes(codes: &[String]) -> Vec<String> {
    let mut uniq: Vec<String> = Vec::new();
    for c in codes {
        let s = c.strip_prefix("ORDER_EXT_API_").unwrap_or(c).to_string();
        if !uniq.contains(&s) {
            uniq.push(s);
        }
    }
    uniq
}

/// Repeated neighbours (the same line in the text ledger) become one with a count.
fn collapse_calls(calls: impl Iterator<Item = CallSummary>) -> Vec<CallSummary> {
    let mut out: Vec<CallSummary> = Vec::new();
    for c in calls {
        match out.last_mut() {
            Some(prev) if prev.operation == c.operation && prev.answer() == c.answer() => prev.count += 1,
            _ => out.push(c),
        }
    }
    out
}

fn payment_name(code: i64) -> String {
    match code {
        1 => "card".into(),
        2 => "COD".into(),
        9 => "bank transfer".into(),
        13 => "7-Eleven prepay".into(),
        14 => "convenience prepay".into(),
        c => format!("payment {c}"),
    }
}

/// Whether the fake refused an action because of the state of the shop or the order (HTTP
/// 409: out of stock, already paid, cancelled, in the wrong status): an outcome the ledger
/// shows. Anything else (an unknown order, a bad body, an unreachable fake) means the step
/// could not be applied, and fails the run.
fn refused_by_state(e: &ControlError) -> bool {
    matches!(e, ControlError::Control { status: 409, .. })
}

/// The step's order label resolved to its number, or why it cannot be (the order was refused
/// when placed: the setup's check could not know).
fn order_number(label: &str, labels: &BTreeMap<String, String>, placed: &[Placed]) -> Result<String, String> {
    if let Some(n) = labels.get(label) {
        return Ok(n.clone());
    }
    Err(match placed.iter().find(|p| p.label == label).and_then(|p| p.refused.as_ref()) {
        Some(why) => format!("the order '{label}' does not exist: the buyer could not place it ({why})"),
        None => format!("no order '{label}' was placed before this step"),
    })
}

/// Plays one step. `Err` (a message after the step's key, e.g. `timeline[3].pay: …`) when the
/// step cannot be applied; the runner fails the run with it.
#[allow(clippy::too_many_arguments)]
async fn play(
    step: &Step,
    repetition: u32,
    control: &Control,
    integration: &mut Integration,
    placed: &mut Vec<Placed>,
    labels: &mut BTreeMap<String, String>,
    notes: &mut Vec<(JstDateTime, String)>,
    ctx: StepContext,
) -> Result<(), String> {
    let now = ctx.now;
    if let Some(o) = &step.order {
        let i = repetition;
        let payment =
            o.payments.as_ref().filter(|p| !p.is_empty()).map(|p| p[i as usize % p.len()]).or(o.payment).unwrap_or(1);
        let label = crate::setup::order_label(o.id.as_deref(), o.count, i, placed.len());
        let order = o.to_doc(payment);
        match control.place_order(&order).await {
            Ok(v) => {
                labels.insert(label.clone(), v.order_number.clone());
                placed.push(Placed { label, number: Some(v.order_number), payment, placed: now, refused: None });
            }
            Err(e) if refused_by_state(&e) => {
                placed.push(Placed { label, number: None, payment, placed: now, refused: Some(message(&e)) })
            }
            Err(e) => return Err(format!("order: the fake did not place order {label}: {e}")),
        }
        return Ok(());
    }
    if step.pay.as_deref() == Some("*") {
        // Every prepaid order placed so far pays; one already paid or cancelled stays as it is.
        for p in placed.iter().filter(|p| rms_mock::control::is_prepaid(p.payment)) {
            if let Some(n) = &p.number {
                match control.shop().pay(n).await {
                    Err(e) if !refused_by_state(&e) => {
                        return Err(format!("pay: the payment of {} failed: {e}", p.label));
                    }
                    _ => {}
                }
            }
        }
        return Ok(());
    }
    let (what, field, label) = if let Some(l) = &step.pay {
        (Action::Pay, "pay", l)
    } else if let Some(l) = &step.buyer_cancel {
        (Action::Cancel, "buyer_cancel", l)
    } else if let Some(l) = &step.review_ng {
        (Action::Review, "review_ng", l)
    } else if let Some(l) = &step.gift_address {
        (Action::GiftAddress, "gift_address", l)
    } else if let Some(p) = &step.postage {
        let n = order_number(&p.order, labels, placed).map_err(|m| format!("postage.order: {m}"))?;
        match control.shop().set_postage(&n, p.yen, p.basket_id).await {
            Ok(_) => {}
            Err(e) if refused_by_state(&e) => {
                notes.push((now, format!("postage {} refused: {}", p.order, message(&e))))
            }
            Err(e) => return Err(format!("postage: {e}")),
        }
        return Ok(());
    } else if let Some(s) = &step.ship {
        let targets: Vec<String> = if s.order == "*" {
            integration.awaiting_shipment()
        } else {
            vec![order_number(&s.order, labels, placed).map_err(|m| format!("ship.order: {m}"))?]
        };
        if targets.is_empty() {
            notes.push((now, format!("ship {}: nothing to ship", s.order)));
        }
        for n in targets {
            let tracking = s.tracking.clone().unwrap_or_else(|| default_tracking(&n, now));
            let date = s.date.clone().unwrap_or_else(|| now.date().to_wire());
            integration.warehouse_shipped(&n, &s.carrier, &tracking, &date);
        }
        return Ok(());
    } else if let Some(f) = &step.fault {
        // The setup's check named every fault the fake would refuse; a refusal now is the
        // fake disagreeing (another version), so the run stops rather than play without it.
        let spec = f.to_rms(ctx.start).map_err(|e| format!("fault: {e}"))?;
        control.add_fault(&spec).await.map_err(|e| format!("fault: the fake did not install it: {e}"))?;
        return Ok(());
    } else if let Some(id) = &step.fault_off {
        let done = if id == "*" { control.clear_faults().await } else { control.remove_fault(id).await };
        done.map_err(|e| format!("fault_off: the fake did not remove '{id}': {e}"))?;
        return Ok(());
    } else if let Some(key) = &step.tool_license_key {
        integration.set_license_key(key, now);
        return Ok(());
    } else if let Some(st) = &step.staff {
        return staff(st, control, labels, placed, notes, now).await.map_err(|m| format!("staff: {m}"));
    } else if let Some(patch) = &step.settings {
        let v = serde_json::to_value(patch).map_err(|e| format!("settings: {e}"))?;
        control.shop().patch_settings(&v).await.map_err(|e| format!("settings: the fake refused the change: {e}"))?;
        return Ok(());
    } else {
        return Ok(());
    };
    let n = order_number(label, labels, placed).map_err(|m| format!("{field}: {m}"))?;
    let what = what.name();
    let done = match what {
        "payment" => control.shop().pay(&n).await,
        "cancel" => control.shop().cancel(&n).await,
        "gift-address" => control.shop().enter_gift_address(&n, &Default::default()).await,
        _ => control.shop().review_ng(&n).await,
    };
    match done {
        Ok(_) => Ok(()),
        Err(e) if refused_by_state(&e) => {
            notes.push((now, format!("{what} {label} refused: {}", message(&e))));
            Ok(())
        }
        Err(e) => Err(format!("{field}: {e}")),
    }
}

/// The shop's staff act in the RMS screens. A status they move shows in the order's RMS lines
/// (`staff_confirm`, `staff_cancel`, `staff_edit`); what moves no status (an edit of an order
/// in 100, a sub-status, stock, keys) is a note, so the ledger shows every staff action; a
/// refusal because of the order's state is a note too. `Err` when the step cannot be applied.
async fn staff(
    st: &StaffStep,
    control: &Control,
    labels: &BTreeMap<String, String>,
    placed: &[Placed],
    notes: &mut Vec<(JstDateTime, String)>,
    now: JstDateTime,
) -> Result<(), String> {
    let shop = control.shop();
    let order = |field: &str, label: &String| order_number(label, labels, placed).map_err(|m| format!("{field}: {m}"));
    let (what, done): (String, Result<Option<String>, ControlError>) = if let Some(l) = &st.confirm {
        let n = order("confirm", l)?;
        (format!("confirm {l}"), shop.staff_confirm(&n).await.map(|_| None))
    } else if let Some(l) = &st.cancel {
        let n = order("cancel", l)?;
        (format!("cancel {l}"), shop.staff_cancel(&n, st.restock).await.map(|_| None))
    } else if let Some(l) = &st.edit {
        let req = rms_mock::control::StaffEditRequest {
            items: st.items.clone(),
            postage_price: st.postage_price,
            address: st.address.clone(),
        };
        let mut parts: Vec<String> = st
            .items
            .iter()
            .map(|i| {
                let mut p = format!("{}/{}", i.manage_number, i.variant_id);
                if let Some(u) = i.units {
                    p.push_str(&format!(" units {u}"));
                }
                if let Some(pr) = i.price {
                    p.push_str(&format!(" price {pr}"));
                }
                p
            })
            .collect();
        if let Some(p) = st.postage_price {
            parts.push(format!("postage {p}"));
        }
        if let Some(a) = &st.address {
            parts.push(format!("address {}{}", a.prefecture, a.city));
        }
        let n = order("edit", l)?;
        let r = shop
            .staff_edit(&n, &req)
            .await
            .map(|b| Some(format!("→ {} · requestPrice {}", b.order_progress, b.request_price)));
        (format!("edit {l}: {}", parts.join(", ")), r)
    } else if let Some(l) = &st.sub_status {
        let n = order("sub_status", l)?;
        let r = shop.staff_sub_status(&n, st.id).await.map(|_| Some(String::new()));
        let id = st.id.map_or_else(|| "cleared".to_string(), |i| i.to_string());
        (format!("sub-status {l} {id}"), r)
    } else if let Some(s) = &st.stock {
        let mode = s.mode.as_deref().unwrap_or("ABSOLUTE");
        let r = shop.staff_stock(s).await.map(|v| Some(format!("→ {}", v.quantity)));
        (format!("stock {}/{} {mode} {}", s.manage_number, s.variant_id, s.quantity), r)
    } else if let Some(key) = &st.renew_license {
        let req =
            rms_mock::control::LicenseRenew { license_key: key.clone(), active_after_minutes: st.active_after_minutes };
        let r =
            shop.renew_license_later(&req).await.map(|k| k.renewed.map(|r| format!("active from {}", r.active_from)));
        (format!("renew licence key {key}"), r.map(|x| x.or(Some(String::new()))))
    } else if let Some(apis) = &st.approve {
        let all = apis.iter().any(|a| a == "*");
        let req = rms_mock::control::ApproveRequest { apis: (!all).then(|| apis.clone()) };
        let r = shop.approve(&req).await.map(|_| Some(String::new()));
        (format!("approve {}", apis.join(", ")), r)
    } else {
        return Ok(());
    };
    match done {
        Ok(None) => {}
        Ok(Some(detail)) if detail.is_empty() => notes.push((now, format!("staff {what}"))),
        Ok(Some(detail)) => notes.push((now, format!("staff {what} {detail}"))),
        Err(e) if refused_by_state(&e) => notes.push((now, format!("staff {what} refused: {}", message(&e)))),
        Err(e) => return Err(format!("{what}: the fake refused it: {e}")),
    }
    Ok(())
}

/// When a step plays: the run's start (for offsets in fault windows) and now.
#[derive(Clone, Copy)]
struct StepContext {
    start: JstDateTime,
    now: JstDateTime,
}

/// A buyer-side action on one order of the timeline.
#[derive(Clone, Copy)]
enum Action {
    Pay,
    Cancel,
    Review,
    GiftAddress,
}

impl Action {
    /// As the ledger names it (the control-plane path segment).
    fn name(self) -> &'static str {
        match self {
            Action::Pay => "payment",
            Action::Cancel => "cancel",
            Action::Review => "review",
            Action::GiftAddress => "gift-address",
        }
    }
}

/// The warehouse's tracking number when the setup gives none: the order number's last four
/// characters and the date. Characters, not bytes, and never more than there are, so a short
/// or empty number cannot panic.
fn default_tracking(number: &str, now: JstDateTime) -> String {
    let chars: Vec<char> = number.chars().collect();
    let tail: String = chars[chars.len().saturating_sub(4)..].iter().collect();
    format!("{tail}-{}", now.date().compact())
}

/// How long one run of the user's integration may take before it is killed.
const COMMAND_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(120);

/// Runs the user's integration once (its stdout passes through, its stderr is kept); `Err`
/// when it cannot start, exits non-zero, is killed or takes longer than [`COMMAND_TIMEOUT`]:
/// the message names the command and the poll, and quotes its stderr, so it shows once.
async fn run_command(
    cmd: &str,
    base_url: &str,
    setup: &LoadedSetup,
    start: JstDateTime,
    now: JstDateTime,
) -> Result<(), String> {
    let child = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .env("RMS_BASE_URL", base_url)
        .env("RMS_SERVICE_SECRET", setup.service_secret())
        .env("RMS_LICENSE_KEY", setup.license_key())
        .env("RMS_NOW", now.to_rms())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::inherit())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn();
    let at = format!("at the {} poll (RMS_NOW={})", rel(start, now), now.to_rms());
    let child = child.map_err(|e| format!("the integration command `{cmd}` could not start {at}: {e}"))?;
    let out = match tokio::time::timeout(COMMAND_TIMEOUT, child.wait_with_output()).await {
        Ok(Ok(out)) => out,
        Ok(Err(e)) => return Err(format!("the integration command `{cmd}` could not be waited for {at}: {e}")),
        Err(_) => {
            return Err(format!(
                "the integration command `{cmd}` did not finish within {} s {at}: killed",
                COMMAND_TIMEOUT.as_secs()
            ))
        }
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.success() {
        // What a working integration says on stderr is its own business: passed through.
        eprint!("{stderr}");
        return Ok(());
    }
    let how = match out.status.code() {
        Some(127) => {
            "exited with status 127 (the shell found no such command: check its spelling and PATH)".to_string()
        }
        Some(126) => "exited with status 126 (the shell could not execute it: check its permissions)".to_string(),
        Some(c) => format!("exited with status {c}"),
        None => {
            #[cfg(unix)]
            let signal = std::os::unix::process::ExitStatusExt::signal(&out.status);
            #[cfg(not(unix))]
            let signal: Option<i32> = None;
            match signal {
                Some(s) => format!("was killed by signal {s}"),
                None => "was killed".to_string(),
            }
        }
    };
    let stderr = stderr.trim_end();
    let said =
        if stderr.is_empty() { "; it wrote nothing on stderr".to_string() } else { format!("; its stderr:\n{stderr}") };
    Err(format!("the integration command `{cmd}` {how} {at}{said}"))
}

impl Waiter for () {
    async fn wait(&self, _seconds: i64) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_tracking_numbers_never_panic_on_short_order_numbers() {
        let now = JstDateTime::parse_rms("2026-11-28T09:00:00+0900").unwrap();
        assert_eq!(default_tracking("123456-20261128-0000000012", now), "0012-20261128");
        assert_eq!(default_tracking("12", now), "12-20261128");
        assert_eq!(default_tracking("", now), "-20261128");
        assert_eq!(default_tracking("受注番号", now), "受注番号-20261128");
    }
}
