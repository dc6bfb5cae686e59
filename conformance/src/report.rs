//! The ledger as a picture: `rms-conformance run … --html report.html` writes one
//! self-contained HTML file (inline CSS and SVG, no script, no external URL). Per setup: its
//! header, a swimlane timeline of the run (faults and notes) and one per order — RMS's status
//! changes above the time axis as segments coloured by status, what the integration did below
//! it, errors and faults marked, every mark with a tooltip — then the summary and the text
//! ledger. The same ledgers always give the same bytes.
//!
//! Long runs keep their detail: a stretch of more than two hours in which nothing happens (in
//! runs longer than a day) is drawn as a short break (`≈ 13d22h`), so a 14-day setup still
//! shows its first polls minute by minute.

use crate::ledger::{IntegrationAction, Ledger, OrderEntry};
use crate::time::JstDateTime;
use std::fmt::Write;

/// The whole report for `ledgers` (one `run`).
///
/// ```
/// use rms_conformance::{ledger::Ledger, report};
/// let ledger: Ledger = serde_json::from_value(serde_json::json!({
///     "setup": "s", "file": "s.toml", "shop_id": "1", "start": "2026-11-28T09:00:00+0900",
///     "end": "2026-11-28T10:00:00+0900", "integration": "reference",
///     "orders": [{"label": "#1", "order_number": "1-20261128-0000000001", "payment": "card",
///         "placed": "+5m", "placed_time": "2026-11-28T09:05:00+0900", "refused": null,
///         "rms": [{"at": "+5m", "at_time": "2026-11-28T09:05:00+0900", "from": null, "to": 100,
///                  "cause": "placed"}],
///         "integration": [], "calls": []}],
///     "summary": {"calls": {}, "errors": [], "stock_pushed": {}, "notes": []}
/// }))
/// .unwrap();
/// let page = report::html(&[ledger]);
/// assert!(page.contains(">100 注文確認待ち</text>") && !page.contains("<script"));
/// ```
pub fn html(ledgers: &[Ledger]) -> String {
    let mut body = String::new();
    let _ = writeln!(body, "<h1>rms-conformance report</h1>");
    let _ = writeln!(body, "<nav><ol>");
    for (i, l) in ledgers.iter().enumerate() {
        let _ = writeln!(
            body,
            "<li><a href=\"#setup-{i}\">{}</a> <span class=\"file\">{}</span></li>",
            esc(&l.setup),
            esc(&l.file)
        );
    }
    let _ = writeln!(body, "</ol></nav>");
    body.push_str(&legend());
    for (i, l) in ledgers.iter().enumerate() {
        let _ = writeln!(body, "<section class=\"setup\" id=\"setup-{i}\">");
        body.push_str(&setup_header(l));
        let axis = Axis::for_ledger(l);
        body.push_str(&run_lane(l, &axis));
        for o in &l.orders {
            body.push_str(&order_block(l, o, &axis, ""));
        }
        body.push_str(&summary_table(l));
        let _ = writeln!(
            body,
            "<details class=\"text\"><summary>text ledger</summary><pre>{}</pre></details>",
            esc(&l.to_text())
        );
        let _ = writeln!(body, "</section>");
    }
    page("rms-conformance report", &body)
}

/// A complete HTML page with the report's style.
pub(crate) fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" \
         content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>\n{STYLE}</style>\n</head>\n\
         <body>\n{body}</body>\n</html>\n",
        esc(title)
    )
}

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Hiragino Sans','Noto Sans CJK JP',sans-serif;\
margin:1.5em auto;max-width:1100px;padding:0 1em;color:#222;background:#fff}
h1{font-size:1.5em}h2{font-size:1.2em;margin:0}h3{font-size:.95em;margin:.8em 0 .2em;font-weight:600}
section.setup{border-top:3px solid #444;margin-top:2em;padding-top:.6em}
.meta,.integration,.file{color:#555;font-size:.85em}.integration{margin:.2em 0 .6em}
svg.lane{display:block;width:100%;height:auto;background:#fafafa;border:1px solid #e3e3e3;border-radius:4px}
svg text{font-size:11px;font-family:inherit}
.calls{font-size:.8em;color:#444;margin:.2em 0 .4em}.refused{color:#b71c1c;font-size:.9em}
table.summary{border-collapse:collapse;font-size:.85em;margin:.8em 0}
table.summary th{text-align:left;vertical-align:top;padding:.15em .8em .15em 0;color:#555;font-weight:600}
table.summary td{padding:.15em 0}
pre{font-size:12px;background:#f5f5f5;padding:.8em;overflow-x:auto}
.legend span{display:inline-block;margin:0 .8em .3em 0;font-size:.85em}
.legend i{display:inline-block;width:1.1em;height:.8em;margin-right:.3em;vertical-align:middle;border-radius:2px}
.changed{outline:3px solid #ffb300;outline-offset:2px;border-radius:4px}
.added{background:#e8f5e9}.removed{background:#ffebee}
.diff-line{font-family:ui-monospace,monospace;font-size:12px;white-space:pre-wrap;margin:0}
.diff-line.minus{color:#b71c1c}.diff-line.plus{color:#1b5e20}.diff-line.tilde{color:#8d5300}
.side{font-size:.8em;color:#555;margin:.3em 0 0}
";

/// RMS's name of an `orderProgress`, and its colour in the report.
pub(crate) fn status_style(code: u16) -> (&'static str, &'static str) {
    match code {
        100 => ("注文確認待ち", "#f2a900"),
        200 => ("楽天処理中", "#8bc34a"),
        300 => ("発送待ち", "#26a69a"),
        400 => ("変更確定待ち", "#ab47bc"),
        500 => ("発送済", "#1e88e5"),
        600 => ("支払手続き中", "#5c6bc0"),
        700 => ("支払手続き済", "#283593"),
        800 => ("キャンセル確定待ち", "#ef6c00"),
        900 => ("キャンセル確定", "#9e9e9e"),
        _ => ("?", "#cccccc"),
    }
}

const ERROR: &str = "#d32f2f";
const FAULT: &str = "#ff6f00";

fn legend() -> String {
    let mut o = String::from("<div class=\"legend\">");
    for code in (100..=900).step_by(100) {
        let (name, colour) = status_style(code);
        let _ = write!(o, "<span><i style=\"background:{colour}\"></i>{code} {name}</span>");
    }
    let _ = writeln!(
        o,
        "<span><i style=\"background:#455a64;border-radius:50%\"></i>integration action</span>\
         <span><i style=\"background:{ERROR}\"></i>✕ failed / refused</span>\
         <span><i style=\"background:{FAULT}\"></i>▲ fault injected</span></div>"
    );
    o
}

/// `&`, `<`, `>`, `"` escaped for text and attribute values.
pub(crate) fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            c => o.push(c),
        }
    }
    o
}

pub(crate) fn setup_header(l: &Ledger) -> String {
    format!(
        "<h2>{}</h2>\n<p class=\"meta\">{} · shop {} · {} → {}</p>\n<p class=\"integration\">integration: {}</p>\n",
        esc(&l.setup),
        esc(&l.file),
        esc(&l.shop_id),
        esc(&l.start),
        esc(&l.end),
        esc(&l.integration)
    )
}

/// Seconds since the epoch of a ledger time, if it reads.
fn secs(s: &str) -> Option<i64> {
    JstDateTime::parse_rms(s).map(JstDateTime::seconds)
}

/// Width of the drawing and its left margin (lane names).
const WIDTH: f64 = 1000.0;
const LEFT: f64 = 96.0;
const RIGHT: f64 = 16.0;

/// Maps shop times of one setup's run to x. Linear for runs up to a day; in longer runs a
/// stretch of more than [`Axis::GAP`] without any event is drawn [`Axis::GAP`] wide, marked
/// as a break.
pub(crate) struct Axis {
    start: i64,
    end: i64,
    /// `(from, to, drawn length)` in seconds; contiguous from start to end.
    pieces: Vec<(i64, i64, i64, bool)>,
    drawn: i64,
}

impl Axis {
    const GAP: i64 = 2 * 3600;

    pub(crate) fn for_ledger(l: &Ledger) -> Axis {
        Axis::for_ledgers(&[l])
    }

    /// One axis for several ledgers (the two sides of a diff), from the earliest start to the
    /// latest end.
    pub(crate) fn for_ledgers(ls: &[&Ledger]) -> Axis {
        let mut times = Vec::new();
        for l in ls {
            times.extend(l.times());
        }
        let start = ls.iter().filter_map(|l| secs(&l.start)).min().unwrap_or(0);
        let end = ls.iter().filter_map(|l| secs(&l.end)).max().unwrap_or(start).max(start + 60);
        Axis::new(start, end, times)
    }
}

impl Ledger {
    /// Every time on the ledger, in seconds.
    fn times(&self) -> Vec<i64> {
        let l = self;
        let mut times = Vec::new();
        for o in &l.orders {
            times.extend(secs(&o.placed_time));
            times.extend(o.rms.iter().filter_map(|c| secs(&c.at_time)));
            times.extend(o.stock_capped.iter().filter_map(|c| secs(&c.at_time)));
            for a in &o.integration {
                times.extend(a.at_time.as_deref().and_then(secs));
                times.extend(a.last_time.as_deref().and_then(secs));
            }
        }
        for f in &l.summary.faults {
            times.extend(secs(&f.at_time));
            times.extend(f.last_time.as_deref().and_then(secs));
        }
        for n in &l.summary.notes {
            times.extend(n.at_time.as_deref().and_then(secs));
            times.extend(n.last_time.as_deref().and_then(secs));
        }
        times
    }
}

impl Axis {
    fn new(start: i64, end: i64, mut times: Vec<i64>) -> Axis {
        times.retain(|t| (start..=end).contains(t));
        times.push(start);
        times.push(end);
        times.sort_unstable();
        times.dedup();
        let long = end - start > 24 * 3600;
        let mut pieces = Vec::new();
        for w in times.windows(2) {
            let gap = w[1] - w[0];
            let compressed = long && gap > Self::GAP;
            pieces.push((w[0], w[1], if compressed { Self::GAP } else { gap }, compressed));
        }
        let drawn = pieces.iter().map(|p| p.2).sum::<i64>().max(1);
        Axis { start, end, pieces, drawn }
    }

    /// The x of a shop time (clamped to the run).
    pub(crate) fn x(&self, t: i64) -> f64 {
        let t = t.clamp(self.start, self.end);
        let mut before = 0i64;
        for &(from, to, len, _) in &self.pieces {
            if t <= to {
                let part = if to == from { 0.0 } else { (t - from) as f64 / (to - from) as f64 * len as f64 };
                return LEFT + (before as f64 + part) / self.drawn as f64 * (WIDTH - LEFT - RIGHT);
            }
            before += len;
        }
        WIDTH - RIGHT
    }

    fn x_of(&self, time: &str) -> Option<f64> {
        secs(time).map(|t| self.x(t))
    }

    /// Tick marks: `(x, label)`, every step of the uncompressed stretches plus each break.
    fn ticks(&self) -> Vec<(f64, String, bool)> {
        let span = self.drawn;
        let step = [900, 1800, 3600, 2 * 3600, 3 * 3600, 6 * 3600, 12 * 3600, 24 * 3600]
            .into_iter()
            .find(|s| span / s <= 12)
            .unwrap_or(24 * 3600);
        let mut out: Vec<(f64, String, bool)> = Vec::new();
        let push = |x: f64, label: String, brk: bool, out: &mut Vec<(f64, String, bool)>| {
            if out.last().is_none_or(|(px, _, _)| x - px >= 48.0) {
                out.push((x, label, brk));
            }
        };
        push(self.x(self.start), "0".into(), false, &mut out);
        for &(from, to, _, compressed) in &self.pieces {
            if compressed {
                let x = (self.x(from) + self.x(to)) / 2.0;
                push(x, format!("≈ {}", span_text(to - from)), true, &mut out);
                continue;
            }
            let first = (from - self.start + step - 1) / step * step + self.start;
            let mut t = first;
            while t <= to {
                if t > from || from == self.start {
                    push(self.x(t), offset_text(t - self.start), false, &mut out);
                }
                t += step;
            }
        }
        out
    }
}

/// `+1d02h`, `+45m`: a tick's offset from the start.
fn offset_text(s: i64) -> String {
    let m = s / 60;
    let (d, h, mm) = (m / 1440, m / 60 % 24, m % 60);
    match (d, h, mm) {
        (0, 0, mm) => format!("+{mm}m"),
        (0, h, 0) => format!("+{h}h"),
        (0, h, mm) => format!("+{h}h{mm:02}m"),
        (d, 0, 0) => format!("+{d}d"),
        (d, h, _) => format!("+{d}d{h:02}h"),
    }
}

/// `13d22h`, `5h30m`: the length of a break.
fn span_text(s: i64) -> String {
    offset_text(s).trim_start_matches('+').to_string()
}

/// Labels that would overlap go to the next row.
struct Rows {
    ends: Vec<f64>,
}

impl Rows {
    fn new(n: usize) -> Rows {
        Rows { ends: vec![f64::MIN; n] }
    }

    /// The row for a label from `x` that is `w` wide.
    fn place(&mut self, x: f64, w: f64) -> usize {
        let row = self.ends.iter().position(|e| *e + 4.0 <= x).unwrap_or_else(|| {
            // All taken: the row that frees first.
            let mut best = 0;
            for (i, e) in self.ends.iter().enumerate() {
                if *e < self.ends[best] {
                    best = i;
                }
            }
            best
        });
        self.ends[row] = x + w;
        row
    }
}

/// Where a label `w` wide goes beside a mark at `x`: right of it, or left of it when it would
/// run past the drawing's edge. `(left edge, text x, text-anchor)`.
fn label_at(x: f64, gap: f64, w: f64) -> (f64, f64, &'static str) {
    if x + gap + w > WIDTH - 2.0 {
        (x - gap - w, x - gap, "end")
    } else {
        (x, x + gap, "start")
    }
}

/// About how wide a label is drawn (11 px font; CJK characters are wider).
fn text_width(s: &str) -> f64 {
    s.chars().map(|c| if c.is_ascii() { 6.2 } else { 11.0 }).sum()
}

fn axis_svg(axis: &Axis, y: f64, o: &mut String) {
    let _ = write!(
        o,
        "<line x1=\"{LEFT}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"#888\" stroke-width=\"1\"/>",
        WIDTH - RIGHT
    );
    for (x, label, brk) in axis.ticks() {
        if brk {
            let _ = write!(
                o,
                "<g class=\"break\"><title>nothing happens for {}</title>\
                 <rect x=\"{:.1}\" y=\"{:.1}\" width=\"10\" height=\"8\" fill=\"#fafafa\"/>\
                 <text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#777\">{}</text></g>",
                esc(label.trim_start_matches("≈ ")),
                x - 5.0,
                y - 4.0,
                y + 14.0,
                esc(&label)
            );
        } else {
            // The last tick's label ends at the edge rather than past it.
            let anchor = if x > WIDTH - RIGHT - 24.0 { "end" } else { "middle" };
            let _ = write!(
                o,
                "<line x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#888\"/>\
                 <text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\" fill=\"#666\">{label}</text>",
                y - 3.0,
                y + 3.0,
                y + 14.0
            );
        }
    }
}

/// The run's own lane: the faults the fake injected and the notes, on the setup's axis.
fn run_lane(l: &Ledger, axis: &Axis) -> String {
    let marks: Vec<(f64, Option<f64>, bool, String, String)> = l
        .summary
        .faults
        .iter()
        .filter_map(|f| {
            let x = axis.x_of(&f.at_time)?;
            let x2 = f.last_time.as_deref().and_then(|t| axis.x_of(t));
            Some((x, x2, true, f.fault.id.clone(), f.to_string()))
        })
        .chain(l.summary.notes.iter().filter_map(|n| {
            let x = axis.x_of(n.at_time.as_deref()?)?;
            let x2 = n.last_time.as_deref().and_then(|t| axis.x_of(t));
            Some((x, x2, false, short(&n.text, 22), n.to_string()))
        }))
        .collect();
    if marks.is_empty() {
        return String::new();
    }
    let mut rows = Rows::new(3);
    let mut o = String::new();
    let h = 96.0;
    let _ = write!(
        o,
        "<svg class=\"lane run\" viewBox=\"0 0 {WIDTH} {h}\" width=\"{WIDTH}\" height=\"{h}\" \
         role=\"img\" aria-label=\"run of {}\" xmlns=\"http://www.w3.org/2000/svg\">",
        esc(&l.file)
    );
    let _ = write!(o, "<text x=\"6\" y=\"24\" font-weight=\"600\">run</text><text x=\"6\" y=\"38\" fill=\"#666\">faults · notes</text>");
    for (x, x2, fault, label, tip) in marks {
        let (left, tx, anchor) = label_at(x, 7.0, text_width(&label));
        let row = rows.place(left.min(x - 5.0), text_width(&label) + 12.0);
        let y = 14.0 + row as f64 * 18.0;
        let colour = if fault { FAULT } else { "#546e7a" };
        let _ = write!(o, "<g class=\"{}\"><title>{}</title>", if fault { "fault" } else { "note" }, esc(&tip));
        if let Some(x2) = x2.filter(|x2| *x2 > x + 1.0) {
            let _ = write!(
                o,
                "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"4\" fill=\"{colour}\" opacity=\"0.5\"/>",
                y - 2.0,
                x2 - x
            );
        }
        if fault {
            let _ = write!(o, "<path d=\"M{x:.1} {:.1} l5 9 h-10 z\" fill=\"{FAULT}\"/>", y - 5.0);
        } else {
            let _ = write!(o, "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3.5\" fill=\"{colour}\"/>");
        }
        let _ = write!(
            o,
            "<text x=\"{tx:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\" fill=\"{colour}\">{}</text></g>",
            y + 4.0,
            esc(&label)
        );
    }
    axis_svg(axis, 76.0, &mut o);
    o.push_str("</svg>\n");
    o
}

/// The first `n` characters of `s`, `…` when cut.
fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n - 1).collect::<String>() + "…"
    }
}

/// The short label of an integration action on the lane.
fn action_label(a: &IntegrationAction) -> String {
    match (&a.fault, a.action.as_str()) {
        (Some(f), _) => format!("{} {}", f.id, f.operation),
        (None, "never_seen") => "never seen".into(),
        (None, _) if a.failed => short(&a.text, 26),
        (None, "shipping") if a.text.starts_with("shipping reported") => "shipping reported".into(),
        (None, "import") => short(&a.text, 18),
        (None, kind) => kind.replace('_', " "),
    }
}

/// One order: its heading, its swimlane (RMS above the axis, the integration below), its calls.
pub(crate) fn order_block(l: &Ledger, e: &OrderEntry, axis: &Axis, class: &str) -> String {
    let mut o = String::new();
    let number = e.order_number.as_deref().unwrap_or("(not placed)");
    let _ = writeln!(
        o,
        "<div class=\"order{}\" data-label=\"{}\">\n<h3>order {}  {}  {}  placed {}</h3>",
        if class.is_empty() { String::new() } else { format!(" {class}") },
        esc(&e.label),
        esc(&e.label),
        esc(number),
        esc(&e.payment),
        esc(&e.placed)
    );
    let h = 150.0;
    let _ = write!(
        o,
        "<svg class=\"lane order-lane\" viewBox=\"0 0 {WIDTH} {h}\" width=\"{WIDTH}\" height=\"{h}\" role=\"img\" \
         aria-label=\"order {} of {}\" xmlns=\"http://www.w3.org/2000/svg\">",
        esc(&e.label),
        esc(&l.file)
    );
    let _ = write!(
        o,
        "<text x=\"6\" y=\"50\" font-weight=\"600\">RMS</text><text x=\"6\" y=\"118\" font-weight=\"600\">integration</text>"
    );
    // RMS: one segment per status, from its change to the next (or the end of the run).
    let band = (36.0, 24.0);
    let mut causes = Rows::new(2);
    // The order's own run ends its last segment (in a diff, the axis may run longer).
    let end_x = axis.x_of(&l.end).unwrap_or_else(|| axis.x(axis.end));
    if let Some(r) = &e.refused {
        if let Some(x) = axis.x_of(&e.placed_time) {
            let _ = write!(
                o,
                "<g class=\"error refused\"><title>{} refused: {}</title><text x=\"{x:.1}\" y=\"{:.1}\" fill=\"{ERROR}\" \
                 font-size=\"14\">✕</text><text x=\"{:.1}\" y=\"{:.1}\" fill=\"{ERROR}\">refused: {}</text></g>",
                esc(&e.placed),
                esc(r),
                band.0 + 16.0,
                x + 14.0,
                band.0 + 16.0,
                esc(&short(r, 60))
            );
        }
    }
    for (i, c) in e.rms.iter().enumerate() {
        let Some(x) = axis.x_of(&c.at_time) else { continue };
        let next = e.rms.get(i + 1).and_then(|n| axis.x_of(&n.at_time)).unwrap_or(end_x);
        let (name, colour) = status_style(c.to);
        let w = (next - x).max(2.0);
        let tip = format!("{} {} · {c}", c.at, c.at_time);
        let label = format!("{} {name}", c.to);
        let _ = write!(
            o,
            "<g class=\"status s{}\" data-status=\"{}\"><title>{}</title><rect x=\"{x:.1}\" y=\"{}\" width=\"{w:.1}\" \
             height=\"{}\" fill=\"{colour}\" rx=\"2\"/>",
            c.to,
            c.to,
            esc(&tip),
            band.0,
            band.1
        );
        let text_colour = if matches!(c.to, 100 | 200 | 900) { "#222" } else { "#fff" };
        if w >= text_width(&label) + 6.0 {
            let _ = write!(
                o,
                "<text class=\"status-label\" x=\"{:.1}\" y=\"{:.1}\" fill=\"{text_colour}\">{}</text>",
                x + 4.0,
                band.0 + 16.0,
                esc(&label)
            );
        } else if w >= 28.0 {
            let _ = write!(
                o,
                "<text class=\"status-label\" x=\"{:.1}\" y=\"{:.1}\" fill=\"{text_colour}\">{}</text>",
                x + 3.0,
                band.0 + 16.0,
                c.to
            );
        }
        o.push_str("</g>");
        // The cause above the band, where it has room.
        let cause = c.cause.as_str();
        let (left, tx, anchor) = label_at(x, 2.0, text_width(cause));
        let row = causes.place(left.min(x), text_width(cause) + 4.0);
        let y = 12.0 + row as f64 * 12.0;
        let _ = write!(
            o,
            "<g class=\"cause\"><title>{}</title><line x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{}\" stroke=\"#999\" \
             stroke-dasharray=\"2 2\"/><text x=\"{tx:.1}\" y=\"{y:.1}\" text-anchor=\"{anchor}\" fill=\"#444\">{}</text></g>",
            esc(&tip),
            y + 2.0,
            band.0,
            esc(cause)
        );
    }
    for c in &e.stock_capped {
        let Some(x) = axis.x_of(&c.at_time) else { continue };
        let _ = write!(
            o,
            "<g class=\"error\"><title>{} {}</title><text x=\"{:.1}\" y=\"{:.1}\" fill=\"{ERROR}\" font-size=\"14\">✕</text></g>",
            esc(&c.at),
            esc(&c.to_string()),
            x - 4.0,
            band.0 - 2.0
        );
    }
    axis_svg(axis, 76.0, &mut o);
    // The integration: a mark per action, a label where it has room.
    let mut rows = Rows::new(3);
    for a in &e.integration {
        let tip = format!("{} {a}", a.at.as_deref().unwrap_or(""));
        let label = action_label(a);
        let Some(x) = a.at_time.as_deref().and_then(|t| axis.x_of(t)) else {
            let _ = write!(
                o,
                "<g class=\"action untimed\"><title>{}</title><text x=\"{LEFT}\" y=\"{}\" fill=\"#888\">{}</text></g>",
                esc(tip.trim()),
                104.0 + 18.0 * rows.place(LEFT, text_width(&label)) as f64 + 4.0,
                esc(&label)
            );
            continue;
        };
        let (left, tx, anchor) = label_at(x, 7.0, text_width(&label));
        let row = rows.place(left.min(x - 5.0), text_width(&label) + 12.0);
        let y = 104.0 + row as f64 * 18.0;
        let (class, colour) = match (a.fault.is_some(), a.failed) {
            (true, _) => ("action fault", FAULT),
            (false, true) => ("action error", ERROR),
            (false, false) => ("action", "#455a64"),
        };
        let _ = write!(
            o,
            "<g class=\"{class}\" data-action=\"{}\"><title>{}</title><line x1=\"{x:.1}\" y1=\"82\" x2=\"{x:.1}\" y2=\"{:.1}\" \
             stroke=\"{colour}\" stroke-opacity=\"0.35\"/>",
            esc(&a.action),
            esc(&tip),
            y - 5.0
        );
        if let Some(x2) = a.last_time.as_deref().and_then(|t| axis.x_of(t)).filter(|x2| *x2 > x + 1.0) {
            let _ = write!(
                o,
                "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"4\" fill=\"{colour}\" opacity=\"0.5\"/>",
                y - 2.0,
                x2 - x
            );
        }
        match (a.fault.is_some(), a.failed) {
            (true, _) => {
                let _ = write!(o, "<path d=\"M{x:.1} {:.1} l5 9 h-10 z\" fill=\"{FAULT}\"/>", y - 5.0);
            }
            (false, true) => {
                let _ = write!(
                    o,
                    "<path d=\"M{:.1} {:.1} l8 8 m0 -8 l-8 8\" stroke=\"{ERROR}\" stroke-width=\"2.2\"/>",
                    x - 4.0,
                    y - 4.0
                );
            }
            (false, false) => {
                let _ = write!(o, "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"4\" fill=\"{colour}\"/>");
            }
        }
        let _ = write!(
            o,
            "<text x=\"{tx:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\" fill=\"{colour}\">{}</text></g>",
            y + 4.0,
            esc(&label)
        );
    }
    o.push_str("</svg>\n");
    if !e.calls.is_empty() {
        let _ = writeln!(o, "<p class=\"calls\">calls: {}</p>", esc(&e.call_lines().join(" · ")));
    }
    o.push_str("</div>\n");
    o
}

/// The run's summary as the text ledger has it: calls, errors, stock pushed (`none` when
/// empty), then faults and notes when there are any, one per line.
pub(crate) fn summary_table(l: &Ledger) -> String {
    let mut o = String::from("<table class=\"summary\">\n");
    let row = |o: &mut String, head: &str, lines: Vec<String>| {
        let cell = match lines.is_empty() {
            true => "none".to_string(),
            false => lines.iter().map(|i| esc(i)).collect::<Vec<_>>().join("<br>"),
        };
        let _ = writeln!(o, "<tr><th>{head}</th><td>{cell}</td></tr>");
    };
    // Calls and stock on one line each, like the text ledger.
    let one_line = |items: Vec<String>| if items.is_empty() { vec![] } else { vec![items.join(" · ")] };
    let s = &l.summary;
    row(&mut o, "calls", one_line(s.calls.iter().map(|(k, v)| format!("{k} {v}")).collect()));
    row(&mut o, "errors", s.errors.iter().map(|e| format!("{} ×{}", e.key(), e.count)).collect());
    row(&mut o, "stock pushed", one_line(s.stock_pushed.iter().map(|(k, v)| format!("{k}={v}")).collect()));
    if !s.faults.is_empty() {
        row(&mut o, "faults", s.fault_lines());
    }
    if !s.notes.is_empty() {
        row(&mut o, "notes", s.note_lines());
    }
    o.push_str("</table>\n");
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_quiet_stretch_is_drawn_as_a_short_break_and_a_short_run_stays_linear() {
        let day = 24 * 3600;
        let long = Axis::new(0, 14 * day, vec![300, 900, 14 * day - 600]);
        let early = long.x(900) - long.x(300);
        assert!(early > 20.0, "the first polls keep their detail: {early}");
        assert!(long.ticks().iter().any(|(_, label, brk)| *brk && label.starts_with("≈ 13d")));
        let short = Axis::new(0, 3 * 3600, vec![300]);
        let (a, b) = (short.x(3600) - short.x(0), short.x(7200) - short.x(3600));
        assert!((a - b).abs() < 0.01, "linear: {a} {b}");
        assert_eq!(short.x(0), LEFT);
        assert_eq!(short.x(3 * 3600), WIDTH - RIGHT);
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(esc("<a href=\"x\">&</a>"), "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;");
    }
}
