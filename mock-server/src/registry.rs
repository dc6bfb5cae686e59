//! All shops served by one process, and the lookup from ESA credentials to a shop.
//!
//! Shops never share state: each has its own [`ShopHandle`]. The registry only maps ids and
//! service secrets to handles, under a std `RwLock` that is never held across `.await`.
//!
//! It also holds the server's [`WallClock`]: every lookup a request makes (`get`,
//! `by_service_secret_then`, `all`) first brings a shop in wall mode up to the wall clock, so no
//! answer shows a stale now between two ticks of the background follower
//! ([`Registry::follow_wall_clock`], which bounds its work per shop instead).

use crate::domain::shop::{Budget, Shop, ShopHandle, Transition, ADVANCE_STEP_EVENTS, STEP_TARGET};
use crate::durable::{RecoveredLog, StateDir};
use crate::wall::WallClock;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, RwLock};

#[derive(Default)]
struct Inner {
    shops: BTreeMap<String, ShopHandle>,
    by_secret: HashMap<String, String>,
    /// Other apps' service secrets the shops hold (`other_keys`) → (shop id, app): only read
    /// when a secret names no shop, to say why.
    by_other_secret: HashMap<String, (String, String)>,
}

impl Inner {
    /// Files the other apps' secrets `shop` holds under its id (after forgetting its old ones).
    fn index_other_secrets(&mut self, id: &str, shop: &Shop) {
        self.by_other_secret.retain(|_, (shop_id, _)| shop_id != id);
        for k in &shop.profile().other_keys {
            if let Some(secret) = &k.service_secret {
                self.by_other_secret.insert(secret.clone(), (id.to_string(), k.app.clone()));
            }
        }
    }
}

/// Cheap to clone; shared by every request.
#[derive(Clone, Default)]
pub struct Registry {
    inner: Arc<RwLock<Inner>>,
    wall: WallClock,
    /// Where every shop's changes are kept (`--state-dir`), if anywhere.
    state_dir: Option<StateDir>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum RegistryError {
    DuplicateShopId(String),
    DuplicateServiceSecret(String),
}

impl Registry {
    /// The same shops, following `wall` from now on (the shops' clocks restart from where
    /// they stand). Used while a server is being set up, before any clone serves requests.
    pub fn with_wall_clock(self, wall: WallClock) -> Self {
        let registry = Registry { inner: self.inner, wall, state_dir: self.state_dir };
        for (_, shop) in registry.handles() {
            registry.catch_up(&shop);
        }
        registry
    }

    /// The same shops, kept in `dir` from now on: each shop already served is written there
    /// as new (its snapshot), as is every shop inserted later. Used while a server is being
    /// set up, before any clone serves requests.
    pub fn with_state_dir(self, dir: StateDir) -> Self {
        for (_, shop) in self.handles() {
            dir.serve_new(&shop);
        }
        Registry { state_dir: Some(dir), ..self }
    }

    /// The state directory the shops are kept in, if any.
    pub fn state_dir(&self) -> Option<&StateDir> {
        self.state_dir.as_ref()
    }

    /// Serves a shop restored from the state directory, logging from where it stood.
    pub fn insert_recovered(&self, shop: Shop, log: RecoveredLog) -> Result<ShopHandle, RegistryError> {
        let handle = self.insert_then(shop, |dir, handle| dir.serve_recovered(handle, log))?;
        self.catch_up(&handle);
        Ok(handle)
    }

    /// The wall clock's reading now.
    pub fn wall_reading(&self) -> std::time::Duration {
        self.wall.elapsed()
    }

    /// Brings a shop in wall mode up to the wall clock, firing everything due, in steps of
    /// [`ADVANCE_STEP_EVENTS`] and about [`STEP_TARGET`] at most ([`ShopHandle::in_steps`]: the
    /// shop's other requests wait one step at most). The wall is read once, under the lock, so readings never go back;
    /// later steps only fire what that reading made due.
    fn catch_up(&self, shop: &ShopHandle) {
        self.catch_up_then(shop, |_| ())
    }

    /// [`Registry::catch_up`], then `then` on the shop in the same hold of its lock as the
    /// last step: a request's gateway checks take the lock once, not once more after it.
    fn catch_up_then<T>(&self, shop: &ShopHandle, then: impl FnOnce(&mut Shop) -> T) -> T {
        let (mut first, mut fired, mut then) = (true, Vec::new(), Some(then));
        let (shop_id, out) = shop.in_steps(|s| {
            let wall = std::mem::take(&mut first).then(|| self.wall.elapsed());
            let (step, caught_up) = s.follow_wall_step(wall, Budget::timed(ADVANCE_STEP_EVENTS, STEP_TARGET));
            fired.extend(step);
            if !caught_up {
                return None;
            }
            let shop_id = (!fired.is_empty()).then(|| s.profile().shop_id.clone());
            then.take().map(|then| (shop_id, then(s)))
        });
        // Logged after the shop's lock is released: writing a log line is I/O.
        if let Some(shop_id) = shop_id {
            crate::logs::log_transitions(&shop_id, &fired);
        }
        out
    }

    /// One tick of the wall clock: each shop in wall mode follows it, firing at most
    /// `max_events` of its due events (the rest on the next tick), each shop locked only for
    /// its own step. Returns what fired, by shop id.
    pub fn follow_wall_clock(&self, max_events: usize) -> Vec<(String, Vec<Transition>)> {
        let mut out = Vec::new();
        for (id, shop) in self.handles() {
            let fired = shop.with(|s| s.follow_wall(self.wall.elapsed(), max_events));
            if !fired.is_empty() {
                out.push((id, fired));
            }
        }
        out
    }

    pub fn insert(&self, shop: Shop) -> Result<ShopHandle, RegistryError> {
        let handle = self.insert_then(shop, |dir, handle| dir.serve_new(handle))?;
        // A shop in wall mode starts following the wall clock here.
        self.catch_up(&handle);
        Ok(handle)
    }

    /// Inserts the shop and, with a state directory, starts logging it (`log`) under the
    /// registry's lock: a shop deleted and created again under the same id meets the disk in
    /// that order. (The registry's lock is taken before a shop's, never after.)
    fn insert_then(&self, shop: Shop, log: impl FnOnce(&StateDir, &ShopHandle)) -> Result<ShopHandle, RegistryError> {
        let id = shop.profile().shop_id.clone();
        let secret = shop.profile().service_secret.clone();
        let mut inner = self.inner.write().unwrap_or_else(|e| e.into_inner());
        if inner.shops.contains_key(&id) {
            return Err(RegistryError::DuplicateShopId(id));
        }
        if inner.by_secret.contains_key(&secret) {
            return Err(RegistryError::DuplicateServiceSecret(id));
        }
        inner.index_other_secrets(&id, &shop);
        let handle = ShopHandle::new(shop);
        inner.shops.insert(id.clone(), handle.clone());
        inner.by_secret.insert(secret, id);
        if let Some(dir) = &self.state_dir {
            log(dir, &handle);
        }
        Ok(handle)
    }

    /// Serves `shop` in place of the shop of its id, or as a new shop: true when it replaced
    /// one. The old shop's credentials stop working at once (a request already inside it
    /// finishes there). Err when another shop uses its service secret.
    pub fn replace(&self, shop: Shop) -> Result<bool, RegistryError> {
        let id = shop.profile().shop_id.clone();
        let secret = shop.profile().service_secret.clone();
        let mut inner = self.inner.write().unwrap_or_else(|e| e.into_inner());
        if inner.by_secret.get(&secret).is_some_and(|other| *other != id) {
            return Err(RegistryError::DuplicateServiceSecret(id));
        }
        inner.index_other_secrets(&id, &shop);
        let handle = ShopHandle::new(shop);
        let old = inner.shops.insert(id.clone(), handle.clone());
        let replaced = old.is_some();
        inner.by_secret.retain(|_, shop_id| *shop_id != id);
        inner.by_secret.insert(secret, id);
        // Under the registry's lock, as in `insert_then`: the old shop's directory goes, then
        // the new one's snapshot is written, in that order.
        if let Some(dir) = &self.state_dir {
            if let Some(old) = &old {
                dir.forget(old);
            }
            dir.serve_new(&handle);
        }
        drop(inner);
        self.catch_up(&handle);
        Ok(replaced)
    }

    /// Whether shops (id, service secret) can all replace the shops of their ids: None, or
    /// why not (a secret another shop keeps, or two of them share).
    pub fn secret_conflict(&self, shops: &[(String, String)]) -> Option<String> {
        let inner = self.inner.read().unwrap_or_else(|e| e.into_inner());
        let replaced: std::collections::HashSet<&str> = shops.iter().map(|(id, _)| id.as_str()).collect();
        let mut seen: HashMap<&str, &str> = HashMap::new();
        for (id, secret) in shops {
            if let Some(other) = seen.insert(secret, id) {
                return Some(format!("shops {other} and {id} have the same service_secret"));
            }
            if let Some(other) = inner.by_secret.get(secret) {
                if other != id && !replaced.contains(other.as_str()) {
                    return Some(format!("shop {id}: shop {other} already uses its service_secret"));
                }
            }
        }
        None
    }

    /// The shop, brought up to the wall clock.
    pub fn get(&self, shop_id: &str) -> Option<ShopHandle> {
        let shop = self.inner.read().unwrap_or_else(|e| e.into_inner()).shops.get(shop_id).cloned()?;
        self.catch_up(&shop);
        Some(shop)
    }

    /// The shop with this service secret, brought up to the wall clock (before its licence
    /// is checked: a key may have expired while nobody asked), then `then` on it, in the same
    /// hold of its lock as the last step of catching up.
    pub fn by_service_secret_then<T>(
        &self,
        secret: &str,
        then: impl FnOnce(&mut Shop) -> T,
    ) -> Option<(ShopHandle, T)> {
        let shop = {
            let inner = self.inner.read().unwrap_or_else(|e| e.into_inner());
            inner.by_secret.get(secret).and_then(|id| inner.shops.get(id)).cloned()?
        };
        let out = self.catch_up_then(&shop, then);
        Some((shop, out))
    }

    /// The shop that holds `secret` as another app's service secret, and that app's name.
    pub fn by_other_app_secret(&self, secret: &str) -> Option<(ShopHandle, String)> {
        let inner = self.inner.read().unwrap_or_else(|e| e.into_inner());
        if inner.by_other_secret.is_empty() {
            return None;
        }
        let (id, app) = inner.by_other_secret.get(secret)?;
        Some((inner.shops.get(id)?.clone(), app.clone()))
    }

    pub fn remove(&self, shop_id: &str) -> Option<ShopHandle> {
        let mut inner = self.inner.write().unwrap_or_else(|e| e.into_inner());
        let handle = inner.shops.remove(shop_id)?;
        inner.by_secret.retain(|_, id| id != shop_id);
        inner.by_other_secret.retain(|_, (id, _)| id != shop_id);
        if let Some(dir) = &self.state_dir {
            dir.forget(&handle);
        }
        Some(handle)
    }

    /// Shop handles in shop-id order, each brought up to the wall clock.
    pub fn all(&self) -> Vec<(String, ShopHandle)> {
        let shops = self.handles();
        for (_, shop) in &shops {
            self.catch_up(shop);
        }
        shops
    }

    /// Shop handles in shop-id order, as they stand.
    fn handles(&self) -> Vec<(String, ShopHandle)> {
        let inner = self.inner.read().unwrap_or_else(|e| e.into_inner());
        inner.shops.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    }

    pub fn clear(&self) {
        let mut inner = self.inner.write().unwrap_or_else(|e| e.into_inner());
        let shops = std::mem::take(&mut inner.shops);
        inner.by_secret.clear();
        inner.by_other_secret.clear();
        if let Some(dir) = &self.state_dir {
            for shop in shops.values() {
                dir.forget(shop);
            }
        }
    }
}
