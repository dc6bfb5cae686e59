//! The runner's side channel: the fake's control plane (`/__admin/`), for what RMS users never
//! call (creating the shop, the buyer, the warehouse, time passing). The integration under
//! test never uses it.

use serde_json::{json, Value};

#[derive(Debug)]
pub struct Control {
    base: String,
    shop_id: String,
    http: reqwest::Client,
    /// The shop's now as last answered (saves a round trip per step).
    now: std::sync::Mutex<String>,
}

/// A control-plane answer other than 2xx.
#[derive(Debug, Clone)]
pub struct ControlError {
    pub status: u16,
    pub message: String,
}

impl std::fmt::Display for ControlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status, self.message)
    }
}

impl Control {
    pub fn new(base: &str, shop_id: &str) -> Self {
        Control {
            base: base.trim_end_matches('/').to_string(),
            shop_id: shop_id.to_string(),
            http: reqwest::Client::new(),
            now: std::sync::Mutex::new(String::new()),
        }
    }

    async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Result<Value, ControlError> {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(b) = body {
            req = req.header("Content-Type", "application/json").body(b.to_string());
        }
        let r = req.send().await.map_err(|e| ControlError { status: 0, message: e.to_string() })?;
        let status = r.status().as_u16();
        let text = r.text().await.unwrap_or_default();
        let v: Value =
            if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
        if (200..300).contains(&status) {
            Ok(v)
        } else {
            let message = v["error"]["message"].as_str().map(String::from).unwrap_or_else(|| v.to_string());
            Err(ControlError { status, message })
        }
    }

    fn shop_path(&self, rest: &str) -> String {
        format!("/__admin/shops/{}{rest}", self.shop_id)
    }

    /// Replaces any shop with this id by a fresh one from `document`; returns its `now`.
    pub async fn create_shop(&self, document: &Value) -> Result<String, ControlError> {
        let _ = self.send(reqwest::Method::DELETE, &self.shop_path(""), None).await;
        let v = self.send(reqwest::Method::POST, "/__admin/shops", Some(document.clone())).await?;
        Ok(self.remember(&v))
    }

    /// Moves the clock to `to` (never backwards); returns the new now.
    pub async fn advance_to(&self, to: &str) -> Result<String, ControlError> {
        // RMS datetimes of one zone and format compare as strings.
        let now = self.now().await?;
        if to <= now.as_str() {
            return Ok(now);
        }
        let v = self.send(reqwest::Method::POST, &self.shop_path("/clock/advance"), Some(json!({ "to": to }))).await?;
        Ok(self.remember(&v))
    }

    /// Lets `seconds` of virtual time pass (a client backing off).
    pub async fn wait_seconds(&self, seconds: i64) -> Result<(), ControlError> {
        let v = self
            .send(reqwest::Method::POST, &self.shop_path("/clock/advance"), Some(json!({ "seconds": seconds })))
            .await?;
        self.remember(&v);
        Ok(())
    }

    fn remember(&self, v: &Value) -> String {
        let now = v["now"].as_str().unwrap_or_default().to_string();
        *self.now.lock().unwrap_or_else(|e| e.into_inner()) = now.clone();
        now
    }

    /// The shop's now. Only this runner moves the clock, so the last answer is current;
    /// placing an order can move it too, so those answers are remembered as well.
    pub async fn now(&self) -> Result<String, ControlError> {
        let cached = self.now.lock().unwrap_or_else(|e| e.into_inner()).clone();
        if !cached.is_empty() {
            return Ok(cached);
        }
        let v = self.send(reqwest::Method::GET, &self.shop_path("/clock"), None).await?;
        Ok(self.remember(&v))
    }

    pub async fn place_order(&self, body: &Value) -> Result<Value, ControlError> {
        let v = self.send(reqwest::Method::POST, &self.shop_path("/orders"), Some(body.clone())).await?;
        self.remember(&v);
        Ok(v)
    }

    pub async fn order_action(&self, number: &str, action: &str, body: Option<Value>) -> Result<Value, ControlError> {
        self.send(reqwest::Method::POST, &self.shop_path(&format!("/orders/{number}/{action}")), body).await
    }

    pub async fn patch_settings(&self, patch: &Value) -> Result<Value, ControlError> {
        self.send(reqwest::Method::PATCH, &self.shop_path("/settings"), Some(patch.clone())).await
    }

    pub async fn history(&self, number: &str) -> Result<Value, ControlError> {
        self.send(reqwest::Method::GET, &self.shop_path(&format!("/orders/{number}/history")), None).await
    }

    pub async fn journal(&self) -> Result<Value, ControlError> {
        self.send(reqwest::Method::GET, &self.shop_path("/journal"), None).await
    }
}
