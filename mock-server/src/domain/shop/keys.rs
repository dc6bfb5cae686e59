//! Keys as RMS has them (field-failures.md rows 3, 5): a renewed licence key that works only
//! after a delay (real: 10–30 minutes) while the old key keeps working until its own expiry,
//! and keys the shop holds for other apps (the WEB APIサービス key, one per vendor app), which
//! the gateway refuses like a wrong key. The vendor app's approval per API is a setting
//! ([`crate::settings::Approval`]).
//!
//! The gateway asks [`Shop::check_extra_key`] only when the key is not the shop's own and the
//! shop has such keys ([`ShopProfile::has_extra_keys`]), so a shop without them pays nothing.

use super::*;

/// Minutes of the shop's clock until a renewed key works when the renewal names none.
pub const DEFAULT_KEY_ACTIVATION_MINUTES: u32 = 15;
/// The longest activation delay a renewal may ask for (a day).
pub const MAX_KEY_ACTIVATION_MINUTES: u32 = 1440;

/// A renewed licence key: issued at `issued_at`, working from `active_from` for 90 days after
/// its issue.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RenewedKey {
    /// The key.
    pub license_key: String,
    /// When it was issued (its 90 days count from here).
    pub issued_at: JstDateTime,
    /// From when the gateway takes it.
    pub active_from: JstDateTime,
}

impl RenewedKey {
    /// When it stops working (90 days after its issue).
    pub fn expires_at(&self) -> JstDateTime {
        self.issued_at.plus_days(LICENSE_VALID_DAYS)
    }
}

/// A key pair the shop holds for another app (another vendor's app, or the shop's own WEB
/// APIサービス key when the tool is a vendor app): valid at RMS, but not for this tool.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OtherAppKey {
    /// The app the key was issued for (as the shop names it).
    pub app: String,
    /// Its licence key.
    pub license_key: String,
    /// Its service secret, when the shop document gives it: a request with it is refused
    /// like a wrong key, in this shop's journal, naming the app.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_secret: Option<String>,
}

/// What the gateway makes of a licence key that is not the shop's current one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExtraKey {
    /// The renewed key, active and not expired: the request goes on.
    Valid,
    /// The renewed key before its activation: refused like a wrong key.
    NotYetActive {
        /// From when it works.
        active_from: JstDateTime,
    },
    /// The renewed key past its 90 days.
    Expired,
    /// A key the shop holds for another app.
    OtherApp {
        /// The app's name.
        app: String,
    },
    /// No key of the shop.
    Unknown,
}

impl ShopProfile {
    /// Whether the shop has keys besides its current one (a renewed key, other apps' keys):
    /// only then does the gateway look further than the current key.
    pub fn has_extra_keys(&self) -> bool {
        self.renewed_key.is_some() || !self.other_keys.is_empty()
    }
}

impl Shop {
    /// A new licence key issued in RMS that works `active_after_minutes` from now; the current
    /// key keeps working until its own expiry. A renewed key that already works becomes the
    /// current one first (the shop renews again months later); one that does not work yet is
    /// replaced.
    pub fn renew_license_later(&mut self, key: String, active_after_minutes: u32) {
        let now = self.now;
        if let Some(r) = self.profile.renewed_key.take() {
            if r.active_from <= now {
                self.renew_license(r.license_key, r.issued_at);
            }
        }
        let active_from = now.plus_minutes(i64::from(active_after_minutes));
        self.profile.renewed_key = Some(RenewedKey { license_key: key, issued_at: now, active_from });
    }

    /// The gateway's verdict on `key`, which is not the shop's current licence key (compared in
    /// constant time, as the current one is).
    pub fn check_extra_key(&self, key: &str, eq: impl Fn(&[u8], &[u8]) -> bool) -> ExtraKey {
        let now = self.now;
        if let Some(r) = &self.profile.renewed_key {
            if eq(key.as_bytes(), r.license_key.as_bytes()) {
                return if now < r.active_from {
                    ExtraKey::NotYetActive { active_from: r.active_from }
                } else if now >= r.expires_at() {
                    ExtraKey::Expired
                } else {
                    ExtraKey::Valid
                };
            }
        }
        for other in &self.profile.other_keys {
            if eq(key.as_bytes(), other.license_key.as_bytes()) {
                return ExtraKey::OtherApp { app: other.app.clone() };
            }
        }
        ExtraKey::Unknown
    }
}

impl Shop {
    /// The shop approves the vendor app's pending scopes (アプリ承認): each of `apis` (None:
    /// every one) becomes approved.
    pub fn approve_apis(&mut self, apis: Option<&[crate::settings::Api]>) {
        match apis {
            None => self.settings.app_approval.clear(),
            Some(apis) => {
                for api in apis {
                    self.settings.app_approval.remove(api);
                }
            }
        }
    }
}
