//! The shop's staff as an actor: what people do in the RMS screens (受注管理, 在庫設定) rather
//! than through the API. Integrations meet these as surprises: an order confirmed in RMS
//! answers confirmOrder with "not in 100", an order edited after import carries other amounts,
//! stock changed by hand drifts from the tool's (field-failures.md rows 1, 9, 12, 16).
//!
//! The rules are RMS's for the same change made by an API call (the staff's edit follows
//! updateOrderSender's: a confirmed order whose amount changes waits in 400 変更確定待ち,
//! `modifyFlag` 1, a new `ChangeReasonModel`, stock follows units); only the cause differs, so
//! the history and the ledger tell the staff's actions from API calls.

use super::*;
use crate::domain::buyer::Place;
use crate::domain::inventory::{Mode, StockRefusal, StockWrite};
use crate::domain::order::{ReasonDetail, UNDETERMINED};
use crate::domain::order_ops::{ItemUpdate, PackageUpdate, Patch, Refusal};
use OrderProgress::*;

/// What the staff change on one order in the RMS order screen; every part optional.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StaffEdit {
    /// Lines to change, by SKU (the first ordered line of that SKU).
    pub items: Vec<StaffLineEdit>,
    /// New postage of the order's (first) basket.
    pub postage_price: Option<i64>,
    /// New delivery address of the order's (first) basket; the recipient's name and phone stay.
    pub address: Option<StaffAddress>,
}

/// A change to one ordered line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StaffLineEdit {
    /// The item.
    pub manage_number: String,
    /// The SKU.
    pub variant_id: String,
    /// New units (1–999).
    pub units: Option<i64>,
    /// New unit price (tax-exclusive on a tax-exclusive line).
    pub price: Option<i64>,
}

/// A delivery address as the staff type it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StaffAddress {
    /// 7 digits (`1000001`).
    pub zip_code: String,
    /// 都道府県.
    pub prefecture: String,
    /// 市区町村.
    pub city: String,
    /// 番地 and the rest.
    pub sub_address: String,
}

/// Why the staff's action was refused: the order rule it broke, or an unknown line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StaffError {
    /// The order's rule (status, stock, …), as an API call would meet it.
    Order(Refusal),
    /// The edit names a SKU the order does not have.
    NoSuchLine {
        /// The item.
        manage_number: String,
        /// The SKU.
        variant_id: String,
    },
    /// The edit changes nothing.
    EmptyEdit,
}

impl From<Refusal> for StaffError {
    fn from(r: Refusal) -> Self {
        StaffError::Order(r)
    }
}

impl Shop {
    /// 受注確認 in RMS: 100 → 200 (cause `staff_confirm`), as confirmOrder would; an order
    /// with undetermined postage cannot be confirmed until it is set (RMS asks for it first).
    pub fn staff_confirm(&mut self, number: &str) -> Result<(), StaffError> {
        let idx = self.in_window(number, &[WaitingForConfirmation])?;
        if self.orders.get(idx).amounts_undetermined() {
            return Err(Refusal::PostageUndetermined.into());
        }
        self.confirm_idx(idx, Cause::StaffConfirm);
        self.run_until(self.now);
        Ok(())
    }

    /// キャンセル in RMS before shipping (100, 200, 300, 400): → 900 at once (cause
    /// `staff_cancel`, changeReasonDetail 10 その他 of the shop), stock restored per
    /// `restock` (None: each item's restock rule, as inventoryRestoreType 0).
    pub fn staff_cancel(&mut self, number: &str, restock: Option<bool>) -> Result<(), StaffError> {
        let idx = self.in_window(
            number,
            &[WaitingForConfirmation, RakutenProcessing, WaitingForShipment, WaitingForChangeConfirmation],
        )?;
        let now = self.now;
        let change_id = self.ids.change();
        self.change(idx, |o| o.cancel(now, change_id, ReasonDetail::ShopOther, Cause::StaffCancel));
        self.restore_stock(idx, restock);
        Ok(())
    }

    /// サブステータス set (or cleared with None) in RMS: the same rules as
    /// updateOrderSubStatus.
    pub fn staff_sub_status(&mut self, number: &str, id: Option<i64>) -> Result<(), StaffError> {
        Ok(self.set_sub_status(number, id)?)
    }

    /// The order edited in RMS before shipping: units, prices, postage, address. The rules of
    /// updateOrderSender (stock follows units; a confirmed order whose amount changes goes to
    /// 400 and back after `change_confirm_minutes`), cause `staff_edit`; a reduction is
    /// recorded with reason 10 その他 of the shop (the screen asks for one).
    ///
    /// Postage entered for a basket whose postage is still undetermined (送料後日確定, −9999)
    /// is the 送料確定 step, not a change of an amount: it goes through [`Shop::set_postage`],
    /// the path of `POST …/orders/{n}/postage`, so both set it alike (the amounts follow, no
    /// 400, no `modifyFlag`, no `ChangeReasonModel`); the rest of the edit (items, address)
    /// follows updateOrderSender's rules first, and a refusal there changes nothing.
    pub fn staff_edit(&mut self, number: &str, edit: &StaffEdit) -> Result<(), StaffError> {
        if edit.items.is_empty() && edit.postage_price.is_none() && edit.address.is_none() {
            return Err(StaffError::EmptyEdit);
        }
        let idx = self.locate(number)?;
        let o = self.orders.get(idx);
        let Some(first) = o.packages.first() else { return Err(StaffError::EmptyEdit) };
        if let Some(postage) = edit.postage_price.filter(|_| first.postage_price == UNDETERMINED) {
            // The staff edit's own status rule (before shipping) holds for the postage too.
            self.in_window(number, &Self::BEFORE_SHIPPING)?;
            let basket_id = first.basket_id;
            if !edit.items.is_empty() || edit.address.is_some() {
                self.staff_edit(number, &StaffEdit { postage_price: None, ..edit.clone() })?;
            }
            return self.set_postage(number, Some(basket_id), postage).map_err(|e| {
                StaffError::Order(match e {
                    BuyerError::PostageLocked { progress, .. } => Refusal::WrongStatus(progress),
                    _ => Refusal::NotFound,
                })
            });
        }
        let mut packages: Vec<PackageUpdate> = Vec::new();
        let basket = |id: u64, packages: &mut Vec<PackageUpdate>| -> usize {
            if let Some(i) = packages.iter().position(|p| p.basket_id == id) {
                return i;
            }
            packages.push(PackageUpdate {
                basket_id: id,
                postage_price: None,
                delivery_price: None,
                noshi: Patch::Keep,
                drop_off_location: Patch::Keep,
                sender: None,
                items: Vec::new(),
            });
            packages.len() - 1
        };
        for line in &edit.items {
            let found = o.packages.iter().find_map(|p| {
                p.items
                    .iter()
                    .find(|i| i.sku.manage_number == *line.manage_number && i.sku.variant_id == *line.variant_id)
                    .map(|i| (p.basket_id, i.item_detail_id))
            });
            let Some((basket_id, item_detail_id)) = found else {
                return Err(StaffError::NoSuchLine {
                    manage_number: line.manage_number.clone(),
                    variant_id: line.variant_id.clone(),
                });
            };
            let i = basket(basket_id, &mut packages);
            packages[i].items.push(ItemUpdate { item_detail_id, price: line.price, units: line.units });
        }
        if edit.postage_price.is_some() || edit.address.is_some() {
            let i = basket(first.basket_id, &mut packages);
            packages[i].postage_price = edit.postage_price;
            if let Some(a) = &edit.address {
                let (zip1, zip2) = a.zip_code.split_at(a.zip_code.len().min(3));
                let mut sender = (*first.sender).clone();
                sender.place = self.people.place(Place {
                    zip_code1: zip1.into(),
                    zip_code2: zip2.into(),
                    prefecture: a.prefecture.as_str().into(),
                    city: a.city.as_str().into(),
                });
                sender.sub_address = a.sub_address.as_str().into();
                packages[i].sender = Some(sender);
            }
        }
        let reason = (o.progress != WaitingForConfirmation).then_some(ReasonDetail::ShopOther);
        self.change_sender(number, &packages, reason, false, Cause::StaffEdit)?;
        Ok(())
    }

    /// Stock changed by hand in RMS (在庫数): ABSOLUTE sets it, RELATIVE adds (or takes) units,
    /// with the Inventory API's rules (0..=99999; RELATIVE needs a stock record). Returns the
    /// new quantity.
    pub fn staff_stock(
        &mut self,
        manage_number: &str,
        variant_id: &str,
        mode: Mode,
        quantity: i64,
    ) -> Result<i64, StockRefusal> {
        let write = StockWrite {
            manage_number: manage_number.to_string(),
            variant_id: variant_id.to_string(),
            mode,
            quantity,
            extras: None,
        };
        self.write_stock(std::slice::from_ref(&write))?;
        Ok(self.inventory.quantity(manage_number, variant_id))
    }
}
