//! searchOrder (受注検索): order numbers matching a filter, paged (order-api.md §3.1).

use super::envelope::Message;
use super::fields::Body;
use super::OrderOp;
use crate::api::RmsReply;
use crate::domain::order::{DateType, OrderProgress};
use crate::domain::order_number::OrderNumber;
use crate::domain::search::{
    is_searchable_settlement, KeywordField, RangeProblem, SearchQuery, HORIZON_DAYS, MAX_PAGE_SIZE, ORDER_TYPES,
    WINDOW_DAYS,
};
use crate::domain::shop::Shop;
use crate::domain::time::JstDateTime;
use crate::settings::SortDirection;
use serde_json::Value;

/// The two answers' message lists (something found: `INFO_101`; nothing: `INFO_102`), each
/// encoded once, with its code.
struct Outcome {
    json: Vec<u8>,
    code: String,
}

fn outcome(found: bool) -> &'static Outcome {
    static OUTCOMES: std::sync::LazyLock<[Outcome; 2]> = std::sync::LazyLock::new(|| {
        let code = super::order_op(crate::domain::function::OrderOperation::SearchOrder).code;
        [
            Message::info(code, "102", "注文検索に成功しました。(検索結果０件)"),
            Message::info(code, "101", "注文検索に成功しました。"),
        ]
        .map(|m| {
            let mut json = Vec::new();
            crate::api::write_json(&mut json, &[&m]);
            Outcome { json, code: m.code }
        })
    });
    &OUTCOMES[usize::from(found)]
}

pub fn search_order(op: &OrderOp, shop: &mut Shop, body: &Body) -> RmsReply {
    match parse(op, shop, body) {
        Ok(q) => answer(shop, &q),
        Err(errors) => op.bad_request(&errors),
    }
}

/// searchOrder of a body read as [`Plain`] (see there): `None` when the body is not one the
/// plain reading answers for (the caller then reads it field by field, [`search_order`]).
pub fn search_plain(shop: &mut Shop, plain: Plain) -> Option<RmsReply> {
    let q = plain.query(shop)?;
    Some(answer(shop, &q))
}

/// The 200 of a valid search.
fn answer(shop: &mut Shop, q: &SearchQuery) -> RmsReply {
    let page = shop.search_orders(q);
    let found = page.total > 0;
    let outcome = outcome(found);
    let pagination = found.then_some((page.total, page.total_pages, page.page));
    let bytes = crate::api::encode_with(|buf| write_answer(buf, &page.order_numbers, &outcome.json, pagination));
    RmsReply::bytes(200, bytes, vec![outcome.code.clone()])
}

/// A searchOrder body as integrations send it on every poll (the dates, statuses, types, a
/// settlement method, the flags, a page; a `null` keyword), read straight into typed fields
/// before the shop is locked: no tree of values, no `String` per key (reading the body into a
/// [`Body`] was the costliest part of a searchOrder, issue 11). Anything else (another key, a
/// key twice, a number sent as text, `null` where a value is required, a value out of its
/// range, a date outside the search window) is not a plain body: [`Plain::query`] declines
/// it and [`parse`] reads the body field by field, with its messages. For every body it takes,
/// the query is the one [`parse`] makes (a test compares the two on generated bodies).
///
/// Read without the shop's settings: every key is known and sent once, so matching keys
/// ignoring case finds what matching them exactly finds, and a date RMS-formatted
/// (`+0900`) reads the same in the strict and the lenient datetime modes.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Plain {
    date_type: i64,
    #[serde(rename = "startDatetime", deserialize_with = "rms_datetime")]
    start: JstDateTime,
    #[serde(rename = "endDatetime", deserialize_with = "rms_datetime")]
    end: JstDateTime,
    #[serde(rename = "orderProgressList", default)]
    progress: Option<Vec<i64>>,
    #[serde(rename = "subStatusIdList", default)]
    sub_status_ids: Option<Vec<i64>>,
    #[serde(rename = "orderTypeList", default)]
    order_types: Option<Vec<i64>>,
    #[serde(default)]
    settlement_method: Option<i64>,
    #[serde(default)]
    shipping_date_blank_flag: Option<i64>,
    #[serde(default)]
    shipping_number_blank_flag: Option<i64>,
    #[serde(default)]
    search_keyword_type: Option<i64>,
    /// Only `null` (or left out): a keyword to search for is read field by field.
    #[serde(rename = "searchKeyword", default)]
    _search_keyword: Option<NullOnly>,
    #[serde(default)]
    mail_send_type: Option<i64>,
    #[serde(default)]
    purchase_site_type: Option<i64>,
    #[serde(default)]
    asuraku_flag: Option<i64>,
    #[serde(default)]
    coupon_use_flag: Option<i64>,
    #[serde(default)]
    drug_flag: Option<i64>,
    #[serde(default)]
    overseas_flag: Option<i64>,
    #[serde(default)]
    one_day_operation_flag: Option<i64>,
    #[serde(rename = "PaginationRequestModel", default)]
    pagination: Option<ObjectOnly<PlainPagination>>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct PlainPagination {
    #[serde(default)]
    request_records_amount: Option<i64>,
    #[serde(default)]
    request_page: Option<i64>,
    #[serde(rename = "SortModelList", default)]
    sorts: Option<Vec<ObjectOnly<PlainSort>>>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct PlainSort {
    sort_column: i64,
    sort_direction: i64,
}

/// `T` read from a JSON object only: a derived struct also reads a JSON array (its fields by
/// position), which the field-by-field reading refuses.
#[derive(Debug)]
pub struct ObjectOnly<T>(pub T);

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for ObjectOnly<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor<T>(std::marker::PhantomData<T>);
        impl<'de, T: serde::Deserialize<'de>> serde::de::Visitor<'de> for Visitor<T> {
            type Value = T;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map))
            }
        }
        d.deserialize_map(Visitor(std::marker::PhantomData)).map(ObjectOnly)
    }
}

/// A value that reads only from `null` (as `Option<NullOnly>`, `null` is `None` and anything
/// else fails).
#[derive(Debug)]
pub struct NullOnly;

impl<'de> serde::Deserialize<'de> for NullOnly {
    fn deserialize<D: serde::Deserializer<'de>>(_: D) -> Result<Self, D::Error> {
        Err(serde::de::Error::custom("not null"))
    }
}

/// An RMS datetime (`…+0900`) as text without escapes.
fn rms_datetime<'de, D: serde::Deserializer<'de>>(d: D) -> Result<JstDateTime, D::Error> {
    let text = <&str as serde::Deserialize>::deserialize(d)?;
    JstDateTime::parse_rms(text).map_err(|_| serde::de::Error::custom("not an RMS datetime"))
}

impl Plain {
    /// The query [`parse`] would make of this body for `shop`, or `None` when [`parse`] would
    /// answer with messages (or the body needs it for another reason).
    fn query(self, shop: &Shop) -> Option<SearchQuery> {
        /// `Some(v)` when `v` is absent or in `range` (absent: `default`); `None` otherwise.
        fn within(v: Option<i64>, range: std::ops::RangeInclusive<i64>, default: i64) -> Option<i64> {
            match v {
                None => Some(default),
                Some(n) => range.contains(&n).then_some(n),
            }
        }
        let flag = |v: Option<i64>| within(v, 0..=1, 0).map(|n| n == 1);
        let date_type = DateType::from_code(within(Some(self.date_type), 1..=6, 0)?)?;
        let progress = match self.progress {
            Some(codes) => codes.iter().map(|c| OrderProgress::from_code(*c)).collect::<Option<Vec<_>>>()?,
            None => vec![],
        };
        let sub_status_ids = self.sub_status_ids.unwrap_or_default();
        let order_types = self.order_types.unwrap_or_default();
        if order_types.iter().any(|t| !ORDER_TYPES.contains(t)) {
            return None;
        }
        if self.settlement_method.is_some_and(|c| !is_searchable_settlement(c)) {
            return None;
        }
        let shipping_date_blank = flag(self.shipping_date_blank_flag)?;
        let shipping_number_blank = flag(self.shipping_number_blank_flag)?;
        within(self.search_keyword_type, 0..=9, 0)?;
        let mail_send_type = within(self.mail_send_type, 0..=2, 0)?;
        let purchase_site_type = within(self.purchase_site_type, 0..=4, 0)?;
        let asuraku_only = flag(self.asuraku_flag)?;
        let coupon_use_only = flag(self.coupon_use_flag)?;
        let drug_only = flag(self.drug_flag)?;
        let overseas_only = flag(self.overseas_flag)?;
        let one_day_operation_only = flag(self.one_day_operation_flag)?;
        let mut page_size = 30;
        let mut page = 1;
        let mut descending = shop.settings().search_default_sort == SortDirection::Desc;
        if let Some(ObjectOnly(p)) = self.pagination {
            page_size = within(p.request_records_amount, 1..=MAX_PAGE_SIZE as i64, 30)?;
            page = within(p.request_page, 1..=i64::from(u32::MAX), 1)?;
            if let Some(ObjectOnly(s)) = p.sorts.as_ref().and_then(|sorts| sorts.first()) {
                if s.sort_column != 1 || !(1..=2).contains(&s.sort_direction) {
                    return None;
                }
                descending = s.sort_direction == 2;
            }
        }
        if sub_status_ids.contains(&-1) && progress.is_empty() {
            return None;
        }
        let mut q =
            SearchQuery::new(date_type, self.start, self.end).with_page(page_size as usize, page as usize).ok()?;
        if !q.range_problems(shop.now()).is_empty() {
            return None;
        }
        q.progress = progress;
        q.sub_status_ids = sub_status_ids;
        q.order_types = order_types;
        q.settlement_method = self.settlement_method;
        q.shipping_date_blank = shipping_date_blank;
        q.shipping_number_blank = shipping_number_blank;
        q.mail_send_type = mail_send_type;
        q.purchase_site_type = purchase_site_type;
        q.asuraku_only = asuraku_only;
        q.coupon_use_only = coupon_use_only;
        q.drug_only = drug_only;
        q.overseas_only = overseas_only;
        q.one_day_operation_only = one_day_operation_only;
        q.descending = descending;
        Some(q)
    }
}

/// The answer, keys in wire order: `orderNumberList`, `MessageModelList` (already encoded),
/// `PaginationResponseModel` (all `null` when nothing matched). Written by hand: it is the
/// answer integrations ask for most (every poll), and its parts need no escaping but the
/// order numbers, which get it through serde_json when they would need any.
fn write_answer(
    buf: &mut Vec<u8>,
    numbers: &[OrderNumber],
    messages: &[u8],
    pagination: Option<(usize, usize, usize)>,
) {
    use std::io::Write;
    buf.extend_from_slice(b"{\"orderNumberList\":[");
    for (i, n) in numbers.iter().enumerate() {
        if i > 0 {
            buf.push(b',');
        }
        let text = n.as_str();
        if text.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
            crate::api::write_json(buf, &text);
        } else {
            buf.push(b'"');
            buf.extend_from_slice(text.as_bytes());
            buf.push(b'"');
        }
    }
    buf.extend_from_slice(b"],\"MessageModelList\":");
    buf.extend_from_slice(messages);
    buf.extend_from_slice(b",\"PaginationResponseModel\":");
    match pagination {
        // Writing to a Vec cannot fail.
        Some((total, pages, page)) => {
            let _ = write!(buf, "{{\"totalRecordsAmount\":{total},\"totalPages\":{pages},\"requestPage\":{page}}}");
        }
        None => buf.extend_from_slice(b"{\"totalRecordsAmount\":null,\"totalPages\":null,\"requestPage\":null}"),
    }
    buf.push(b'}');
}

/// Turns the body into a [`SearchQuery`], or every validation message at once.
pub fn parse(op: &OrderOp, shop: &Shop, body: &Body) -> Result<SearchQuery, Vec<Message>> {
    let mode = shop.settings().datetime_mode;
    let mut f = op.fields(shop, body);

    let progress: Vec<OrderProgress> = match f.int_list("orderProgressList", false) {
        Some(codes) => match codes.iter().map(|c| OrderProgress::from_code(*c)).collect::<Option<Vec<_>>>() {
            Some(p) => p,
            None => {
                f.malformed("orderProgressList");
                vec![]
            }
        },
        None => vec![],
    };
    let sub_status_ids = f.int_list("subStatusIdList", false).unwrap_or_default();
    let date_type = f.int_in("dateType", true, 1..=6).and_then(DateType::from_code);
    let start = f.datetime("startDatetime", true, mode);
    let end = f.datetime("endDatetime", true, mode);
    let order_types = f.int_list("orderTypeList", false).unwrap_or_default();
    if order_types.iter().any(|t| !ORDER_TYPES.contains(t)) {
        f.malformed("orderTypeList");
    }
    let settlement_method = f.int("settlementMethod", false);
    if settlement_method.is_some_and(|c| !is_searchable_settlement(c)) {
        f.malformed("settlementMethod");
    }
    let delivery_name = f.string("deliveryName", false);
    let shipping_date_blank = f.flag("shippingDateBlankFlag");
    let shipping_number_blank = f.flag("shippingNumberBlankFlag");
    let keyword_type = f.int_in("searchKeywordType", false, 0..=9).unwrap_or(0);
    let keyword = match (KeywordField::from_code(keyword_type), f.lookup("searchKeyword")) {
        // A keyword without a type (0) searches nothing in particular: ignored.
        (None, _) => None,
        // A production batch sends `"searchKeywordType": 1, "searchKeyword": null` on every
        // run (order-api.md §0), so RMS must take a null keyword as "no keyword filter". A
        // Java backend cannot tell a missing key from a null one, so a missing keyword is the
        // same search (inferred).
        (Some(_), None | Some(Value::Null)) => None,
        // `""` (or only spaces) is an empty value: ERROR_010, as for every other field.
        (Some(_), Some(Value::String(text))) if text.trim().is_empty() => {
            f.empty("searchKeyword");
            None
        }
        (Some(field), Some(_)) => {
            let text = f.string("searchKeyword", false).map(|s| s.trim().to_string());
            if text.as_ref().is_some_and(|t| t.chars().count() > field.max_chars()) {
                f.malformed("searchKeyword");
            }
            text.map(|t| (field, t))
        }
    };
    let mail_send_type = f.int_in("mailSendType", false, 0..=2).unwrap_or(0);
    let orderer_mail_address = f.string("ordererMailAddress", false);
    let phone_type = f.int_in("phoneNumberType", false, 1..=2);
    let phone_number = f.string("phoneNumber", false);
    let phone = match (phone_type, phone_number) {
        (Some(t), Some(n)) => Some((t, n)),
        (Some(_), None) => {
            f.missing("phoneNumber");
            None
        }
        (None, Some(_)) => {
            f.missing("phoneNumberType");
            None
        }
        (None, None) => None,
    };
    let reserve_number = f.string("reserveNumber", false);
    let purchase_site_type = f.int_in("purchaseSiteType", false, 0..=4).unwrap_or(0);
    let asuraku_only = f.flag("asurakuFlag");
    let coupon_use_only = f.flag("couponUseFlag");
    let drug_only = f.flag("drugFlag");
    let overseas_only = f.flag("overseasFlag");
    let one_day_operation_only = f.flag("oneDayOperationFlag");

    let mut page_size = 30;
    let mut page = 1;
    let mut descending = shop.settings().search_default_sort == SortDirection::Desc;
    if let Some(p) = f.object("PaginationRequestModel") {
        let mut pf = f.nested(p);
        page_size = pf.int_in("requestRecordsAmount", false, 1..=MAX_PAGE_SIZE as i64).unwrap_or(30);
        page = pf.int_in("requestPage", false, 1..=i64::from(u32::MAX)).unwrap_or(1);
        if let Some(sorts) = pf.object_list("SortModelList") {
            // Only one sort column exists (1 注文日時); the first entry decides.
            if let Some(s) = sorts.first() {
                let mut sf = pf.nested(s);
                sf.int_in("sortColumn", true, 1..=1);
                if let Some(d) = sf.int_in("sortDirection", true, 1..=2) {
                    descending = d == 2;
                }
                pf.absorb(sf);
            }
        }
        f.absorb(pf);
    }
    if sub_status_ids.contains(&-1) && progress.is_empty() {
        // `[-1]` (no sub-status) requires orderProgressList.
        f.missing("orderProgressList");
    }

    let (Some(start), Some(end)) = (start, end) else {
        return Err(f.errors);
    };
    // The range rules do not depend on the date type; they are reported even without one.
    let q = SearchQuery::new(date_type.unwrap_or(DateType::Ordered), start, end)
        .with_page(page_size as usize, page as usize);
    for problem in q.as_ref().map(|q| q.range_problems(shop.now())).unwrap_or_default() {
        let text = match problem {
            RangeProblem::EndBeforeStart => "endDatetimeはstartDatetime以降の日時を指定して下さい。".to_string(),
            RangeProblem::WindowTooLong => format!("検索期間は{WINDOW_DAYS}日以内で指定して下さい。"),
            RangeProblem::StartTooOld => format!("startDatetimeは{HORIZON_DAYS}日以内の日時を指定して下さい。"),
        };
        f.error("023", text);
    }
    let (Some(date_type), Ok(mut q), true) = (date_type, q, f.ok()) else {
        return Err(f.errors);
    };
    q.date_type = date_type;
    q.progress = progress;
    q.sub_status_ids = sub_status_ids;
    q.order_types = order_types;
    q.settlement_method = settlement_method;
    q.delivery_name = delivery_name;
    q.shipping_date_blank = shipping_date_blank;
    q.shipping_number_blank = shipping_number_blank;
    q.keyword = keyword;
    q.mail_send_type = mail_send_type;
    q.orderer_mail_address = orderer_mail_address;
    q.phone = phone;
    q.reserve_number = reserve_number;
    q.purchase_site_type = purchase_site_type;
    q.asuraku_only = asuraku_only;
    q.coupon_use_only = coupon_use_only;
    q.drug_only = drug_only;
    q.overseas_only = overseas_only;
    q.one_day_operation_only = one_day_operation_only;
    q.descending = descending;
    Ok(q)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::{DatetimeMode, KeyCase};
    use serde::Serialize;

    /// The answer as serde writes it from typed data, keys in wire order.
    #[derive(Serialize)]
    struct SearchAnswer<'a> {
        #[serde(rename = "orderNumberList")]
        order_numbers: &'a [&'a str],
        #[serde(rename = "MessageModelList")]
        messages: &'a [Message],
        #[serde(rename = "PaginationResponseModel")]
        pagination: Pagination,
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Pagination {
        total_records_amount: Option<usize>,
        total_pages: Option<usize>,
        request_page: Option<usize>,
    }

    fn demo() -> Shop {
        let doc: crate::setup::ShopDocument =
            crate::setup::parse_toml(crate::setup::DEMO_SHOP_TOML, "demo.toml").unwrap();
        doc.build("demo.toml").unwrap()
    }

    fn op() -> &'static OrderOp {
        super::super::order_op(crate::domain::function::OrderOperation::SearchOrder)
    }

    /// The query of the plain reading, if it takes the body: then [`parse`] makes the same.
    fn compare(shop: &Shop, text: &str) -> Option<SearchQuery> {
        let generic = serde_json::from_str::<Body>(text).map(|body| parse(op(), shop, &body));
        let ObjectOnly(plain) = serde_json::from_str::<ObjectOnly<Plain>>(text).ok()?;
        let plain = plain.query(shop)?;
        match generic {
            Ok(Ok(q)) => assert_eq!(q, plain, "{text}"),
            other => panic!("the plain reading took {text}, field by field: {other:?}"),
        }
        Some(plain)
    }

    /// Every shop setting that a body's reading depends on.
    fn shops() -> Vec<Shop> {
        let mut shops = vec![];
        for (case, mode, sort) in [
            (KeyCase::Exact, DatetimeMode::Strict, SortDirection::Asc),
            (KeyCase::Insensitive, DatetimeMode::Lenient, SortDirection::Desc),
        ] {
            let mut shop = demo();
            let mut settings = shop.settings().clone();
            (settings.key_case, settings.datetime_mode, settings.search_default_sort) = (case, mode, sort);
            shop.set_settings(settings);
            shops.push(shop);
        }
        shops
    }

    /// The everyday bodies are read plainly (the plain reading is not a path no body takes).
    #[test]
    fn the_everyday_bodies_are_read_plainly() {
        for shop in shops() {
            let (start, end) = (shop.now().plus_days(-63).to_rms(), shop.now().to_rms());
            for rest in [
                r#""orderProgressList":[100],"PaginationRequestModel":{"requestRecordsAmount":1000,"requestPage":1}"#,
                r#""orderProgressList":[100,200],"searchKeywordType":1,"searchKeyword":null"#,
                r#""PaginationRequestModel":{"requestRecordsAmount":30,"requestPage":2,"SortModelList":[{"sortColumn":1,"sortDirection":2}]}"#,
                r#""settlementMethod":1,"orderTypeList":[1,4],"subStatusIdList":[-1],"orderProgressList":[300],"drugFlag":0"#,
            ] {
                let text = format!(r#"{{"dateType":1,"startDatetime":"{start}","endDatetime":"{end}",{rest}}}"#);
                assert!(compare(&shop, &text).is_some(), "{text}");
            }
        }
    }

    /// A JSON array where an object belongs is never read plainly (a derived struct would
    /// read it by position), nor anywhere else.
    #[test]
    fn an_array_for_an_object_is_not_read_plainly() {
        let shop = demo();
        let (start, end) = (shop.now().plus_days(-63).to_rms(), shop.now().to_rms());
        for text in [
            format!(r#"[1,"{start}","{end}"]"#),
            format!(r#"{{"dateType":1,"startDatetime":"{start}","endDatetime":"{end}","PaginationRequestModel":[]}}"#),
            format!(
                r#"{{"dateType":1,"startDatetime":"{start}","endDatetime":"{end}","PaginationRequestModel":[30,1]}}"#
            ),
            format!(
                r#"{{"dateType":1,"startDatetime":"{start}","endDatetime":"{end}","PaginationRequestModel":{{"SortModelList":[[1,2]]}}}}"#
            ),
        ] {
            assert!(serde_json::from_str::<ObjectOnly<Plain>>(&text).is_err(), "{text}");
            assert!(compare(&shop, &text).is_none(), "{text}");
        }
    }

    /// A key of a generated body, with values the plain reading takes and values it does not.
    type Pool = (&'static str, Vec<String>, Vec<String>);

    fn pools(now: crate::domain::time::JstDateTime) -> Vec<Pool> {
        let texts = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let date = |d: i64| format!("\"{}\"", now.plus_days(d).to_rms());
        let bad_dates = vec![
            date(-64),
            date(-800),
            format!("\"{}\"", now.to_rms().replace("+0900", "+09:00")),
            "\"\"".into(),
            "null".into(),
            "\"2026-11-28\"".into(),
            "\"\\u0032026-11-28T00:00:00+0900\"".into(),
        ];
        let common = ["null", "\"\"", "\" \"", "\"1\"", "1.0", "1.5", "[]", "{}", "true", "-1", "0", "1", "2"];
        let bad = |extra: &[&str]| texts(&[&common[..], extra].concat());
        vec![
            ("dateType", texts(&["1", "3", "6"]), bad(&["7"])),
            ("startDatetime", vec![date(-63), date(-1)], bad_dates.clone()),
            ("endDatetime", vec![date(0), date(-1)], bad_dates),
            (
                "orderProgressList",
                texts(&["[100]", "[100,300]", "[]", "null"]),
                bad(&["[101]", "[\"100\"]", "[100.0]", "[null]", "100"]),
            ),
            ("subStatusIdList", texts(&["[-1]", "[5]", "[]", "null"]), bad(&["[\"7\"]"])),
            ("orderTypeList", texts(&["[1]", "[1,4,5,6]", "null"]), bad(&["[2]", "[1.0]"])),
            ("settlementMethod", texts(&["1", "9", "14", "null"]), bad(&["99"])),
            ("shippingDateBlankFlag", texts(&["0", "1", "null"]), bad(&[])),
            ("searchKeywordType", texts(&["0", "1", "9", "null"]), bad(&["10"])),
            ("searchKeyword", texts(&["null"]), bad(&["\"abc\"", "7"])),
            ("mailSendType", texts(&["0", "2"]), bad(&["3"])),
            ("purchaseSiteType", texts(&["0", "4"]), bad(&["5"])),
            ("oneDayOperationFlag", texts(&["0", "1"]), bad(&[])),
            ("deliveryName", vec![], bad(&["\"山田\""])),
            ("datetype", vec![], bad(&[])),
            (
                "PaginationRequestModel",
                texts(&[
                    r#"{"requestRecordsAmount":1000,"requestPage":1}"#,
                    r#"{"requestRecordsAmount":1,"requestPage":3,"SortModelList":[{"sortColumn":1,"sortDirection":2}]}"#,
                    r#"{"SortModelList":[{"sortColumn":1,"sortDirection":1}]}"#,
                    r#"{"SortModelList":[]}"#,
                    r#"{"SortModelList":null,"requestPage":null}"#,
                    "{}",
                    "null",
                ]),
                bad(&[
                    r#"{"requestRecordsAmount":1001}"#,
                    r#"{"requestRecordsAmount":"5"}"#,
                    r#"{"requestPage":4294967296}"#,
                    r#"{"requestpage":2}"#,
                    r#"{"SortModelList":[{"sortColumn":1,"sortDirection":3}]}"#,
                    r#"{"SortModelList":[{"sortColumn":2,"sortDirection":1}]}"#,
                    r#"{"SortModelList":[{"sortDirection":2}]}"#,
                    r#"{"SortModelList":[{"sortColumn":1,"sortDirection":2},{"x":1}]}"#,
                    r#"{"SortModelList":[1]}"#,
                    r#"{"requestPage":1,"requestPage":2}"#,
                    "[30,1]",
                    r#"{"SortModelList":[[1,2]]}"#,
                ]),
            ),
        ]
    }

    /// A pool's value: mostly one the plain reading takes.
    fn value(pool: &Pool, pick: usize) -> &str {
        let (_, good, bad) = pool;
        if !pick.is_multiple_of(4) && !good.is_empty() {
            &good[pick / 4 % good.len()]
        } else {
            &bad[pick / 4 % bad.len()]
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(crate::proptest_cases(512)))]

        /// Whatever body the plain reading takes, [`parse`] makes the same query of (keys left
        /// out, sent twice, in another case; values of every type and range; both settings).
        #[test]
        fn the_plain_reading_makes_the_query_parse_makes(
            picks in proptest::collection::vec((0usize..64, 0usize..256), 0..5),
            required in proptest::collection::vec(0usize..256, 3),
        ) {
            for shop in shops() {
                let pools = pools(shop.now());
                // The three required keys, each mostly there.
                let mut entries: Vec<String> = required
                    .iter()
                    .enumerate()
                    .filter(|(_, v)| **v < 240)
                    .map(|(k, v)| format!("\"{}\":{}", pools[k].0, value(&pools[k], *v)))
                    .collect();
                for (k, v) in &picks {
                    let pool = &pools[k % pools.len()];
                    entries.push(format!("\"{}\":{}", pool.0, value(pool, *v)));
                }
                compare(&shop, &format!("{{{}}}", entries.join(",")));
            }
        }
    }

    /// The hand-written answer is the bytes serde writes, found or not, with odd numbers too.
    #[test]
    fn the_written_answer_is_what_serde_writes() {
        let date = crate::domain::time::JstDateTime::parse_rms("2026-11-28T10:00:00+0900").unwrap().date();
        let numbers: Vec<OrderNumber> = [("123456", 1), ("123456", 9_999_999_999), ("a\"b\\c", 7)]
            .iter()
            .map(|(shop, serial)| OrderNumber::issue(shop, date, *serial).unwrap())
            .collect();
        type Case<'a> = (&'a [OrderNumber], Option<(usize, usize, usize)>);
        let cases: [Case; 3] = [(&[], None), (&numbers[..2], Some((16_001, 534, 2))), (&numbers, Some((3, 1, 1)))];
        for (page, pagination) in cases {
            let found = pagination.is_some();
            let code = super::super::order_op(crate::domain::function::OrderOperation::SearchOrder).code;
            let message = if found {
                Message::info(code, "101", "注文検索に成功しました。")
            } else {
                Message::info(code, "102", "注文検索に成功しました。(検索結果０件)")
            };
            let texts: Vec<&str> = page.iter().map(OrderNumber::as_str).collect();
            let expected = serde_json::to_vec(&SearchAnswer {
                order_numbers: &texts,
                messages: std::slice::from_ref(&message),
                pagination: Pagination {
                    total_records_amount: pagination.map(|p| p.0),
                    total_pages: pagination.map(|p| p.1),
                    request_page: pagination.map(|p| p.2),
                },
            })
            .unwrap();
            let mut written = Vec::new();
            write_answer(&mut written, page, &outcome(found).json, pagination);
            assert_eq!(String::from_utf8(written).unwrap(), String::from_utf8(expected).unwrap());
            assert_eq!(outcome(found).code, message.code);
        }
    }
}
