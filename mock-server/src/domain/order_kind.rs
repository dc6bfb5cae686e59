//! The kinds of order a shop really gets besides a plain purchase: 定期購入 (4), 頒布会 (5)
//! and 予約商品 (6) with their reservation numbers, social gifts whose recipient enters the
//! address later (getOrder v10), and what Rakuten's fraud review puts on an order.
//!
//! What RMS documents (order-api.md §4, §7.2): `orderType` 1/4/5/6, `reserveNumber` ending in
//! `-r` and `reserveDeliveryCount`, `SocialGiftModel` with `sgMngNumber` ending in `-sg`,
//! `inputDueDate`, `inputFlag`, `inputCompDatetime`, `receiverEmailAddress`, and the
//! placeholders of a recipient who has not entered an address yet. Which types carry the
//! reservation fields, the default due date of a gift's address and the placeholders' exact
//! split over the name fields are the fake's choices (inferred; README "Inferred behaviour").

use super::buyer::{Buyer, People, PersonName, Place};
use super::text::Texts;
use super::time::{JstDate, JstDateTime};

/// `orderType` (order-api.md §4, searchOrder `orderTypeList`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OrderType {
    /// 1 通常購入.
    #[default]
    Normal,
    /// 4 定期購入.
    Subscription,
    /// 5 頒布会.
    Distribution,
    /// 6 予約商品.
    Reservation,
}

impl OrderType {
    /// Every type, in code order.
    pub const ALL: [OrderType; 4] =
        [OrderType::Normal, OrderType::Subscription, OrderType::Distribution, OrderType::Reservation];

    /// The number RMS writes.
    pub fn code(self) -> u8 {
        match self {
            OrderType::Normal => 1,
            OrderType::Subscription => 4,
            OrderType::Distribution => 5,
            OrderType::Reservation => 6,
        }
    }

    /// The type of a number; None for one RMS does not define.
    pub fn from_code(code: i64) -> Option<OrderType> {
        OrderType::ALL.into_iter().find(|t| i64::from(t.code()) == code)
    }

    /// True for 定期購入, 頒布会 and 予約商品: the types that carry `reserveNumber` and
    /// `reserveDeliveryCount` in the fake (inferred: the manual names 予約 numbers; that the
    /// subscription types have them too follows RMS's screens, where each delivery of a
    /// subscription is an order under one 予約番号).
    pub fn is_reserved(self) -> bool {
        self != OrderType::Normal
    }

    /// Position in [`OrderType::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

impl serde::Serialize for OrderType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(self.code())
    }
}

impl<'de> serde::Deserialize<'de> for OrderType {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = <i64 as serde::Deserialize>::deserialize(d)?;
        OrderType::from_code(code)
            .ok_or_else(|| serde::de::Error::custom(format_args!("{code} is not an orderType (1, 4, 5 or 6)")))
    }
}

/// Skips a normal order's type in a state document (so documents of plain orders stay as
/// they were before order types existed).
pub(crate) fn is_normal(t: &OrderType) -> bool {
    *t == OrderType::Normal
}

/// `reserveNumber` and `reserveDeliveryCount` of a 定期購入 / 頒布会 / 予約 order.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reservation {
    /// 予約番号, `<shop id>-<YYYYMMDD>-<8 digits>-r`.
    pub number: String,
    /// お届け回数 (1 for the first delivery).
    pub delivery_count: u32,
}

/// A reservation number as RMS writes them (`502763-20171027-00003701-r`).
pub fn reserve_number(shop_id: &str, date: JstDate, serial: u64) -> String {
    format!("{shop_id}-{}-{:08}-r", date.compact(), serial % 100_000_000)
}

/// True for a `reserveNumber` a buyer side may give: `<digits>-<8 digits>-<digits>-r`, the
/// shape of every sample (order-api.md §3.1, §4), at most 40 characters.
pub fn is_reserve_number(s: &str) -> bool {
    let Some(body) = s.strip_suffix("-r") else {
        return false;
    };
    let parts: Vec<&str> = body.split('-').collect();
    s.len() <= 40
        && parts.len() == 3
        && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        && parts[1].len() == 8
}

/// `SocialGiftModel` (getOrder v10): a gift whose recipient enters the address.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SocialGift {
    /// `sgMngNumber`, `<order number>-sg`.
    pub number: String,
    /// `inputDueDate`: the last day the recipient may enter the address.
    pub input_due_date: JstDate,
    /// `inputCompDatetime`: when the recipient entered it (`inputFlag` 1); None while waiting.
    pub input_at: Option<JstDateTime>,
    /// `receiverEmailAddress`: the recipient's masked address once entered, None before
    /// (inferred: the sender hands the gift over by URL, RMS learns the address with the input).
    pub receiver_email: Option<String>,
}

impl SocialGift {
    /// `inputFlag` 1: the recipient has entered the address.
    pub fn entered(&self) -> bool {
        self.input_at.is_some()
    }
}

/// The texts of a recipient who has not entered an address yet (order-api.md §4 SenderModel).
pub const AWAITING_TEXT: &str = "入力待ち";
/// Its kana.
pub const AWAITING_KANA: &str = "ニュウリョクマチ";

/// The `SenderModel` of a social gift waiting for the recipient's address: zip `999`-`9999`,
/// every text 入力待ち, kana ニュウリョクマチ, phone `999`-`9999`-`9999` (order-api.md §4).
/// That both name fields and every address part carry the text is inferred.
pub fn awaiting_recipient(texts: &mut Texts, people: &mut People) -> Buyer {
    let t = texts.text(AWAITING_TEXT);
    let kana = texts.text(AWAITING_KANA);
    let empty = texts.text("");
    Buyer {
        name: people.name(PersonName {
            family_name: t.clone(),
            first_name: t.clone(),
            family_name_kana: kana.clone(),
            first_name_kana: kana,
            romaji: empty.clone(),
            sex: empty.clone(),
        }),
        place: people.place(Place {
            zip_code1: texts.text("999"),
            zip_code2: texts.text("9999"),
            prefecture: t.clone(),
            city: t.clone(),
        }),
        sub_address: t,
        phone: [texts.text("999"), texts.text("9999"), texts.text("9999")],
        email: empty,
        birth: (0, 0, 0),
        carrier_code: 0,
        email_carrier_code: 0,
    }
}

/// `cautionDisplayType`: 0 none, 1 要注意, 2 キャンセル確定 (order-api.md §4).
pub const CAUTION_DISPLAY_TYPES: [u8; 3] = [0, 1, 2];
/// `cautionDisplayDetailType` (v6): 101 前払い未払い, 102 受取拒否, 103 長期不在, 104 開梱後返品,
/// 105 高サービス要望.
pub const CAUTION_DETAIL_TYPES: [i64; 5] = [101, 102, 103, 104, 105];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_types_read_and_write_their_rms_codes() {
        for (t, c) in OrderType::ALL.into_iter().zip([1, 4, 5, 6]) {
            assert_eq!(t.code(), c);
            assert_eq!(OrderType::from_code(i64::from(c)), Some(t));
        }
        assert_eq!(OrderType::from_code(2), None);
        assert!(!OrderType::Normal.is_reserved() && OrderType::Reservation.is_reserved());
    }

    #[test]
    fn reserve_numbers_have_the_sample_shape() {
        let d = JstDateTime::parse_rms("2017-10-27T09:00:00+0900").unwrap().date();
        let n = reserve_number("502763", d, 3701);
        assert_eq!(n, "502763-20171027-00003701-r");
        assert!(is_reserve_number(&n));
        assert!(is_reserve_number("290333-20170915-215337-r"));
        assert!(!is_reserve_number("502763-20171027-00003701"));
        assert!(!is_reserve_number("502763-2017102-00003701-r"));
        assert!(!is_reserve_number("a-20171027-1-r"));
    }
}
