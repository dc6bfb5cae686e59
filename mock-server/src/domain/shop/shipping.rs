//! Shipping reports (updateOrderShipping, its async twin) and what the clock does after
//! shipping: 500 → 600 → 700 (order-api.md §3, §5).

use super::*;
use crate::domain::function::OrderOperation;
use crate::domain::order::{Cause, OrderProgress, ShippingRow};
use crate::domain::order_ops::*;
use clock::Event;
use OrderProgress::*;

impl Shop {
    // ----- updateOrderShipping -----

    /// updateOrderShipping: adds, updates and deletes shipping rows; when every basket has a
    /// row with carrier, tracking number and date, a 300 order becomes 500.
    pub fn update_shipping(
        &mut self,
        number: &str,
        baskets: &[BasketUpdate],
        cause: Cause,
    ) -> Result<Vec<RowResult>, Refusal> {
        let idx = self.in_window(
            number,
            &[WaitingForShipment, WaitingForChangeConfirmation, Shipped, PaymentProcessing, PaymentProcessed],
        )?;
        let mut new_ids = Vec::new();
        for b in baskets {
            for r in &b.rows {
                new_ids.push(if r.detail_id.is_none() && !r.delete { Some(self.ids.shipping_detail()) } else { None });
            }
        }
        let mut results = Vec::new();
        let now = self.now;
        let mut ids = new_ids.into_iter();
        self.change(idx, |o| {
            for b in baskets {
                let mut pkg = o.packages.iter_mut().find(|p| p.basket_id == b.basket_id);
                for r in &b.rows {
                    let fresh = ids.next().flatten();
                    let Some(pkg) = pkg.as_deref_mut() else {
                        results.push(RowResult {
                            data_number: r.data_number,
                            detail_id: r.detail_id,
                            outcome: RowOutcome::Refused(Refusal::UnknownBasket(b.basket_id)),
                        });
                        continue;
                    };
                    let outcome = match (r.detail_id, r.delete) {
                        (Some(id), true) => {
                            let before = pkg.shipping.len();
                            pkg.shipping.retain(|s| s.shipping_detail_id != id);
                            if pkg.shipping.len() < before {
                                RowOutcome::Deleted
                            } else {
                                RowOutcome::Refused(Refusal::UnknownShippingDetail(id))
                            }
                        }
                        (None, true) => RowOutcome::Refused(Refusal::ShippingDetailIdRequired),
                        (Some(id), false) => match pkg.shipping.iter_mut().find(|s| s.shipping_detail_id == id) {
                            Some(row) => {
                                r.delivery_company.clone().apply(&mut row.delivery_company);
                                r.shipping_number.clone().apply(&mut row.shipping_number);
                                r.shipping_date.clone().apply(&mut row.shipping_date);
                                RowOutcome::Updated
                            }
                            None => RowOutcome::Refused(Refusal::UnknownShippingDetail(id)),
                        },
                        (None, false) => {
                            let mut row = ShippingRow {
                                shipping_detail_id: fresh.unwrap_or_default(),
                                shipping_number: None,
                                delivery_company: None,
                                shipping_date: None,
                            };
                            r.delivery_company.clone().apply(&mut row.delivery_company);
                            r.shipping_number.clone().apply(&mut row.shipping_number);
                            r.shipping_date.clone().apply(&mut row.shipping_date);
                            pkg.shipping.push(row);
                            RowOutcome::Added
                        }
                    };
                    let detail_id = match outcome {
                        RowOutcome::Added => fresh,
                        _ => r.detail_id,
                    };
                    results.push(RowResult { data_number: r.data_number, detail_id, outcome });
                }
            }
            if o.shipping_reported() && o.progress == WaitingForShipment {
                o.shipping_cmpl_rpt_datetime = Some(now);
                o.move_to(Shipped, now, cause);
            }
        });
        if self.orders.get(idx).progress == Shipped && self.orders.get(idx).shipping_cmpl_rpt_datetime == Some(now) {
            let at = now.plus_minutes(i64::from(self.settings.payment_processing_minutes));
            self.schedule_at(at, Event::PaymentProcessing(idx));
        }
        Ok(results)
    }

    /// updateOrderShippingAsync: stores the request; it is processed when the clock passes
    /// `async_shipping_delay_minutes`, and its result kept 30 days.
    pub fn request_shipping_async(&mut self, orders: Vec<(String, Vec<BasketUpdate>)>) -> String {
        let n = self.async_requests.len() as u64 + self.ids.change();
        let h = crate::domain::rng::seed_from(&format!("{}:{n}", self.seed));
        let (y, mo, d, hh, mi, ss) = self.now.civil();
        let id = format!(
            "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}_{y:04}{mo:02}{d:02}{hh:02}{mi:02}{ss:02}",
            h >> 32,
            (h >> 16) & 0xffff,
            h & 0xfff,
            n & 0xfff,
            n & 0xffff_ffff_ffff
        );
        self.async_requests.insert(id.clone(), AsyncRequest { orders, results: None });
        self.async_dirty.mark(|| id.clone());
        let due = self.now.plus_minutes(i64::from(self.settings.async_shipping_delay_minutes));
        self.schedule_at(due, Event::AsyncShipping(id.clone()));
        self.schedule_at(self.now.plus_days(30), Event::AsyncExpiry(id.clone()));
        self.run_until(self.now);
        id
    }

    pub(super) fn on_async_shipping(&mut self, id: &str) {
        let Some(req) = self.async_requests.get(id).cloned() else { return };
        let results = req
            .orders
            .iter()
            .map(|(n, baskets)| {
                (n.clone(), self.update_shipping(n, baskets, Cause::Api(OrderOperation::UpdateOrderShippingAsync)))
            })
            .collect();
        self.async_dirty.mark(|| id.to_string());
        if let Some(r) = self.async_requests.get_mut(id) {
            r.results = Some(results);
        }
    }

    /// The processed result of an async request; None while pending, unknown or expired.
    pub fn shipping_async_result(&self, id: &str) -> Option<&Vec<OrderShippingResult>> {
        self.async_requests.get(id)?.results.as_ref()
    }

    pub(super) fn on_payment_processing(&mut self, idx: usize) {
        if self.orders.get(idx).progress != Shipped {
            return;
        }
        let now = self.now;
        self.change(idx, |o| o.move_to(PaymentProcessing, now, Cause::PaymentProcessing));
        let at = now.plus_minutes(i64::from(self.settings.payment_settle_minutes));
        self.schedule_at(at, Event::PaymentSettled(idx));
    }

    pub(super) fn on_payment_settled(&mut self, idx: usize) {
        if self.orders.get(idx).progress != PaymentProcessing {
            return;
        }
        let now = self.now;
        self.change(idx, |o| {
            o.payment_fix_datetime.get_or_insert(now);
            o.move_to(PaymentProcessed, now, Cause::PaymentSettled);
        });
    }
}
