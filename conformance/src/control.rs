//! The runner's side channel: the fake's control plane (`/__admin/`), for what RMS users never
//! call (creating the shop, the buyer, the warehouse, time passing). The integration under
//! test never uses it. Answers are rms-mock's typed control-plane DTOs, so a renamed field
//! fails to compile here instead of blanking the ledger.

use rms_mock::control::{Journal, OrderBrief, OrderHistory};
use rms_mock::{ControlClient, FaultSpec, MockShop, OrderDoc, ShopDocument};

/// A control-plane failure (`Display`: `<status> <message>`, as the ledger notes show it).
pub use rms_mock::Error as ControlError;

/// The setup's shop on the fake, and its clock as last answered.
#[derive(Debug)]
pub struct Control {
    shop: MockShop,
    /// The shop's now as last answered (saves a round trip per step).
    now: std::sync::Mutex<String>,
}

/// The message of a control-plane refusal (what the ledger shows), or the whole error.
pub fn message(e: &ControlError) -> String {
    match e {
        ControlError::Control { message, .. } => message.clone(),
        other => other.to_string(),
    }
}

impl Control {
    /// Replaces any shop with this id on the fake `client` drives (its base URL and, for a
    /// fake started with `--admin-token`, the token) by a fresh one from `document`; returns
    /// its handle and its now.
    pub async fn create(client: &ControlClient, document: &ShopDocument) -> Result<(Control, String), ControlError> {
        let client = client.clone();
        let _ = client.delete_shop(&document.shop.shop_id).await;
        let shop = client.create_shop(document).await?;
        let now = shop.credentials().now.clone();
        Ok((Control { shop, now: std::sync::Mutex::new(now.clone()) }, now))
    }

    /// The shop handle (pay, cancel, review, settings).
    pub fn shop(&self) -> &MockShop {
        &self.shop
    }

    /// Moves the clock to `to` (never backwards); returns the new now.
    pub async fn advance_to(&self, to: &str) -> Result<String, ControlError> {
        // RMS datetimes of one zone and format compare as strings.
        let now = self.now().await?;
        if to <= now.as_str() {
            return Ok(now);
        }
        let v = self.shop.advance_to(to).await?;
        Ok(self.remember(v.now))
    }

    /// Lets `seconds` of virtual time pass (a client backing off).
    pub async fn wait_seconds(&self, seconds: i64) -> Result<(), ControlError> {
        let v = self.shop.advance_seconds(seconds).await?;
        self.remember(v.now);
        Ok(())
    }

    /// Forgets the remembered now: RMS calls moved the clock (a `latency` fault on a manual
    /// clock does), so the next [`Control::now`] asks the fake.
    pub fn forget_now(&self) {
        self.now.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    fn remember(&self, now: String) -> String {
        *self.now.lock().unwrap_or_else(|e| e.into_inner()) = now.clone();
        now
    }

    /// The shop's now. Only this runner moves the clock (and RMS calls meeting a `latency`
    /// fault: on a shop with faults the runner forgets the now after each poll), so the last
    /// answer is current;
    /// placing an order can move it too, so those answers are remembered as well.
    pub async fn now(&self) -> Result<String, ControlError> {
        let cached = self.now.lock().unwrap_or_else(|e| e.into_inner()).clone();
        if !cached.is_empty() {
            return Ok(cached);
        }
        let now = self.shop.now().await?;
        Ok(self.remember(now))
    }

    /// A buyer places an order.
    pub async fn place_order(&self, order: &OrderDoc) -> Result<OrderBrief, ControlError> {
        let v = self.shop.place_order(order).await?;
        self.remember(v.now.clone());
        Ok(v)
    }

    /// Every status change of one order.
    pub async fn history(&self, number: &str) -> Result<OrderHistory, ControlError> {
        self.shop.history(number).await
    }

    /// Installs a fault on the shop (`POST …/faults`).
    pub async fn add_fault(&self, fault: &FaultSpec) -> Result<(), ControlError> {
        self.shop.add_fault(fault).await.map(drop)
    }

    /// Removes the fault with this id (`DELETE …/faults/{id}`).
    pub async fn remove_fault(&self, id: &str) -> Result<(), ControlError> {
        self.shop.remove_fault(id).await
    }

    /// Removes every fault of the shop (`DELETE …/faults`).
    pub async fn clear_faults(&self) -> Result<(), ControlError> {
        self.shop.clear_faults().await
    }

    /// The RMS requests the shop received.
    pub async fn journal(&self) -> Result<Journal, ControlError> {
        self.shop.journal().await
    }
}

impl crate::integration::Waiter for Control {
    async fn wait(&self, seconds: i64) {
        let _ = self.wait_seconds(seconds).await;
    }
}
