//! Keys as RMS has them, on the control plane: `POST /__admin/shops/{shop_id}/license/renew`
//! (a renewed key that works after a delay, the old one still valid) and `POST …/approve` (the
//! shop approves the vendor app's pending API scopes).

use super::{json_body, ok, shop, AdminBody, AdminError, AdminPath, AdminResult};
use crate::control::{ApproveRequest, LicenseKeys, LicenseRenew, RenewedKeyView};
use crate::domain::shop::{Shop, DEFAULT_KEY_ACTIVATION_MINUTES, MAX_KEY_ACTIVATION_MINUTES};
use crate::settings::{Api, ShopSettings};
use crate::AppState;
use axum::extract::State;

/// The shop's keys as the control plane answers them.
pub(super) fn license_keys(s: &Shop) -> LicenseKeys {
    let p = s.profile();
    LicenseKeys {
        license_key: p.license_key.clone(),
        expires_at: p.license_expires_at().to_rms(),
        renewed: p.renewed_key.as_ref().map(|r| RenewedKeyView {
            license_key: r.license_key.clone(),
            issued_at: r.issued_at.to_rms(),
            active_from: r.active_from.to_rms(),
            expires_at: r.expires_at().to_rms(),
        }),
        now: s.now().to_rms(),
    }
}

/// A new key issued in RMS: `{"license_key", "active_after_minutes"?}` (default 15).
pub(super) async fn renew(
    State(app): State<AppState>,
    AdminPath(shop_id): AdminPath<String>,
    AdminBody(body): AdminBody,
) -> AdminResult {
    let handle = shop(&app, &shop_id)?;
    let req: LicenseRenew = json_body(&body)?;
    if req.license_key.is_empty() || req.license_key.contains(char::is_whitespace) || req.license_key.contains(':') {
        return Err(AdminError::bad_request("request body: license_key: must be non-empty without spaces or ':'"));
    }
    let minutes = req.active_after_minutes.unwrap_or(DEFAULT_KEY_ACTIVATION_MINUTES);
    if minutes > MAX_KEY_ACTIVATION_MINUTES {
        return Err(AdminError::bad_request(format!(
            "request body: active_after_minutes: {minutes} is more than {MAX_KEY_ACTIVATION_MINUTES} (a day)"
        )));
    }
    ok(handle.with(|s| {
        s.renew_license_later(req.license_key, minutes);
        license_keys(s)
    }))
}

/// The shop approves the vendor app: `{"apis"?: ["item", …]}`; answers the settings.
pub(super) async fn approve(
    State(app): State<AppState>,
    AdminPath(shop_id): AdminPath<String>,
    AdminBody(body): AdminBody,
) -> AdminResult {
    let handle = shop(&app, &shop_id)?;
    let req: ApproveRequest = json_body(&body)?;
    let apis = match &req.apis {
        None => None,
        Some(names) => {
            let mut apis = Vec::with_capacity(names.len());
            for (i, n) in names.iter().enumerate() {
                let api: Api = serde_json::from_value(serde_json::Value::String(n.clone())).map_err(|_| {
                    AdminError::bad_request(format!(
                        "request body: apis[{i}]: '{n}' is not an API (order, item, inventory)"
                    ))
                })?;
                apis.push(api);
            }
            Some(apis)
        }
    };
    ok(handle.with(|s| -> ShopSettings {
        s.approve_apis(apis.as_deref());
        s.settings().clone()
    }))
}
