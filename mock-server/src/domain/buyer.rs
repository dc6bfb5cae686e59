//! Deterministic, realistic buyers: Japanese names with kana, real prefecture/city/postal-code
//! triples, mobile numbers, and the masked e-mail form RMS hands to shops
//! (`<32 hex>s1@pc.fw.rakuten.ne.jp`, order-api.md §7.5). No real person's data.

use super::rng::Rng;
use super::text::{FastHash, Interner, Text, Texts};
use std::collections::HashMap;
use std::sync::Arc;

/// A person with an address, as RMS shows the orderer and the recipient (`OrdererModel`,
/// `SenderModel`). Orders hold it behind an `Arc`: an order's orderer and its recipient are
/// the same person until one of them is changed. The name and the place are shared by every
/// buyer of that name or place in the shop (see [`People`]), the strings are shared [`Text`]s.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Buyer {
    /// Name, kana, romaji, sex.
    pub name: Arc<PersonName>,
    /// Postal code, prefecture, city.
    pub place: Arc<Place>,
    /// The rest of the address (town, block, building).
    pub sub_address: Text,
    /// The phone number in its three parts.
    pub phone: [Text; 3],
    /// The (masked) e-mail address; empty for a recipient.
    pub email: Text,
    /// (year, month, day)
    pub birth: (u32, u32, u32),
    /// RMS `carrierCode`: the device the order was placed from.
    pub carrier_code: u32,
    /// RMS `emailCarrierCode`.
    pub email_carrier_code: u32,
}

/// A buyer's name and what comes with it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonName {
    pub family_name: Text,
    pub first_name: Text,
    pub family_name_kana: Text,
    pub first_name_kana: Text,
    /// Latin-letter name as embossed on a card (`cardOwner`); empty for a recipient.
    pub romaji: Text,
    /// `男` / `女`; empty for a recipient.
    pub sex: Text,
}

/// Where a buyer lives, down to the city.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Place {
    pub zip_code1: Text,
    pub zip_code2: Text,
    pub prefecture: Text,
    pub city: Text,
}

impl Buyer {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.name.family_name, self.name.first_name)
    }

    pub fn full_name_kana(&self) -> String {
        format!("{} {}", self.name.family_name_kana, self.name.first_name_kana)
    }

    pub fn phone_number(&self) -> String {
        self.phone.concat()
    }
}

/// The names and places of a shop's buyers, one copy of each: generated buyers draw from a
/// few hundred names and a few dozen places, so a million orders share them.
#[derive(Debug, Default)]
pub struct People {
    names: Interner<PersonName>,
    places: Interner<Place>,
    /// The generated names by their draw (family, first, male), and places by theirs, so
    /// drawing a buyer builds no name or place it already has.
    generated_names: HashMap<(usize, usize, bool), Arc<PersonName>, FastHash>,
    generated_places: HashMap<usize, Arc<Place>, FastHash>,
}

impl People {
    /// The shared copy of a name.
    pub fn name(&mut self, name: PersonName) -> Arc<PersonName> {
        self.names.intern(name)
    }

    /// The shared copy of a place.
    pub fn place(&mut self, place: Place) -> Arc<Place> {
        self.places.intern(place)
    }
}

const FAMILY: &[(&str, &str, &str)] = &[
    ("佐藤", "サトウ", "SATO"),
    ("鈴木", "スズキ", "SUZUKI"),
    ("高橋", "タカハシ", "TAKAHASHI"),
    ("田中", "タナカ", "TANAKA"),
    ("伊藤", "イトウ", "ITO"),
    ("渡辺", "ワタナベ", "WATANABE"),
    ("山本", "ヤマモト", "YAMAMOTO"),
    ("中村", "ナカムラ", "NAKAMURA"),
    ("小林", "コバヤシ", "KOBAYASHI"),
    ("加藤", "カトウ", "KATO"),
    ("吉田", "ヨシダ", "YOSHIDA"),
    ("山田", "ヤマダ", "YAMADA"),
    ("佐々木", "ササキ", "SASAKI"),
    ("山口", "ヤマグチ", "YAMAGUCHI"),
    ("松本", "マツモト", "MATSUMOTO"),
    ("井上", "イノウエ", "INOUE"),
    ("木村", "キムラ", "KIMURA"),
    ("林", "ハヤシ", "HAYASHI"),
    ("清水", "シミズ", "SHIMIZU"),
    ("森", "モリ", "MORI"),
];

const MALE: &[(&str, &str, &str)] = &[
    ("太郎", "タロウ", "TARO"),
    ("翔太", "ショウタ", "SHOTA"),
    ("大輔", "ダイスケ", "DAISUKE"),
    ("健太", "ケンタ", "KENTA"),
    ("拓也", "タクヤ", "TAKUYA"),
    ("直樹", "ナオキ", "NAOKI"),
    ("蓮", "レン", "REN"),
    ("悠真", "ユウマ", "YUMA"),
    ("誠", "マコト", "MAKOTO"),
    ("浩二", "コウジ", "KOJI"),
];

const FEMALE: &[(&str, &str, &str)] = &[
    ("花子", "ハナコ", "HANAKO"),
    ("美咲", "ミサキ", "MISAKI"),
    ("陽菜", "ヒナ", "HINA"),
    ("結衣", "ユイ", "YUI"),
    ("さくら", "サクラ", "SAKURA"),
    ("由美", "ユミ", "YUMI"),
    ("恵子", "ケイコ", "KEIKO"),
    ("愛", "アイ", "AI"),
    ("真由美", "マユミ", "MAYUMI"),
    ("葵", "アオイ", "AOI"),
];

/// (postal code, prefecture, city, town): real combinations.
const PLACES: &[(&str, &str, &str, &str)] = &[
    ("1580094", "東京都", "世田谷区", "玉川"),
    ("1600023", "東京都", "新宿区", "西新宿"),
    ("1130033", "東京都", "文京区", "本郷"),
    ("0600001", "北海道", "札幌市中央区", "北一条西"),
    ("9800811", "宮城県", "仙台市青葉区", "一番町"),
    ("3300854", "埼玉県", "さいたま市大宮区", "桜木町"),
    ("2600015", "千葉県", "千葉市中央区", "富士見"),
    ("2200012", "神奈川県", "横浜市西区", "みなとみらい"),
    ("4600008", "愛知県", "名古屋市中区", "栄"),
    ("6008216", "京都府", "京都市下京区", "東塩小路町"),
    ("5300001", "大阪府", "大阪市北区", "梅田"),
    ("6500021", "兵庫県", "神戸市中央区", "三宮町"),
    ("7300011", "広島県", "広島市中区", "基町"),
    ("8100001", "福岡県", "福岡市中央区", "天神"),
    ("9000015", "沖縄県", "那覇市", "久茂地"),
    ("3700841", "群馬県", "高崎市", "栄町"),
];

/// RMS `carrierCode` values weighted roughly like today's traffic: mostly smartphones.
const DEVICES: &[(u32, u32)] = &[(11, 0), (11, 0), (12, 0), (12, 0), (0, 0), (0, 0), (21, 0), (19, 0)];

/// The 47 prefectures (and 国外) a Japanese address may name.
pub const PREFECTURES: [&str; 48] = [
    "北海道",
    "青森県",
    "岩手県",
    "宮城県",
    "秋田県",
    "山形県",
    "福島県",
    "茨城県",
    "栃木県",
    "群馬県",
    "埼玉県",
    "千葉県",
    "東京都",
    "神奈川県",
    "新潟県",
    "富山県",
    "石川県",
    "福井県",
    "山梨県",
    "長野県",
    "岐阜県",
    "静岡県",
    "愛知県",
    "三重県",
    "滋賀県",
    "京都府",
    "大阪府",
    "兵庫県",
    "奈良県",
    "和歌山県",
    "鳥取県",
    "島根県",
    "岡山県",
    "広島県",
    "山口県",
    "徳島県",
    "香川県",
    "愛媛県",
    "高知県",
    "福岡県",
    "佐賀県",
    "長崎県",
    "熊本県",
    "大分県",
    "宮崎県",
    "鹿児島県",
    "沖縄県",
    "国外",
];

/// True for one of the 47 prefectures or 国外.
pub fn is_prefecture(name: &str) -> bool {
    PREFECTURES.contains(&name)
}

/// A postal code as RMS splits it: both parts digits only (an empty part passes; a missing
/// one is the request's problem).
pub fn is_zip_code(first: &str, second: &str) -> bool {
    first.chars().all(|c| c.is_ascii_digit()) && second.chars().all(|c| c.is_ascii_digit())
}

/// A phone number in its three parts: digits only, at most 32 together.
pub fn is_phone_number(parts: &[&str]) -> bool {
    let all: String = parts.concat();
    all.len() <= 32 && all.chars().all(|c| c.is_ascii_digit())
}

/// Draws one buyer from the stream; its name, place and strings are the shop's shared ones
/// (`people`, `texts`), all but the e-mail address, which is the buyer's own.
pub fn generate(rng: &mut Rng, texts: &mut Texts, people: &mut People) -> Buyer {
    // `pick`s by index (the same draws), so the name and the place are found by their draw.
    let family = rng.below(FAMILY.len() as u64) as usize;
    let male = rng.chance(50);
    let firsts = if male { MALE } else { FEMALE };
    let first = rng.below(firsts.len() as u64) as usize;
    let at = rng.below(PLACES.len() as u64) as usize;
    let town = PLACES[at].3;
    let sub_address = format!("{}-{}-{}", rng.range(1, 5), rng.range(1, 20), rng.range(1, 30));
    let sub_address = format!("{town}{sub_address}");
    let mobile = *rng.pick(&["090", "080", "070"]);
    let phone = [
        texts.text(mobile),
        texts.text(&format!("{:04}", rng.below(10_000))),
        texts.text(&format!("{:04}", rng.below(10_000))),
    ];
    let email = format!("{:016x}{:016x}s1@pc.fw.rakuten.ne.jp", rng.next_u64(), rng.next_u64());
    let (carrier_code, email_carrier_code) = *rng.pick(DEVICES);
    let name = match people.generated_names.get(&(family, first, male)) {
        Some(name) => name.clone(),
        None => {
            let ((family_name, family_kana, family_romaji), (first_name, first_kana, first_romaji)) =
                (FAMILY[family], firsts[first]);
            let name = people.name(PersonName {
                family_name: texts.text(family_name),
                first_name: texts.text(first_name),
                family_name_kana: texts.text(family_kana),
                first_name_kana: texts.text(first_kana),
                romaji: texts.text(&format!("{first_romaji} {family_romaji}")),
                sex: texts.text(if male { "男" } else { "女" }),
            });
            people.generated_names.insert((family, first, male), name.clone());
            name
        }
    };
    let place = match people.generated_places.get(&at) {
        Some(place) => place.clone(),
        None => {
            let (zip, pref, city, _) = PLACES[at];
            let place = people.place(Place {
                zip_code1: texts.text(&zip[..3]),
                zip_code2: texts.text(&zip[3..]),
                prefecture: texts.text(pref),
                city: texts.text(city),
            });
            people.generated_places.insert(at, place.clone());
            place
        }
    };
    Buyer {
        name,
        place,
        sub_address: texts.text(&sub_address),
        phone,
        email: email.into(),
        birth: (rng.range(1955, 2005) as u32, rng.range(1, 12) as u32, rng.range(1, 28) as u32),
        carrier_code,
        email_carrier_code,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buyers_are_reproducible_and_well_formed() {
        let a = generate(&mut Rng::new(42), &mut Texts::default(), &mut People::default());
        let b = generate(&mut Rng::new(42), &mut Texts::default(), &mut People::default());
        assert_eq!(a, b);
        let (mut rng, mut texts, mut people) = (Rng::new(3), Texts::default(), People::default());
        for _ in 0..200 {
            let x = generate(&mut rng, &mut texts, &mut people);
            assert_eq!(x.place.zip_code1.len(), 3);
            assert_eq!(x.place.zip_code2.len(), 4);
            assert!(x.email.ends_with("s1@pc.fw.rakuten.ne.jp"));
            assert_eq!(x.email.len(), 32 + "s1@pc.fw.rakuten.ne.jp".len());
            assert!(x.name.family_name_kana.chars().all(|c| ('ァ'..='ヶ').contains(&c) || c == 'ー'));
            assert_eq!(x.phone_number().len(), 11);
        }
    }

    #[test]
    fn addresses_follow_rms_rules() {
        assert!(is_prefecture("東京都") && is_prefecture("国外") && !is_prefecture("東京"));
        assert!(is_zip_code("158", "0094") && !is_zip_code("158", "00-4"));
        assert!(is_phone_number(&["090", "1111", "2222"]) && !is_phone_number(&["090", "1111", "222a"]));
        assert!(!is_phone_number(&[&"1".repeat(20), &"2".repeat(13), ""]));
    }
}
