//! Shop documents built in Rust: builder steps on [`ShopDocument`] and its parts, so a test
//! writes `ShopDocument::new("123456").item(ItemDoc::new("tshirt", "Tシャツ").variant("m", 1980, 10))`
//! instead of a TOML string. Every step sets what the same key of a shop file sets, the
//! defaults are the shop file's, and [`ShopDocument::check`] applies the same rules.

use super::{
    card, coupon_name, hundred, one_usize, CouponDoc, DestinationDoc, GenerateDoc, ItemDoc, LineDoc, OrderDoc,
    OrderedPairs, ShopDocument, ShopSection, SimulateDoc, VariantDoc,
};
use crate::settings::{ShippingSettings, ShopSettings};

impl ShopDocument {
    /// A shop with default settings, no items and no orders; credentials `SP<id>_secret` and
    /// `SL<id>_license`, clock at [`DEFAULT_CLOCK_START`](super::DEFAULT_CLOCK_START).
    pub fn new(shop_id: impl Into<String>) -> Self {
        let shop_id = shop_id.into();
        ShopDocument {
            shop: ShopSection {
                service_secret: format!("SP{shop_id}_secret"),
                license_key: format!("SL{shop_id}_license"),
                shop_id,
                name: None,
                license_issued_at: None,
                clock_start: None,
                clock: None,
                clock_speed: None,
                seed: None,
                renewed_license_key: None,
                renewed_key_active_after_minutes: None,
                other_keys: Vec::new(),
            },
            settings: ShopSettings::default(),
            shipping: ShippingSettings::default(),
            sub_statuses: Vec::new(),
            items: Vec::new(),
            orders: Vec::new(),
            generate: None,
            simulate: None,
            faults: Vec::new(),
        }
    }

    /// Adds a fault (`[[faults]]`): RMS failing on purpose for the shop's requests.
    pub fn fault(mut self, fault: super::FaultSpec) -> Self {
        self.faults.push(fault);
        self
    }

    /// Sets the ESA credentials.
    pub fn credentials(mut self, service_secret: impl Into<String>, license_key: impl Into<String>) -> Self {
        self.shop.service_secret = service_secret.into();
        self.shop.license_key = license_key.into();
        self
    }

    /// Sets the display name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.shop.name = Some(name.into());
        self
    }

    /// Sets the shop's virtual now at creation (`2026-11-28T09:00:00+0900`).
    pub fn clock_start(mut self, at: impl Into<String>) -> Self {
        self.shop.clock_start = Some(at.into());
        self
    }

    /// Sets how the clock moves: `.clock(ClockMode::Wall, 60.0)` runs a virtual hour per real
    /// minute from `clock_start` once the shop is served.
    pub fn clock(mut self, mode: crate::ClockMode, speed: f64) -> Self {
        self.shop.clock = Some(mode);
        self.shop.clock_speed = Some(speed);
        self
    }

    /// Sets when the licence key was issued (it expires 90 days later).
    pub fn license_issued_at(mut self, at: impl Into<String>) -> Self {
        self.shop.license_issued_at = Some(at.into());
        self
    }

    /// Sets the seed of ids and buyers (default: a hash of the shop id).
    pub fn seed(mut self, seed: u64) -> Self {
        self.shop.seed = Some(seed);
        self
    }

    /// Changes settings: `.settings(|s| s.auto_confirm = true)`.
    pub fn settings(mut self, change: impl FnOnce(&mut ShopSettings)) -> Self {
        change(&mut self.settings);
        self
    }

    /// Adds an item.
    pub fn item(mut self, item: ItemDoc) -> Self {
        self.items.push(item);
        self
    }

    /// Adds an order that already exists when the shop is created.
    pub fn order(mut self, order: OrderDoc) -> Self {
        self.orders.push(order);
        self
    }

    /// Adds a generated catalog.
    pub fn generate(mut self, generate: GenerateDoc) -> Self {
        self.generate = Some(generate);
        self
    }

    /// Adds simulated buyers.
    pub fn simulate(mut self, simulate: SimulateDoc) -> Self {
        self.simulate = Some(simulate);
        self
    }
}

impl SimulateDoc {
    /// Buyers at `orders_per_hour` (on average, 0.01 to 60), every other key at its default.
    pub fn new(orders_per_hour: f64) -> Self {
        SimulateDoc { orders_per_hour, ..SimulateDoc::default() }
    }

    /// Switches the buyers on or off.
    pub fn enabled(mut self, enabled: bool) -> Self {
        self.enabled = enabled;
        self
    }

    /// Seeds the arrivals and the buyers' choices (default: the shop's seed).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// Replaces the payment mix: `(settlement method code, weight)` pairs.
    pub fn payment_mix(mut self, mix: &[(u16, u32)]) -> Self {
        self.payment_mix = mix.iter().map(|(c, w)| (c.to_string(), *w)).collect();
        self
    }

    /// Prepaid buyers who pay do so within this many minutes of ordering.
    pub fn pay_within_minutes(mut self, minutes: u32) -> Self {
        self.pay_within_minutes = minutes;
        self
    }

    /// Percent of prepaid buyers who never pay.
    pub fn unpaid_share(mut self, percent: u32) -> Self {
        self.unpaid_share = percent;
        self
    }

    /// Percent of buyers who cancel within the self-cancel window.
    pub fn cancel_share(mut self, percent: u32) -> Self {
        self.cancel_share = percent;
        self
    }

    /// At most this many units per line.
    pub fn max_units(mut self, units: u32) -> Self {
        self.max_units = units;
        self
    }

    /// At most this many lines per order.
    pub fn max_lines(mut self, lines: u32) -> Self {
        self.max_lines = lines;
        self
    }

    /// No buyer arrives after this many orders.
    pub fn max_orders(mut self, orders: u32) -> Self {
        self.max_orders = orders;
        self
    }
}

impl ItemDoc {
    /// A `NORMAL` item with no variants yet.
    pub fn new(manage_number: impl Into<String>, title: impl Into<String>) -> Self {
        ItemDoc {
            manage_number: manage_number.into(),
            item_number: None,
            title: title.into(),
            genre_id: None,
            item_type: None,
            hide_item: false,
            delivery_cert_program: false,
            one_day_operation: false,
            tax_included: None,
            tax_rate: None,
            variants: Vec::new(),
        }
    }

    /// Marks the item eligible for 配送品質向上制度 (`deliveryCertPrgFlag`).
    pub fn delivery_cert_program(mut self) -> Self {
        self.delivery_cert_program = true;
        self
    }

    /// Marks the item for `oneDayOperationFlag`.
    pub fn one_day_operation(mut self) -> Self {
        self.one_day_operation = true;
        self
    }

    /// Prices without tax (`payment.taxIncluded` false) at `tax_rate` (0.1, 0.08 or 0).
    pub fn tax_excluded(mut self, tax_rate: f64) -> Self {
        self.tax_included = Some(false);
        self.tax_rate = Some(tax_rate);
        self
    }

    /// Adds a SKU with a price and stock.
    pub fn variant(self, variant_id: impl Into<String>, price: i64, quantity: i64) -> Self {
        self.with_variant(VariantDoc::new(variant_id, price, quantity))
    }

    /// Adds a SKU built with [`VariantDoc`]'s builder.
    pub fn with_variant(mut self, variant: VariantDoc) -> Self {
        self.variants.push(variant);
        self
    }

    /// Sets the item number (商品番号).
    pub fn item_number(mut self, item_number: impl Into<String>) -> Self {
        self.item_number = Some(item_number.into());
        self
    }

    /// Sets the item type (`NORMAL`, `PRE_ORDER`, `BUYING_CLUB`).
    pub fn item_type(mut self, item_type: impl Into<String>) -> Self {
        self.item_type = Some(item_type.into());
        self
    }
}

impl VariantDoc {
    /// A SKU with a price and stock that gives stock back on cancel.
    pub fn new(variant_id: impl Into<String>, price: i64, quantity: i64) -> Self {
        VariantDoc {
            variant_id: variant_id.into(),
            merchant_defined_sku_id: None,
            price,
            quantity,
            selector_values: OrderedPairs::default(),
            restock_on_cancel: true,
            hidden: false,
            postage: None,
        }
    }

    /// Gives the SKU its own postage (`shipping.fee`, 個別送料).
    pub fn postage(mut self, yen: i64) -> Self {
        self.postage = Some(yen);
        self
    }

    /// Sets the merchant's SKU id.
    pub fn sku(mut self, merchant_defined_sku_id: impl Into<String>) -> Self {
        self.merchant_defined_sku_id = Some(merchant_defined_sku_id.into());
        self
    }

    /// Adds a selector value (`("サイズ", "M")`), kept in the order added.
    pub fn selector(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.selector_values.0.push((name.into(), value.into()));
        self
    }
}

impl Default for OrderDoc {
    fn default() -> Self {
        OrderDoc {
            at: None,
            settlement_method_code: card(),
            lines: Vec::new(),
            used_point: 0,
            coupons: Vec::new(),
            delivery_cert_program: None,
            one_day_operation: None,
            drop_off_location: None,
            order_type: None,
            reserve_number: None,
            reserve_delivery_count: None,
            postage_undetermined: false,
            social_gift: false,
            gift_input_days: None,
            destinations: Vec::new(),
            caution_display_type: None,
            caution_display_detail_type: None,
            rakuten_confirm: false,
            review_ng: false,
        }
    }
}

impl OrderDoc {
    /// A card order (settlement method 1) at the shop's now, with no lines yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `units` of one SKU.
    pub fn line(mut self, manage_number: impl Into<String>, variant_id: impl Into<String>, units: i64) -> Self {
        self.lines.push(LineDoc::new(manage_number, variant_id, units));
        self
    }

    /// Sets the settlement method code (1 card, 2 COD, 9 bank transfer, 14 convenience prepay, …).
    pub fn settlement(mut self, code: i64) -> Self {
        self.settlement_method_code = code;
        self
    }

    /// Orders at `at` instead of now (a later time moves the shop's clock there first).
    pub fn at(mut self, at: impl Into<String>) -> Self {
        self.at = Some(at.into());
        self
    }

    /// The buyer uses Rakuten points.
    pub fn used_point(mut self, points: i64) -> Self {
        self.used_point = points;
        self
    }

    /// The buyer uses a coupon.
    pub fn coupon(mut self, coupon: CouponDoc) -> Self {
        self.coupons.push(coupon);
        self
    }

    /// The buyer asks for 置き配 at `location` (宅配ボックス, 玄関前, …).
    pub fn drop_off(mut self, location: impl Into<String>) -> Self {
        self.drop_off_location = Some(location.into());
        self
    }

    /// Places a 定期購入 (4), 頒布会 (5) or 予約商品 (6) order (1: a normal one); its
    /// `reserveNumber` is issued unless set with [`OrderDoc::reserve`].
    pub fn order_type(mut self, code: i64) -> Self {
        self.order_type = Some(code);
        self
    }

    /// Sets `reserveNumber` and `reserveDeliveryCount` of a 4/5/6 order.
    pub fn reserve(mut self, number: impl Into<String>, delivery_count: u32) -> Self {
        self.reserve_number = Some(number.into());
        self.reserve_delivery_count = Some(delivery_count);
        self
    }

    /// 送料未確定: postage −9999 until the shop sets it.
    pub fn postage_undetermined(mut self) -> Self {
        self.postage_undetermined = true;
        self
    }

    /// A social gift: the recipient enters the address later.
    pub fn social_gift(mut self) -> Self {
        self.social_gift = true;
        self
    }

    /// Adds a further destination (a basket of its own) with `units` of one SKU.
    pub fn destination(mut self, manage_number: impl Into<String>, variant_id: impl Into<String>, units: i64) -> Self {
        self.destinations.push(DestinationDoc { lines: vec![LineDoc::new(manage_number, variant_id, units)] });
        self
    }

    /// Rakuten's fraud review: `cautionDisplayType`, `cautionDisplayDetailType`, and whether
    /// the review says NG (the order is then cancelled the next day).
    pub fn fraud(mut self, caution_display_type: u8, detail: Option<i64>, review_ng: bool) -> Self {
        self.caution_display_type = Some(caution_display_type);
        self.caution_display_detail_type = detail;
        self.rakuten_confirm = true;
        self.review_ng = review_ng;
        self
    }

    /// Sets `deliveryCertPrgFlag` and `oneDayOperationFlag` of the order, whatever its items.
    pub fn delivery_flags(mut self, delivery_cert_program: bool, one_day_operation: bool) -> Self {
        self.delivery_cert_program = Some(delivery_cert_program);
        self.one_day_operation = Some(one_day_operation);
        self
    }
}

impl CouponDoc {
    /// A shop coupon of `price` yen off once, expiring 30 days after ordering.
    pub fn new(code: impl Into<String>, price: i64) -> Self {
        CouponDoc {
            code: code.into(),
            name: coupon_name(),
            summary: None,
            capital_code: 1,
            expiry_date: None,
            price,
            unit: 1,
        }
    }
}

impl GenerateDoc {
    /// `items` items of one SKU each, 100 in stock, seed 0.
    pub fn new(items: usize) -> Self {
        GenerateDoc { items, variants: one_usize(), seed: 0, quantity: hundred() }
    }
}
