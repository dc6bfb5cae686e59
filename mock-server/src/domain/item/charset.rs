//! Machine-dependent characters (機種依存文字), which RMS refuses in an item's texts (IE0270 on
//! the wire: "Machine dependent characters cannot be registered.", seen on
//! `productDescription.pc`, item-api.md §0).
//!
//! RMS's own list is behind its login, so the set is inferred: the characters Japanese
//! shop tools have always flagged as 機種依存 — what Shift_JIS has only in the vendor
//! extensions (NEC's row 13, IBM's Roman numerals) and half-width katakana — widened to the
//! Unicode blocks they sit in, since a character outside Shift_JIS altogether displays no
//! better:
//!
//! | characters | examples |
//! |---|---|
//! | Enclosed Alphanumerics U+2460–24FF | ①…⑳ ⑴ ⒈ ⒜ Ⓐ ⓐ |
//! | Enclosed CJK Letters and Months U+3200–32FF | ㈱ ㈲ ㈹ ㊤ ㊥ ㉑…㊿ |
//! | CJK Compatibility U+3300–33FF | ㍉ ㌔ ㌢ ㍍ ㎝ ㎏ ㎡ ㏄ ㍻ ㏍ |
//! | Roman numerals U+2160–217F | Ⅰ…Ⅻ ⅰ…ⅻ |
//! | the rest of NEC row 13 | № ℡ ∑ ∟ ∮ ⊿ 〝 〟 |
//! | half-width katakana U+FF61–FF9F | ｱ ｶﾞ ｰ ｡ ｢ ｣ |
//!
//! Not flagged: the NEC duplicates of JIS X 0208 symbols (≒ ≡ ∫ √ ⊥ ∠ ∵ ∩ ∪ are ordinary
//! JIS characters), the NEC/IBM extension kanji (髙, 﨑: common in names, and no source says
//! RMS refuses them), and emoji.

/// True when `c` is a machine-dependent character RMS refuses in item texts.
pub fn is_machine_dependent(c: char) -> bool {
    matches!(c,
        '\u{2460}'..='\u{24FF}'
        | '\u{3200}'..='\u{32FF}'
        | '\u{3300}'..='\u{33FF}'
        | '\u{2160}'..='\u{217F}'
        | '\u{2116}' | '\u{2121}'
        | '\u{2211}' | '\u{221F}' | '\u{222E}' | '\u{22BF}'
        | '\u{301D}' | '\u{301F}'
        | '\u{FF61}'..='\u{FF9F}'
    )
}

/// True when `text` holds at least one machine-dependent character.
pub fn has_machine_dependent(text: &str) -> bool {
    text.chars().any(is_machine_dependent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_usual_machine_dependent_characters_are_flagged() {
        for c in "①⑳⑴⒜Ⓐ㈱㈲㈹㊤㉑㊿㍉㌔㎝㎏㎡㏄㍻㏍ⅠⅫⅰⅻ№℡∑∟∮⊿〝〟ｱｶﾞｰ｡｢｣ﾟ".chars()
        {
            assert!(is_machine_dependent(c), "{c} U+{:04X}", c as u32);
        }
    }

    #[test]
    fn ordinary_japanese_text_and_jis_symbols_pass() {
        let ok = "ベーシックTシャツ（綿100%）「M」・黒 ＡＢＣ１２３ 〜 ー ≒≡∫√⊥∠∵∩∪ ★☆○● ㇰ 〜 ¥ 髙 ＃";
        assert!(
            !has_machine_dependent(ok),
            "{:?}",
            ok.chars().filter(|c| is_machine_dependent(*c)).collect::<String>()
        );
        assert!(!has_machine_dependent("plain ASCII, <b>HTML</b> & 1-2-3"));
    }

    #[test]
    fn the_edges_of_each_range_are_exact() {
        for (inside, outside) in [
            ('\u{2460}', '\u{245F}'),
            ('\u{24FF}', '\u{2500}'),
            ('\u{3200}', '\u{31FF}'),
            ('\u{33FF}', '\u{3400}'),
            ('\u{2160}', '\u{215F}'),
            ('\u{217F}', '\u{2180}'),
            ('\u{FF61}', '\u{FF60}'),
            ('\u{FF9F}', '\u{FFA0}'),
        ] {
            assert!(is_machine_dependent(inside), "U+{:04X}", inside as u32);
            assert!(!is_machine_dependent(outside), "U+{:04X}", outside as u32);
        }
    }

    #[test]
    fn one_character_anywhere_is_enough() {
        assert!(has_machine_dependent("商品説明①"));
        assert!(has_machine_dependent("ｶﾌｪ"));
        assert!(!has_machine_dependent(""));
    }
}
