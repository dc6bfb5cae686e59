//! Round trips of shop documents (issue 12): any document built in Rust, written as TOML (a
//! shop file) or JSON (the control plane's body) and read back, is the same document. Checked
//! by comparing the documents' serde trees (the document types have no `PartialEq`).

use super::*;
use crate::domain::function::OrderOperation;
use crate::domain::tax::TaxRounding;
use crate::settings::{Api, CancelFlow, DatetimeMode, SortDirection};
use proptest::prelude::*;
use proptest::sample::select;

/// Text as users write it in shop files: ASCII, Japanese, quotes, backslashes, newlines.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9_-]{1,16}",
        "\\PC{0,20}",
        select(vec!["ベーシックTシャツ", "a\"b\\c", "line\nbreak\ttab", "サイズ:M", "'single'", "#not a comment", ""])
            .prop_map(String::from),
    ]
}

fn datetime() -> impl Strategy<Value = String> {
    (2000i64..2100, 1u32..=12, 1u32..=28, 0u32..24, 0u32..60, 0u32..60, any::<bool>()).prop_map(
        |(y, mo, d, h, mi, s, colon)| {
            format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{}", if colon { "+09:00" } else { "+0900" })
        },
    )
}

fn variant() -> impl Strategy<Value = VariantDoc> {
    (
        "[a-zA-Z0-9-]{1,12}",
        0i64..=999_999_999,
        0i64..=99_999,
        prop::option::of(0i64..=99_999),
        prop::option::of(text()),
        prop::collection::vec((text(), text()), 0..3),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(id, price, quantity, postage, sku, selectors, restock, hidden)| {
            let mut v = VariantDoc::new(id, price, quantity);
            v.postage = postage;
            v.merchant_defined_sku_id = sku;
            v.selector_values = OrderedPairs(selectors);
            v.restock_on_cancel = restock;
            v.hidden = hidden;
            v
        })
}

fn item() -> impl Strategy<Value = ItemDoc> {
    (
        "[a-z0-9_-]{1,20}",
        text(),
        prop::option::of(text()),
        prop::option::of(select(vec!["NORMAL", "PRE_ORDER", "BUYING_CLUB"])),
        any::<(bool, bool, bool)>(),
        prop::option::of(select(vec![0.1f64, 0.08, 0.0])),
        prop::collection::vec(variant(), 0..4),
    )
        .prop_map(|(m, title, number, item_type, (hide, cert, one_day), tax_rate, variants)| {
            let mut i = ItemDoc::new(m, title);
            i.item_number = number;
            i.item_type = item_type.map(String::from);
            i.hide_item = hide;
            i.delivery_cert_program = cert;
            i.one_day_operation = one_day;
            i.tax_included = tax_rate.map(|_| false);
            i.tax_rate = tax_rate;
            i.variants = variants;
            i
        })
}

fn order() -> impl Strategy<Value = OrderDoc> {
    let line = ("[a-z0-9-]{1,12}", "[a-zA-Z0-9-]{1,12}", 1i64..=999).prop_map(|(m, v, u)| LineDoc::new(m, v, u));
    let coupon = (text(), text(), 1u8..=3, prop::option::of("20[0-9]{2}-1[0-2]-[0-2][0-9]"), 0i64..10_000, 1i64..=999)
        .prop_map(|(code, name, capital_code, expiry_date, price, unit)| CouponDoc {
            code,
            name,
            summary: None,
            capital_code,
            expiry_date,
            price,
            unit,
        });
    (
        prop::option::of(datetime()),
        select(vec![1i64, 2, 9, 13, 14]),
        prop::collection::vec(line, 1..4),
        0i64..10_000,
        prop::collection::vec(coupon, 0..3),
        prop::option::of(select(vec!["宅配ボックス", "玄関前"])),
        prop::option::of(any::<bool>()),
    )
        .prop_map(|(at, settlement, lines, points, coupons, drop_off, cert)| {
            let mut o = OrderDoc::new().settlement(settlement).used_point(points);
            o.at = at;
            o.lines = lines;
            o.coupons = coupons;
            o.drop_off_location = drop_off.map(String::from);
            o.delivery_cert_program = cert;
            o
        })
}

fn settings() -> impl Strategy<Value = ShopSettings> {
    (
        any::<(bool, bool, bool, bool)>(),
        (0u32..=10_000, 0u32..=10_000, 1u32..=60),
        select(vec![TaxRounding::Floor, TaxRounding::HalfUp, TaxRounding::Ceil]),
        prop::sample::subsequence(vec![Api::Order, Api::Item, Api::Inventory], 0..=3),
        prop::sample::subsequence(OrderOperation::ALL.map(OrderOperation::function_id).to_vec(), 0..=3),
        (
            select(vec![DatetimeMode::Strict, DatetimeMode::Lenient]),
            select(vec![SortDirection::Asc, SortDirection::Desc]),
        ),
        (1usize..=100_000, 0usize..=1 << 20),
        prop::collection::btree_map("[0-9]{6}", prop::collection::vec(text(), 0..3), 0..3),
        select(vec![CancelFlow::Via800, CancelFlow::Immediate]),
        prop::collection::vec(1i64..100, 0..4),
    )
        .prop_map(
            |(flags, delays, rounding, apis, disabled, (dt, sort), (journal, body), attrs, flow, ship_from)| {
                let mut s = ShopSettings::default();
                (s.auto_confirm, s.sku_migrated, s.require_charset, s.read_only) = flags;
                (s.auto_confirm_delay_minutes, s.processing_delay_minutes, s.buyer_cancel_minutes) = delays;
                s.tax_rounding = rounding;
                s.apis = apis;
                s.disabled_functions = disabled;
                s.datetime_mode = dt;
                s.search_default_sort = sort;
                s.journal_limit = journal;
                s.journal_body_limit = body;
                s.item_mandatory_attributes = attrs;
                s.cancel_flow = flow;
                s.ship_from_ids = ship_from;
                s
            },
        )
}

fn fault() -> impl Strategy<Value = FaultSpec> {
    let functions = prop::sample::subsequence(crate::domain::function::FunctionId::all().collect::<Vec<_>>(), 1..=3);
    let selection = prop_oneof![
        Just((None, None)),
        functions.prop_map(|f| (Some(f), None)),
        select(vec![Api::Order, Api::Item, Api::Inventory]).prop_map(|a| (None, Some(a))),
    ];
    (
        prop::option::of("[a-zA-Z0-9_.-]{1,12}"),
        selection,
        select(FaultKind::ALL.to_vec()),
        (
            prop::option::of(0u64..=600_000),
            prop::option::of(0u64..=1 << 20),
            prop::option::of(prop::collection::vec(0usize..400, 0..4)),
        ),
        (prop::option::of(1u64..=1000), prop::option::of(0u64..=1000), prop::option::of(0.0f64..=1.0)),
        (prop::option::of(datetime()), prop::option::of(datetime())),
    )
        .prop_map(
            |(
                id,
                (functions, api),
                kind,
                (latency_ms, truncate_bytes, rows),
                (times, skip, probability),
                (from, until),
            )| {
                // Any values, checked or not: a round trip keeps what was written.
                FaultSpec {
                    id,
                    functions,
                    api,
                    kind,
                    latency_ms,
                    truncate_bytes,
                    rows,
                    times,
                    skip,
                    probability,
                    from,
                    until,
                }
            },
        )
}

fn document() -> impl Strategy<Value = ShopDocument> {
    (
        ("[0-9]{6}", prop::option::of(text()), "[A-Za-z0-9_]{1,30}", "[A-Za-z0-9_]{1,30}"),
        (prop::option::of(datetime()), prop::option::of(datetime()), prop::option::of(0u64..=i64::MAX as u64)),
        settings(),
        prop::collection::vec(item(), 0..4),
        prop::collection::vec(order(), 0..3),
        prop::option::of((0usize..1000, 1usize..=8, 0u64..=i64::MAX as u64, 0i64..=99_999)),
        prop::option::of((0.01f64..60.0, any::<bool>(), 1u32..=10)),
        prop::collection::vec(fault(), 0..3),
    )
        .prop_map(
            |((id, name, secret, key), (start, issued, seed), settings, items, orders, generate, simulate, faults)| {
                let mut d = ShopDocument::new(id).credentials(secret, key);
                d.shop.name = name;
                d.shop.clock_start = start;
                d.shop.license_issued_at = issued;
                d.shop.seed = seed;
                d.settings = settings;
                d.items = items;
                d.orders = orders;
                d.generate =
                    generate.map(|(items, variants, seed, quantity)| GenerateDoc { items, variants, seed, quantity });
                d.simulate =
                    simulate.map(|(rate, enabled, units)| SimulateDoc::new(rate).enabled(enabled).max_units(units));
                d.faults = faults;
                d
            },
        )
}

fn tree(d: &ShopDocument) -> serde_json::Value {
    serde_json::to_value(d).expect("a document serialises")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(crate::proptest_cases(64)))]

    #[test]
    fn a_document_written_as_toml_reads_back_the_same(d in document()) {
        let text = toml::to_string(&d).expect("a document is TOML");
        let back: ShopDocument = parse_toml(&text, "round-trip.toml").map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(tree(&back), tree(&d), "{}", text);
    }

    #[test]
    fn a_document_written_as_json_reads_back_the_same(d in document()) {
        let text = serde_json::to_string(&d).expect("a document is JSON");
        let back: ShopDocument = parse_json(&text, "request body").map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(tree(&back), tree(&d));
    }
}

/// Found by the JSON round trip: without serde_json's `float_roundtrip`, a rate or clock speed
/// sent to the control plane was read as a neighbouring float (2.796982613226598 for
/// 2.7969826132265974), so what a client sent was not what the shop got.
#[test]
fn a_float_in_a_json_document_is_read_exactly() {
    for x in [2.7969826132265974f64, 0.1, 1e-7, 59.99999999999999, 123456.789012345] {
        let doc: SimulateDoc = parse_json(&format!("{{\"orders_per_hour\": {x:?}}}"), "request body").unwrap();
        assert_eq!(doc.orders_per_hour.to_bits(), x.to_bits(), "{x:?}");
    }
}

/// A fault of a shop in the control plane's answer reads back into the spec it was added
/// with (the id assigned), so `GET …/faults` can be fed to `POST …/faults` again.
#[test]
fn a_stored_fault_answers_the_spec_it_was_added_with() {
    let spec = FaultSpec::new(FaultKind::Maintenance)
        .api(Api::Order)
        .skip(1)
        .times(2)
        .probability(0.5)
        .window("2026-12-06T02:00:00+0900", "2026-12-06T08:00:00+0900");
    let mut plan = crate::domain::faults::FaultPlan::default();
    plan.add(spec.rule().unwrap(), 7).unwrap();
    let stored = FaultSpec::of(&plan.faults()[0]);
    assert_eq!(stored, FaultSpec { id: Some("f1".into()), ..spec });
}
