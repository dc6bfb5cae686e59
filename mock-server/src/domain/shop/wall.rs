//! A shop's clock in wall mode: its now follows real time at a speed, so an integration that
//! runs on its own sees orders move without anyone advancing the clock.
//!
//! The domain never reads the host's clock. The edge tells a shop where its wall clock stands
//! (`follow_wall`, a reading: wall time since an origin of the edge's choosing), and the shop
//! turns the wall time passed since the last reading into virtual time and fires what came
//! due on the way, exactly as `advance_to` does. Tests therefore control wall time by the
//! readings they pass. A manual clock ignores readings altogether, so manual shops (tests,
//! conformance) stay deterministic.

use super::*;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// How a shop's clock moves.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClockMode {
    /// Only when told (`clock/advance`): tests and conformance.
    #[default]
    Manual,
    /// Follows real time from its start, at the shop's speed; `clock/advance` still jumps ahead.
    Wall,
}

impl ClockMode {
    /// `manual` or `wall`, as documents and the control plane write it.
    pub fn as_str(self) -> &'static str {
        match self {
            ClockMode::Manual => "manual",
            ClockMode::Wall => "wall",
        }
    }
}

/// The fastest a wall clock may run: about 11.6 virtual days per real second.
pub const MAX_CLOCK_SPEED: f64 = 1_000_000.0;

/// Whether `speed` is a clock speed a shop accepts: a number above 0, at most [`MAX_CLOCK_SPEED`].
pub fn valid_clock_speed(speed: f64) -> bool {
    speed.is_finite() && speed > 0.0 && speed <= MAX_CLOCK_SPEED
}

const NANOS_PER_SECOND: u128 = 1_000_000_000;

/// Where a shop's clock stands against the wall clock.
#[derive(Debug)]
pub(super) struct WallFollow {
    mode: ClockMode,
    /// Virtual seconds per wall second.
    speed: f64,
    /// The last reading followed; None until the first one (a wall clock starts there).
    synced: Option<Duration>,
    /// Virtual time owed and not yet on the clock, in nanoseconds: the fraction of a second
    /// below the clock's resolution, and whatever a bounded follow left for the next one.
    owed_nanos: u128,
}

impl Default for WallFollow {
    fn default() -> Self {
        WallFollow { mode: ClockMode::Manual, speed: 1.0, synced: None, owed_nanos: 0 }
    }
}

impl WallFollow {
    /// (mode, speed, owed nanoseconds) for a state document; the last reading is the
    /// process's own and is not kept.
    pub(super) fn state(&self) -> (ClockMode, f64, u64) {
        (self.mode, self.speed, u64::try_from(self.owed_nanos).unwrap_or(u64::MAX))
    }

    /// A clock of a state document: it starts from its now at the first reading it follows.
    pub(super) fn restored(mode: ClockMode, speed: f64, owed_nanos: u64) -> Self {
        let speed = if valid_clock_speed(speed) { speed } else { 1.0 };
        WallFollow { mode, speed, synced: None, owed_nanos: u128::from(owed_nanos) }
    }
}

impl Shop {
    /// How the shop's clock moves.
    pub fn clock_mode(&self) -> ClockMode {
        self.wall.mode
    }

    /// Virtual seconds per wall second in wall mode (kept, and unused, in manual mode).
    pub fn clock_speed(&self) -> f64 {
        self.wall.speed
    }

    /// Sets how the clock moves, for a shop not yet served: a wall clock starts at the first
    /// reading it follows. `speed` must satisfy [`valid_clock_speed`] (else it stays 1).
    pub fn init_clock(&mut self, mode: ClockMode, speed: f64) {
        let speed = if valid_clock_speed(speed) { speed } else { 1.0 };
        self.wall = WallFollow { mode, speed, synced: None, owed_nanos: 0 };
    }

    /// Switches the clock at the wall reading `wall`: a wall clock first catches up to it, then
    /// the new mode and speed apply from there on. `speed` must satisfy [`valid_clock_speed`]
    /// (an invalid one leaves the speed as it was).
    pub fn set_clock(&mut self, mode: ClockMode, speed: f64, wall: Duration) -> Vec<Transition> {
        let fired = self.follow_wall(wall, usize::MAX);
        self.wall.mode = mode;
        if valid_clock_speed(speed) {
            self.wall.speed = speed;
        }
        self.wall.synced = (mode == ClockMode::Wall).then_some(wall);
        if mode == ClockMode::Manual {
            self.wall.owed_nanos = 0;
        }
        fired
    }

    /// Follows the wall clock to the reading `wall`: the wall time passed since the last
    /// reading, times the speed, passes on the shop's clock, and the events due on the way
    /// fire in time order with the same causes as under `advance_to`, at most `max_events` of
    /// them (the rest, and the time after them, on the next call). The first reading only
    /// starts the clock; a reading before the last one counts as no time passed. Does nothing
    /// in manual mode. Returns what fired.
    pub fn follow_wall(&mut self, wall: Duration, max_events: usize) -> Vec<Transition> {
        self.follow_wall_step(Some(wall), Budget::units(max_events)).0
    }

    /// [`Shop::follow_wall`] that also says whether the shop caught up with the reading
    /// (nothing due is left unfired). `None` reads no new time: the step only goes on with
    /// what an earlier reading left due, so a catch-up done in steps ends however long the
    /// steps take.
    pub fn follow_wall_step(&mut self, wall: Option<Duration>, budget: Budget) -> (Vec<Transition>, bool) {
        if self.wall.mode == ClockMode::Manual {
            return (Vec::new(), true);
        }
        let Some(wall) = wall.or(self.wall.synced) else {
            return (Vec::new(), true);
        };
        let Some(synced) = self.wall.synced.replace(wall) else {
            return (Vec::new(), true);
        };
        let elapsed = wall.saturating_sub(synced).as_nanos() as f64;
        // `as` saturates: even an absurd elapsed time cannot wrap the debt around.
        self.wall.owed_nanos = self.wall.owed_nanos.saturating_add((elapsed * self.wall.speed) as u128);
        let owed_seconds = i64::try_from(self.wall.owed_nanos / NANOS_PER_SECOND).unwrap_or(i64::MAX);
        let start = self.now;
        let (caught_up, fired) =
            self.recording(|s| s.run_until_at_most(start.plus_seconds(owed_seconds), budget).is_some());
        let moved = u128::try_from(self.now.seconds().saturating_sub(start.seconds())).unwrap_or(0);
        self.wall.owed_nanos = self.wall.owed_nanos.saturating_sub(moved.saturating_mul(NANOS_PER_SECOND));
        (fired, caught_up)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::order::OrderProgress;
    use crate::setup::{parse_toml, ShopDocument};

    const SECOND: Duration = Duration::from_secs(1);

    fn shop(settings: &str) -> Shop {
        let text = format!(
            "[shop]\nshop_id = \"123456\"\nservice_secret = \"s\"\nlicense_key = \"k\"\nclock_start = \"2026-11-28T09:00:00+0900\"\n[settings]\n{settings}\n[[items]]\nmanage_number = \"i\"\ntitle = \"t\"\n[[items.variants]]\nvariant_id = \"v\"\nprice = 1000\nquantity = 100\n"
        );
        let doc: ShopDocument = parse_toml(&text, "t").unwrap();
        doc.build("t").unwrap()
    }

    fn line() -> Vec<OrderLine> {
        vec![OrderLine { manage_number: "i".into(), variant_id: "v".into(), units: 1 }]
    }

    fn t(s: &str) -> JstDateTime {
        JstDateTime::parse_rms(s).unwrap()
    }

    fn seen(fired: &[Transition]) -> Vec<(String, Option<String>, &'static str)> {
        fired.iter().map(|f| (f.at.to_rms(), f.order_number.map(String::from), f.cause.as_str())).collect()
    }

    #[test]
    fn a_manual_clock_ignores_the_wall() {
        let mut s = shop("");
        s.follow_wall(Duration::ZERO, usize::MAX);
        s.follow_wall(1000 * SECOND, usize::MAX);
        assert_eq!(s.now(), t("2026-11-28T09:00:00+0900"));
    }

    #[test]
    fn a_wall_clock_runs_from_its_first_reading_at_its_speed() {
        let mut s = shop("");
        s.set_clock(ClockMode::Wall, 60.0, 5 * SECOND);
        s.follow_wall(6 * SECOND, usize::MAX);
        assert_eq!(s.now(), t("2026-11-28T09:01:00+0900"), "a virtual minute per real second");
        // Fractions of a second add up instead of being lost.
        for ms in [6_010, 6_020, 6_030] {
            s.follow_wall(Duration::from_millis(ms), usize::MAX);
        }
        assert_eq!(s.now(), t("2026-11-28T09:01:01+0900"));
        // A reading from before the last one lets no time pass.
        s.follow_wall(SECOND, usize::MAX);
        assert_eq!(s.now(), t("2026-11-28T09:01:01+0900"));
    }

    #[test]
    fn advance_jumps_a_wall_clock_ahead_and_it_runs_on_from_there() {
        let mut s = shop("");
        s.set_clock(ClockMode::Wall, 1.0, Duration::ZERO);
        s.advance_to(t("2026-11-30T09:00:00+0900"));
        s.follow_wall(10 * SECOND, usize::MAX);
        assert_eq!(s.now(), t("2026-11-30T09:00:10+0900"));
    }

    #[test]
    fn switching_back_to_manual_stops_the_clock_where_the_wall_left_it() {
        let mut s = shop("");
        s.set_clock(ClockMode::Wall, 2.0, Duration::ZERO);
        s.set_clock(ClockMode::Manual, 2.0, 30 * SECOND);
        assert_eq!(s.now(), t("2026-11-28T09:01:00+0900"));
        s.follow_wall(90 * SECOND, usize::MAX);
        assert_eq!(s.now(), t("2026-11-28T09:01:00+0900"));
        assert_eq!((s.clock_mode(), s.clock_speed()), (ClockMode::Manual, 2.0));
    }

    #[test]
    fn a_bounded_follow_fires_at_most_its_budget_and_leaves_the_rest_for_the_next() {
        let mut s = shop("auto_confirm = true\nauto_confirm_delay_minutes = 10");
        let orders: Vec<String> = (0..3).map(|_| s.place_order(&line(), 1, None).unwrap()).collect();
        s.set_clock(ClockMode::Wall, 60.0, Duration::ZERO);
        let first = s.follow_wall(3600 * SECOND, 2);
        assert_eq!(first.len(), 2);
        assert_eq!(s.now(), t("2026-11-28T09:10:00+0900"), "the clock waits at the last event fired");
        assert_eq!(s.order(&orders[2]).unwrap().progress, OrderProgress::WaitingForConfirmation);
        let rest = s.follow_wall(3600 * SECOND, 2);
        assert_eq!(seen(&rest)[0].2, "auto_confirm");
        assert_eq!(s.order(&orders[2]).unwrap().progress, OrderProgress::RakutenProcessing);
        // Nothing owed is lost: an hour of wall time at 60× is 60 virtual hours.
        while !s.follow_wall(3600 * SECOND, 2).is_empty() {}
        assert_eq!(s.now(), t("2026-11-30T21:00:00+0900"));
    }

    #[test]
    fn a_catch_up_in_steps_ends_where_one_reading_leads_and_says_when_it_is_there() {
        let mut s = shop("auto_confirm = true\nauto_confirm_delay_minutes = 10");
        let orders: Vec<String> = (0..5).map(|_| s.place_order(&line(), 1, None).unwrap()).collect();
        s.set_clock(ClockMode::Wall, 60.0, Duration::ZERO);
        let (first, caught_up) = s.follow_wall_step(Some(60 * SECOND), Budget::units(2));
        assert_eq!((first.len(), caught_up), (2, false));
        // Later steps read no new time: they fire what the reading made due, then stop. Ten
        // events are due (five confirmations at 09:10, five processings at 09:40), two a step.
        let mut steps = 1;
        loop {
            steps += 1;
            if s.follow_wall_step(None, Budget::units(2)).1 {
                break;
            }
        }
        assert_eq!(steps, 5);
        assert_eq!(s.now(), t("2026-11-28T10:00:00+0900"), "60 s of wall at 60× is one virtual hour");
        assert!(orders.iter().all(|n| s.order(n).unwrap().progress == OrderProgress::WaitingForShipment));
        assert_eq!(s.follow_wall_step(None, Budget::units(2)), (vec![], true));
        assert_eq!(
            shop("").follow_wall_step(None, Budget::units(2)),
            (vec![], true),
            "a manual clock is always caught up"
        );
    }

    /// Bug (issue 12): a wall clock at the top speed ran on without end (in about 2.5 days of
    /// real time it passes year 9999, and order numbers get five-digit years); it stops at the
    /// latest time, as every clock does.
    #[test]
    fn a_wall_clock_stops_at_the_latest_time() {
        let mut s = shop("");
        s.set_clock(ClockMode::Wall, MAX_CLOCK_SPEED, Duration::ZERO);
        for day in 1..=4 {
            s.follow_wall(Duration::from_secs(day * 86_400), usize::MAX);
        }
        assert_eq!(s.now(), latest());
        let n = s.place_order(&line(), 1, None).unwrap();
        assert!(n.starts_with("123456-99891231-"), "{n}");
        s.advance_to(t("9999-12-31T23:59:59+0900"));
        assert_eq!(s.now().to_rms(), "9989-12-31T23:59:59+0900");
    }

    /// The promise of wall mode: what fires, when and why, is what `advance_to` fires.
    #[test]
    fn a_wall_clock_fires_the_same_transitions_in_the_same_order_as_a_manual_one() {
        let script = |s: &mut Shop| {
            let card = s.place_order(&line(), 1, None).unwrap();
            s.place_order(&line(), 9, Some(t("2026-11-28T09:05:00+0900"))).unwrap(); // unpaid → deadline
            s.place_order(&line(), 2, Some(t("2026-11-28T09:07:00+0900"))).unwrap(); // never confirmed
            s.confirm_orders(&[card]);
        };
        let settings = "auto_confirm = true\nauto_confirm_delay_minutes = 45\nprocessing_delay_minutes = 30";
        let mut manual = shop(settings);
        script(&mut manual);
        let expected = manual.advance_to(t("2026-12-20T00:00:00+0900"));
        assert!(expected.len() >= 5, "{:?}", seen(&expected));

        let mut live = shop(settings);
        script(&mut live);
        live.set_clock(ClockMode::Wall, 86_400.0, Duration::ZERO); // a virtual day per second
        let mut fired = Vec::new();
        let mut wall = Duration::ZERO;
        while live.now() < t("2026-12-20T00:00:00+0900") {
            wall += Duration::from_millis(100);
            fired.extend(live.follow_wall(wall, 1));
        }
        let expected: Vec<_> = seen(&expected);
        let got: Vec<_> = seen(&fired).into_iter().filter(|f| f.0.as_str() <= "2026-12-20T00:00:00+0900").collect();
        assert_eq!(got, expected);
    }
}
