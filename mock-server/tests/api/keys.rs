//! Keys as RMS has them (README "Auth", keys): a renewed key that works after a delay while the
//! old one keeps working, the vendor app's approval per API scope, keys of other apps.

use crate::helpers::*;
use reqwest::Method;
use rms_mock::control::{ApproveRequest, LicenseRenew};
use rms_mock::esa_header;
use serde_json::{json, Value};

async fn search_as(app: &TestApp, auth: &str) -> (u16, Value) {
    let body =
        json!({"dateType": 1, "startDatetime": "2026-11-28T00:00:00+0900", "endDatetime": "2026-11-28T23:59:59+0900"});
    app.order_as(auth, "searchOrder", body).await
}

fn result_code(v: &Value) -> Option<&str> {
    v["Results"]["errorCode"].as_str()
}

async fn last_auth_problem(app: &TestApp) -> String {
    let j = app.journal().await;
    j["entries"].as_array().unwrap().last().unwrap()["auth_problem"].as_str().unwrap_or("").to_string()
}

#[tokio::test]
async fn a_renewed_key_answers_es01_01_until_its_delay_passes_while_the_old_key_keeps_working() {
    let app = spawn(shop()).await;
    let new_auth = esa_header(SECRET, "SL_renewed_key");
    let keys = app
        .shop()
        .renew_license_later(&LicenseRenew { license_key: "SL_renewed_key".into(), active_after_minutes: Some(20) })
        .await
        .unwrap();
    let renewed = keys.renewed.expect("the renewed key");
    assert_eq!(renewed.active_from, "2026-11-28T09:20:00+0900");
    assert_eq!(keys.license_key, LICENSE, "the old key is still the one in use");

    let (status, v) = search_as(&app, &new_auth).await;
    assert_eq!((status, result_code(&v)), (401, Some("ES01-01")), "like a wrong key: {v}");
    let note = last_auth_problem(&app).await;
    assert!(note.contains("works only from 2026-11-28T09:20:00+0900"), "{note}");
    let (status, _) = search_as(&app, &app.auth).await;
    assert_eq!(status, 200, "the old key works meanwhile");

    app.advance(19).await;
    assert_eq!(search_as(&app, &new_auth).await.0, 401, "one minute early");
    app.advance(1).await;
    assert_eq!(search_as(&app, &new_auth).await.0, 200, "active once the delay passed");
    assert_eq!(search_as(&app, &app.auth).await.0, 200, "the old key still works");
}

#[tokio::test]
async fn the_old_key_stops_at_its_own_expiry_and_the_renewed_one_lasts_90_days_from_its_issue() {
    // The old key was issued 80 days before the shop's now: 10 days left.
    let app = spawn(shop().license_issued("2026-09-09T09:00:00+0900")).await;
    app.shop()
        .renew_license_later(&LicenseRenew { license_key: "SL_next".into(), active_after_minutes: None })
        .await
        .unwrap();
    let new_auth = esa_header(SECRET, "SL_next");
    app.advance(15).await;
    assert_eq!(search_as(&app, &new_auth).await.0, 200, "default delay 15 minutes");
    app.advance(10 * 24 * 60).await;
    let (status, v) = search_as(&app, &app.auth).await;
    assert_eq!((status, result_code(&v)), (401, Some("ES01-01")), "the old key expired: {v}");
    assert!(last_auth_problem(&app).await.contains("expired"));
    assert_eq!(search_as(&app, &new_auth).await.0, 200, "the renewed key goes on");
    app.advance(80 * 24 * 60).await;
    let (status, _) = search_as(&app, &new_auth).await;
    assert_eq!(status, 401, "90 days after its issue the renewed key expires too");
    assert!(last_auth_problem(&app).await.contains("expired"));
}

#[tokio::test]
async fn a_renewal_is_refused_with_its_key_named() {
    let app = spawn(shop()).await;
    let path = app.shop_path("/license/renew");
    for (body, key) in [
        (json!({"license_key": "a b"}), "license_key"),
        (json!({"license_key": "k", "active_after_minutes": 1441}), "active_after_minutes"),
        (json!({"license_key": "k", "delay": 3}), "delay"),
    ] {
        let (status, v) = app.admin(Method::POST, &path, Some(body.clone())).await;
        assert_eq!(status, 400, "{body}");
        assert!(v["error"]["message"].as_str().unwrap().contains(key), "{body}: {v}");
    }
}

#[tokio::test]
async fn a_renewed_key_from_the_shop_document_works_after_its_delay() {
    let app = spawn(
        shop()
            .with_shop_line("renewed_license_key = \"SL_doc_renewed\"")
            .with_shop_line("renewed_key_active_after_minutes = 30"),
    )
    .await;
    let new_auth = esa_header(SECRET, "SL_doc_renewed");
    assert_eq!(search_as(&app, &new_auth).await.0, 401);
    app.advance(30).await;
    assert_eq!(search_as(&app, &new_auth).await.0, 200);
    // And the state document keeps it.
    let (_, state) = app.get("/__admin/state").await;
    let profile = &state["shops"][0]["shop"]["profile"];
    assert_eq!(profile["renewed_key"]["active_from"], "2026-11-28T09:30:00+0900", "{profile}");
}

#[tokio::test]
async fn an_api_not_applied_for_answers_es04_01_without_an_approval_note_even_when_pending() {
    let app =
        spawn(shop().with_setting("apis = [\"order\"]").with_setting("app_approval = { item = \"pending\" }")).await;
    let (status, _, v) = app.rms(Method::GET, "/es/2.0/items/manage-numbers/tshirt", None).await;
    assert_eq!((status, result_code(&v)), (400, Some("ES04-01")), "{v}");
    assert_eq!(last_auth_problem(&app).await, "", "not applied for: the approval is not the reason");
}

#[tokio::test]
async fn a_scope_waiting_for_approval_answers_es04_01_until_the_shop_approves() {
    let app = spawn(shop().with_setting("app_approval = { item = \"update_pending\", inventory = \"pending\" }")).await;
    assert_eq!(search_as(&app, &app.auth).await.0, 200, "the order scope is approved");
    let (status, _, v) = app.rms(Method::GET, "/es/2.0/items/manage-numbers/tshirt", None).await;
    assert_eq!((status, result_code(&v)), (400, Some("ES04-01")), "{v}");
    let note = last_auth_problem(&app).await;
    assert!(
        note.contains("item API scope: 利用中「更新あり」 (update_pending)"),
        "the journal names the approval: {note}"
    );
    let (status, _, v) = app.rms(Method::GET, "/es/2.1/inventories/manage-numbers/tshirt/variants/m-black", None).await;
    assert_eq!((status, result_code(&v)), (400, Some("ES04-01")), "{v}");
    assert!(last_auth_problem(&app).await.contains("inventory API scope: 承認待ち (pending)"));

    let settings = app.shop().approve(&ApproveRequest { apis: Some(vec!["item".into()]) }).await.unwrap();
    assert_eq!(settings.app_approval.len(), 1, "inventory still pending");
    let (status, _, _) = app.rms(Method::GET, "/es/2.0/items/manage-numbers/tshirt", None).await;
    assert_eq!(status, 200);
    let (status, _, _) = app.rms(Method::GET, "/es/2.1/inventories/manage-numbers/tshirt/variants/m-black", None).await;
    assert_eq!(status, 400);
    app.shop().approve(&ApproveRequest::default()).await.unwrap();
    let (status, _, _) = app.rms(Method::GET, "/es/2.1/inventories/manage-numbers/tshirt/variants/m-black", None).await;
    assert_eq!(status, 200);

    let (status, v) = app.admin(Method::POST, &app.shop_path("/approve"), Some(json!({"apis": ["orders"]}))).await;
    assert_eq!(status, 400);
    assert!(v["error"]["message"].as_str().unwrap().contains("apis[0]"), "{v}");
    let (status, v) = app.patch_settings(json!({"app_approval": {"order": "maybe"}})).await;
    assert_eq!(status, 400, "{v}");
}

#[tokio::test]
async fn the_approval_survives_a_state_round_trip_and_an_untouched_shop_exports_no_approval_key() {
    let app = spawn(shop()).await;
    let (_, plain) = app.get("/__admin/state").await;
    assert!(plain["shops"][0]["shop"]["settings"].get("app_approval").is_none());
    let (status, _) = app.patch_settings(json!({"app_approval": {"item": "pending"}})).await;
    assert_eq!(status, 200);
    let (_, state) = app.get("/__admin/state").await;
    assert_eq!(state["shops"][0]["shop"]["settings"]["app_approval"], json!({"item": "pending"}));
    let (status, _) = app.put("/__admin/state", state).await;
    assert_eq!(status, 200);
    let (status, _, _) = app.rms(Method::GET, "/es/2.0/items/manage-numbers/tshirt", None).await;
    assert_eq!(status, 400, "still pending after the import");
}

#[tokio::test]
async fn a_key_issued_for_another_app_is_refused_like_a_wrong_key_and_the_journal_names_why() {
    let app = spawn(shop().with_shop_line("other_keys = [{ app = \"other-vendor-oms\", license_key = \"SL_other_app\", service_secret = \"SP_other_app\" }]"))
    .await;
    let (status, v) = search_as(&app, &esa_header(SECRET, "SL_other_app")).await;
    assert_eq!((status, result_code(&v)), (401, Some("ES01-01")), "{v}");
    let note = last_auth_problem(&app).await;
    assert!(note.contains("another app (other-vendor-oms)"), "{note}");
    let (status, _) = search_as(&app, &esa_header(SECRET, "SL_typo")).await;
    assert_eq!(status, 401);
    assert!(last_auth_problem(&app).await.contains("does not match"), "a plain wrong key reads as before");
    assert_eq!(search_as(&app, &app.auth).await.0, 200);
    // The other app's own secret lands in this shop's journal too, named.
    let (status, v) = search_as(&app, &esa_header("SP_other_app", "SL_anything")).await;
    assert_eq!((status, result_code(&v)), (401, Some("ES01-01")), "{v}");
    assert!(last_auth_problem(&app).await.contains("another app (other-vendor-oms)"));
    let (status, _) = search_as(&app, &esa_header("SP_nobody", "SL_anything")).await;
    assert_eq!(status, 401);
    let server = app.mock.control().server_journal(&rms_mock::control::JournalQuery::new()).await.unwrap();
    let last = server.entries.last().unwrap();
    assert!(last.auth_problem.as_deref().unwrap_or("").contains("no shop has the service secret"), "{last:?}");
    // Deleting the shop forgets its other apps' secrets.
    app.shop().control().delete_shop(SHOP_ID).await.unwrap();
    search_as(&app, &esa_header("SP_other_app", "SL_anything")).await;
    let server = app.mock.control().server_journal(&rms_mock::control::JournalQuery::new()).await.unwrap();
    let last = server.entries.last().unwrap();
    assert!(last.auth_problem.as_deref().unwrap_or("").contains("no shop has the service secret"), "{last:?}");
}
