//! A Unix time as an RMS datetime in JST, written here rather than taken from the fake, so the
//! tests and the bench check the fake against an independent conversion. Shared by the
//! black-box tests, the benches (`search_orders`, `http_load`) and `examples/order_memory.rs`,
//! which include this file by path.

/// `2026-11-28T09:00:00+0900` for a Unix time.
pub fn jst(unix: i64) -> String {
    let secs = unix + 9 * 3600;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}+0900", rem / 3600, rem / 60 % 60, rem % 60)
}
