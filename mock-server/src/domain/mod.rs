//! The rules of RMS, with no HTTP in sight: shops, orders and their state machine, the
//! catalog and stock, searching, the virtual clock. `api/` translates the wire to these types.

pub mod buyer;
pub mod catalog;
pub mod dirty;
#[cfg(test)]
pub mod fault;
pub mod faults;
pub mod function;
pub mod inventory;
pub mod item;
pub mod limits;
pub mod order;
pub mod order_codes;
pub mod order_kind;
pub mod order_number;
pub mod order_ops;
pub mod order_view;
pub mod rng;
pub mod search;
pub mod search_index;
pub mod search_query;
pub mod shop;
pub mod simulate;
pub mod stamp;
pub mod state;
pub mod tax;
pub mod text;
pub mod time;
