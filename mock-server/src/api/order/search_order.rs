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
        Ok(q) => {
            let page = shop.search_orders(&q);
            let found = page.total > 0;
            let outcome = outcome(found);
            let pagination = found.then_some((page.total, page.total_pages, page.page));
            let bytes =
                crate::api::encode_with(|buf| write_answer(buf, &page.order_numbers, &outcome.json, pagination));
            RmsReply::bytes(200, bytes, vec![outcome.code.clone()])
        }
        Err(errors) => op.bad_request(&errors),
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
