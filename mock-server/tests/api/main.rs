//! Black-box tests: each test starts its own fake on 127.0.0.1:0 and talks HTTP to it.
//! One binary (faster to link); files mirror the API.

mod helpers;
mod jst;
/// The browser-test harness, shared with the conformance crate's tests.
#[path = "../../../testkit/webdriver.rs"]
mod webdriver;

mod admin;
mod admin_security;
mod auth;
mod binary;
mod bounds;
mod browser;
mod bulk;
mod clock;
mod confirm_order;
mod connections;
mod console;
mod delivery_options;
mod durability;
mod embed;
mod faults;
mod get_order;
mod golden;
mod headers;
mod inventory;
mod item_search;
mod items;
mod journal;
mod keys;
mod layering;
mod logs;
mod order_kinds;
mod order_ops;
mod prop_fuzz;
mod prop_model;
mod robustness;
mod search_order;
mod shipping;
mod simulate;
mod staff;
mod state;
mod state_schema;
mod stock;
mod tax;
mod wall_clock;
