//! All shops served by one process, and the lookup from ESA credentials to a shop.
//!
//! Shops never share state: each has its own [`ShopHandle`]. The registry only maps ids and
//! service secrets to handles, under a std `RwLock` that is never held across `.await`.

use crate::domain::shop::{Shop, ShopHandle};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, RwLock};

#[derive(Default)]
struct Inner {
    shops: BTreeMap<String, ShopHandle>,
    by_secret: HashMap<String, String>,
}

/// Cheap to clone; shared by every request.
#[derive(Clone, Default)]
pub struct Registry(Arc<RwLock<Inner>>);

#[derive(Debug, PartialEq, Eq)]
pub enum RegistryError {
    DuplicateShopId(String),
    DuplicateServiceSecret(String),
}

impl Registry {
    pub fn insert(&self, shop: Shop) -> Result<ShopHandle, RegistryError> {
        let id = shop.profile().shop_id.clone();
        let secret = shop.profile().service_secret.clone();
        let mut inner = self.0.write().unwrap_or_else(|e| e.into_inner());
        if inner.shops.contains_key(&id) {
            return Err(RegistryError::DuplicateShopId(id));
        }
        if inner.by_secret.contains_key(&secret) {
            return Err(RegistryError::DuplicateServiceSecret(id));
        }
        let handle = ShopHandle::new(shop);
        inner.shops.insert(id.clone(), handle.clone());
        inner.by_secret.insert(secret, id);
        Ok(handle)
    }

    pub fn get(&self, shop_id: &str) -> Option<ShopHandle> {
        self.0.read().unwrap_or_else(|e| e.into_inner()).shops.get(shop_id).cloned()
    }

    pub fn by_service_secret(&self, secret: &str) -> Option<ShopHandle> {
        let inner = self.0.read().unwrap_or_else(|e| e.into_inner());
        inner.by_secret.get(secret).and_then(|id| inner.shops.get(id)).cloned()
    }

    pub fn remove(&self, shop_id: &str) -> Option<ShopHandle> {
        let mut inner = self.0.write().unwrap_or_else(|e| e.into_inner());
        let handle = inner.shops.remove(shop_id)?;
        inner.by_secret.retain(|_, id| id != shop_id);
        Some(handle)
    }

    /// Shop handles in shop-id order.
    pub fn all(&self) -> Vec<(String, ShopHandle)> {
        let inner = self.0.read().unwrap_or_else(|e| e.into_inner());
        inner.shops.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    }

    pub fn clear(&self) {
        let mut inner = self.0.write().unwrap_or_else(|e| e.into_inner());
        inner.shops.clear();
        inner.by_secret.clear();
    }
}
