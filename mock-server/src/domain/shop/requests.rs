//! What each request leaves on a shop: rate-limit tokens, the journal, `RequestId`s, and
//! settings changes that take effect for the next request.

use super::*;
use crate::domain::function::FunctionId;
use crate::journal::{Entry as JournalEntry, RequestId};
use crate::settings::ShopSettings;
use std::time::Instant;

impl Shop {
    // ----- requests: journal, rate limits -----

    /// Takes a rate-limit token for `function` when limits are on.
    pub fn take_rate_token(&mut self, function: FunctionId, now: Instant) -> bool {
        if !self.settings.rate_limit.enabled {
            return true;
        }
        let rate = self.settings.rate_for(function);
        match self.settings.rate_limit.clock {
            crate::settings::LimitClock::Wall => self.limiter.try_take(function, rate, now),
            crate::settings::LimitClock::Virtual => self.limiter.try_take_at(function, rate, self.now.seconds() as f64),
        }
    }

    /// Records an answered request in the journal, stamped with the shop's virtual now; the
    /// journal keeps `journal_limit` entries.
    pub fn record_request(&mut self, mut entry: JournalEntry) {
        entry.at = self.now;
        self.journal.record(self.settings.journal_limit, entry);
    }

    /// The journal of RMS requests.
    pub fn journal(&self) -> &Journal {
        &self.journal
    }

    /// Empties the journal.
    pub fn clear_journal(&mut self) {
        self.journal.clear();
    }

    /// A fresh id for a response's `RequestId` header.
    pub fn next_request_id(&mut self) -> RequestId {
        self.request_seq += 1;
        let prefix = match self.request_id_prefix {
            Some((seed, prefix)) if seed == self.seed => prefix,
            _ => {
                let prefix = crate::domain::rng::pair_prefix(self.seed);
                self.request_id_prefix = Some((self.seed, prefix));
                prefix
            }
        };
        let hash = crate::domain::rng::pair_from_prefix(prefix, self.request_seq);
        RequestId::new(hash, self.request_seq)
    }

    /// Replaces the settings (already validated). Takes effect for the next request.
    pub fn set_settings(&mut self, settings: ShopSettings) {
        if !settings.rate_limit.enabled || settings.rate_limit != self.settings.rate_limit {
            self.limiter.clear();
        }
        self.settings = settings;
    }
}
