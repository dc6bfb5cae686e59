//! JAN / EAN codes (`articleNumber.value`, RMS's カタログID): the check digit RMS verifies
//! before it accepts one (IE0228 on the wire, item-api.md §0).
//!
//! A live run saw `4955028001999` refused and `4955028001996` accepted, and a client saw a
//! maker's model number (`ABC-100`) refused the same way, so any text that is not a JAN with
//! its check digit is refused. Which lengths RMS takes is not known: the fake takes the two
//! JAN lengths, 13 (EAN-13, also ISBN-13) and 8 (JAN-8/EAN-8), and refuses the rest, 12-digit
//! UPC-A included (inferred).

/// True when `value` is a JAN: 8 or 13 ASCII digits whose last one is the check digit —
/// the others weighted 3 and 1 alternately from the right, the sum's distance up to the next
/// multiple of 10.
pub fn valid_jan(value: &str) -> bool {
    let Some(digits) = value.chars().map(|c| c.to_digit(10)).collect::<Option<Vec<u32>>>() else {
        return false;
    };
    let Some((check, body)) = digits.split_last() else {
        return false;
    };
    if !matches!(digits.len(), 8 | 13) {
        return false;
    }
    let sum: u32 = body.iter().rev().enumerate().map(|(i, d)| if i % 2 == 0 { d * 3 } else { *d }).sum();
    (10 - sum % 10) % 10 == *check
}

#[cfg(test)]
mod tests {
    use super::valid_jan;

    #[test]
    fn thirteen_digit_jans_need_their_check_digit() {
        // The live record: ...1999 refused, ...1996 and three more accepted.
        assert!(!valid_jan("4955028001999"));
        for ok in ["4955028001996", "4955028005994", "4955028004997", "4955028003990", "4901234567894"] {
            assert!(valid_jan(ok), "{ok}");
        }
        assert!(valid_jan("9784003101018"), "an ISBN-13 is an EAN-13");
        assert!(!valid_jan("9784003101017"));
    }

    #[test]
    fn eight_digit_jans_use_the_same_weights() {
        assert!(valid_jan("49123456"));
        assert!(valid_jan("96385074"));
        assert!(!valid_jan("49123457"));
    }

    #[test]
    fn a_check_digit_of_zero_is_ten_minus_a_multiple_of_ten() {
        // 4955028003990: the weighted sum is 110, so the digit is 0, not 10.
        assert!(valid_jan("4955028003990"));
        assert!(!valid_jan("4955028003991"));
    }

    #[test]
    fn other_lengths_and_anything_but_ascii_digits_are_refused() {
        for bad in
            ["", "4", "036000291452", "04955028001996", "ABC-100", "495502800199X", "４９１２３４５６", " 49123456"]
        {
            assert!(!valid_jan(bad), "{bad:?}");
        }
    }
}
