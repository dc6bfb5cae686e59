//! The browser-test harness itself (`testkit/webdriver.rs`): headless Chromium opens a page,
//! a click changes it, the wait sees the change, a screenshot is saved.

use crate::webdriver::{availability, Availability, Browser, CHROMEDRIVER, CHROMIUM};
use std::path::Path;

#[tokio::test]
async fn the_harness_drives_headless_chromium_clicks_types_waits_and_screenshots() {
    let Some(browser) = Browser::start("harness").await else { return };
    // A page whose button shows, after a moment, what was typed (the wait must catch a later change).
    let page = "data:text/html;charset=utf-8,<input id=name><button id=go onclick=\"setTimeout(() => \
                document.getElementById('out').textContent = 'hello ' + document.getElementById('name').value, \
                200)\">go</button><p id=out></p>";
    browser.goto(page).await;
    browser.send_keys("#name", "注文 world").await;
    browser.click("#go").await;
    let text = browser.wait_for_text("#out", "hello").await;
    assert_eq!(text, "hello 注文 world");
    assert_eq!(browser.text("#out").await, "hello 注文 world");
    assert_eq!(browser.execute("return 6 * 7", vec![]).await, 42);
    assert!(browser.find_all("button").await.len() == 1);
    let shot = browser.screenshot("page").await;
    let png = std::fs::read(&shot).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "a PNG at {}", shot.display());
    browser.quit().await;
}

#[test]
fn without_chromium_the_browser_tests_skip_loudly_unless_required() {
    let absent = Path::new("/nonexistent/chromium");
    match availability(absent, Path::new(CHROMEDRIVER), false) {
        Availability::Skip(why) => assert!(why.contains("/nonexistent/chromium missing"), "{why}"),
        other => panic!("{other:?}"),
    }
    match availability(absent, Path::new("/nonexistent/chromedriver"), true) {
        Availability::Fail(why) => {
            assert!(why.contains("/nonexistent/chromium and /nonexistent/chromedriver missing"), "{why}");
            assert!(why.contains("RMS_MOCK_BROWSER_TESTS=required"), "{why}");
        }
        other => panic!("{other:?}"),
    }
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        assert_eq!(availability(Path::new(CHROMIUM), Path::new(CHROMEDRIVER), true), Availability::Ready);
    }
}
