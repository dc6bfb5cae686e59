//! Item API 2.0 (商品API 2.0) under `/es/2.0/items/…` (item-api.md §3). One dispatcher maps
//! method + path to a function; each function's handler is in `items.rs` or `search.rs`,
//! bodies become typed items in `wire.rs`, and rule violations become RMS errors in
//! `errors.rs`.

pub(crate) mod errors;
mod items;
mod search;
mod wire;

use super::{handle_rms, rest, Call, Request, RmsReply};
use crate::api::rest::ApiError;
use crate::domain::catalog::gate::{self, CatalogFunction};
use crate::domain::catalog::generate::GenerateError;
use crate::domain::function::FunctionId;
use crate::domain::item::ItemViolation;
use crate::domain::shop::Shop;
use crate::settings::Api;
use crate::AppState;
use axum::http::Method;

/// Whether `path` is this family's: anything under `/es/2.0/items/` (see [`crate::api::family`]).
pub(crate) fn serves(path: &str) -> bool {
    path.strip_prefix("/es/2.0/items/").is_some_and(|rest| !rest.is_empty())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Function {
    Get,
    Upsert,
    Patch,
    Delete,
    Search,
    BulkGet,
    SettingsGet,
    SettingsUpdate,
}

impl Function {
    fn id(self) -> FunctionId {
        match self {
            Function::Get => FunctionId::ITEMS_GET,
            Function::Upsert => FunctionId::ITEMS_UPSERT,
            Function::Patch => FunctionId::ITEMS_PATCH,
            Function::Delete => FunctionId::ITEMS_DELETE,
            Function::Search => FunctionId::ITEMS_SEARCH,
            Function::BulkGet => FunctionId::ITEMS_BULK_GET,
            Function::SettingsGet => FunctionId::ITEMS_SETTINGS_GET,
            Function::SettingsUpdate => FunctionId::ITEMS_SETTINGS_UPDATE,
        }
    }

    /// The function as the shop gate knows it.
    fn catalog(self) -> CatalogFunction {
        match self {
            Function::Get => CatalogFunction::ItemGet,
            Function::Upsert => CatalogFunction::ItemUpsert,
            Function::Patch => CatalogFunction::ItemPatch,
            Function::Delete => CatalogFunction::ItemDelete,
            Function::Search => CatalogFunction::ItemSearch,
            Function::BulkGet => CatalogFunction::ItemBulkGet,
            Function::SettingsGet => CatalogFunction::ItemSettingsGet,
            Function::SettingsUpdate => CatalogFunction::ItemSettingsUpdate,
        }
    }
}

/// Which function a method and path call, and the manageNumber in the path.
fn route<'p>(method: &Method, rest: &'p str) -> Option<(Function, &'p str)> {
    let mut segs = rest.split('/');
    let segs = [segs.next(), segs.next(), segs.next(), segs.next()];
    let f = match (method.as_str(), segs) {
        // One client sends `/es/2.0/items/search/?…` (clients.md §2).
        ("GET", [Some("search"), None | Some(""), None, _]) => (Function::Search, ""),
        ("POST", [Some("bulk-get"), None, ..]) => (Function::BulkGet, ""),
        ("GET", [Some("manage-numbers"), Some(m), None, _]) => (Function::Get, m),
        ("PUT", [Some("manage-numbers"), Some(m), None, _]) => (Function::Upsert, m),
        ("PATCH", [Some("manage-numbers"), Some(m), None, _]) => (Function::Patch, m),
        ("DELETE", [Some("manage-numbers"), Some(m), None, _]) => (Function::Delete, m),
        ("GET", [Some("inventory-related-settings"), Some("manage-numbers"), Some(m), None]) => {
            (Function::SettingsGet, m)
        }
        ("PUT", [Some("inventory-related-settings"), Some("manage-numbers"), Some(m), None]) => {
            (Function::SettingsUpdate, m)
        }
        _ => return None,
    };
    (f.1.is_empty() == matches!(f.0, Function::Search | Function::BulkGet)).then_some(f)
}

/// A failed catalog generation (control plane, shop documents) as the RMS error it stands
/// for: the item rule, or the stock rule of SKU `variants[i]`.
pub fn generate_error(e: &GenerateError) -> ApiError {
    match e {
        GenerateError::Item(v) => errors::violation(v),
        GenerateError::Stock(r) => rest::stock_refusal(r, |i, f| format!("variants[{i}].{f}")),
    }
}

/// The RMS error for a broken item rule (shop documents report them with the code).
pub fn violation_error(v: &ItemViolation) -> ApiError {
    errors::violation(v)
}

/// Every Item API request comes through here (the whole request, as in `order_endpoint`).
pub(crate) async fn endpoint(app: &AppState, request: axum::extract::Request) -> super::Answered {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path();
    let rest_path = path.strip_prefix("/es/2.0/items/").unwrap_or("");
    let Some((function, manage_number)) = route(&parts.method, rest_path) else {
        return (rest::no_such_path(), None);
    };
    let call = Call { api: Api::Item, function: function.id(), method: parts.method.clone(), path: path.to_string() };
    let query = parts.uri.query();
    handle_rms(app, call, &parts.headers, query, body, |_| (), |shop, req, ()| run(function, manage_number, shop, req))
        .await
}

fn run(function: Function, raw_manage_number: &str, shop: &mut Shop, req: Request<'_>) -> RmsReply {
    if let Err(r) = gate::admit(shop.settings(), function.catalog()) {
        return rest::error(ApiError::refused(r));
    }
    let result = match function {
        Function::Search => search::search(shop, &req),
        Function::BulkGet => items::bulk_get(shop, &req),
        f => {
            let manage_number = match crate::domain::item::manage_number(raw_manage_number) {
                Ok(m) => m,
                Err(kind) => return rest::error(errors::at("manageNumber", kind)),
            };
            match f {
                Function::Get => items::get(shop, &manage_number),
                Function::Upsert => items::upsert(shop, &manage_number, &req),
                Function::Patch => items::patch(shop, &manage_number, &req),
                Function::Delete => items::delete(shop, &manage_number),
                Function::SettingsGet => items::settings_get(shop, &manage_number),
                _ => items::settings_update(shop, &manage_number, &req),
            }
        }
    };
    result.unwrap_or_else(|errs| rest::errors(&errs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_to_functions() {
        assert_eq!(route(&Method::GET, "search"), Some((Function::Search, "")));
        assert_eq!(route(&Method::GET, "search/"), Some((Function::Search, "")));
        assert_eq!(route(&Method::PUT, "manage-numbers/ABC"), Some((Function::Upsert, "ABC")));
        assert_eq!(
            route(&Method::GET, "inventory-related-settings/manage-numbers/abc"),
            Some((Function::SettingsGet, "abc"))
        );
        assert_eq!(route(&Method::GET, "inventory-related-settings/manage-numbers/abc/x"), None);
        assert_eq!(route(&Method::GET, "search//"), None);
        assert_eq!(route(&Method::POST, "bulk-get/"), None);
        assert_eq!(route(&Method::GET, "manage-numbers/"), None);
        assert_eq!(route(&Method::POST, "search"), None);
        assert_eq!(route(&Method::GET, "manage-numbers/a/b"), None);
    }
}
