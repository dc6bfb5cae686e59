// rms-mock console: plain JS over the control plane's JSON endpoints (README, "Console").
// Every value from the server is inserted as text (textContent / text nodes), never as markup.
'use strict';

const STATUSES = {
  100: '注文確認待ち (awaiting confirmation)',
  200: '楽天処理中 (Rakuten processing)',
  300: '発送待ち (awaiting shipment)',
  400: '変更確定待ち (awaiting change confirmation)',
  500: '発送済 (shipped)',
  600: '支払手続き中 (payment processing)',
  700: '支払手続き済 (payment processed)',
  800: 'キャンセル確定待ち (awaiting cancellation)',
  900: 'キャンセル確定 (cancelled)',
};
const SETTING_LABELS = {
  auto_confirm: '自動注文確認 (auto-confirm)',
  auto_confirm_delay_minutes: '自動注文確認の遅延 (auto-confirm delay, min)',
  processing_delay_minutes: '楽天処理の時間 (processing delay, min)',
  sku_migrated: 'SKU移行済み (SKU migration done)',
  read_only: '読み取り専用 (read-only)',
  apis: '利用API (applied APIs)',
  rate_limit: '流量制限 (rate limits)',
  require_charset: 'charset必須 (require charset)',
  unconfirmed_cancel_days: '未確認キャンセル (auto-cancel after, days)',
  prepayment_due_days: '前払期限 (prepayment due, days)',
  buyer_cancel_minutes: '購入者キャンセル期限 (buyer cancel window, min)',
};
const API_NAMES = ['order', 'item', 'inventory'];

let shopId = null;
let openOrder = null;
let clockMode = 'manual';

// --- small helpers -------------------------------------------------------------------------

function $(id) { return document.getElementById(id); }

// el('li', {class: 'x', 'data-n': 1}, 'text', child…): strings become text nodes.
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'onclick' || k === 'onchange') e.addEventListener(k.slice(2), v);
    else if (v !== null && v !== undefined && v !== false) e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c !== null && c !== undefined) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function fill(node, ...children) { node.replaceChildren(); node.append(...children.flat().filter((c) => c != null)); }

function say(text, bad) {
  const s = $('status');
  s.textContent = text;
  s.className = bad ? 'bad' : 'good';
}

function statusLabel(code) { return code == null ? '—' : code + ' ' + (STATUSES[code] || ''); }

function pretty(text) {
  try { return JSON.stringify(JSON.parse(text), null, 2); } catch (e) { return text; }
}

async function api(method, path, body) {
  const init = { method, headers: {}, credentials: 'same-origin' };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const r = await fetch('/__admin' + path, init);
  const text = await r.text();
  let data = text;
  try { data = text ? JSON.parse(text) : null; } catch (e) { /* not JSON: keep the text */ }
  if (!r.ok) {
    const err = data && data.error;
    throw new Error(r.status + ' ' + (err ? err.code + ': ' + err.message : text));
  }
  return data;
}

// Runs an action, reloads what it may have changed, then says how it went (so "ok" means the
// page shows the result).
async function act(what, fn) {
  try {
    const answer = await fn();
    await loadShop();
    say(what + ': ok');
    return answer;
  } catch (e) {
    say(what + ': ' + e.message, true);
    return null;
  }
}

function shopPath(rest) { return '/shops/' + encodeURIComponent(shopId) + (rest || ''); }

// --- shops ---------------------------------------------------------------------------------

async function loadShops() {
  const list = (await api('GET', '/shops')).shops;
  fill($('shops'), list.map((s) => el('button', {
    type: 'button', 'data-shop': s.shop_id, class: s.shop_id === shopId ? 'current' : null,
    onclick: () => { location.hash = 'shop=' + s.shop_id; },
  }, s.shop_id + ' ' + s.name)));
  const wanted = new URLSearchParams(location.hash.slice(1)).get('shop');
  const pick = list.some((s) => s.shop_id === wanted) ? wanted : (list.length === 1 ? list[0].shop_id : null);
  if (pick !== shopId) { shopId = pick; openOrder = null; }
  $('empty').hidden = !!shopId;
  $('shop').hidden = !shopId;
  if (shopId) await loadShop();
}

async function loadShop() {
  if (!shopId) return;
  const [detail, orders, catalog] = await Promise.all([
    api('GET', shopPath()), api('GET', shopPath('/orders?per_page=1000')), api('GET', shopPath('/catalog?per_page=500')),
  ]);
  for (const b of document.querySelectorAll('#shops button')) b.classList.toggle('current', b.dataset.shop === shopId);
  fill($('summary'), el('h2', {}, 'ショップ Shop ' + detail.shop_id + ' ', el('span', { class: 'muted' }, detail.name)),
    el('p', { class: 'muted' }, 'licence ' + (detail.license_valid ? 'valid' : 'EXPIRED') + ' until '
      + detail.license_expires_at + ' · Authorization: ' + detail.authorization));
  renderSettings(detail.settings);
  renderClock(detail.clock);
  renderOrders(orders, detail.orders_by_status);
  renderCatalog(catalog);
  await loadJournal();
  if (openOrder) await loadOrder(openOrder);
}

// --- settings ------------------------------------------------------------------------------

function patchSettings(patch) { return act('settings ' + JSON.stringify(patch), () => api('PATCH', shopPath('/settings'), patch)); }

function renderSettings(settings) {
  const rows = [];
  const more = [];
  for (const [key, value] of Object.entries(settings)) {
    const label = SETTING_LABELS[key] || key;
    let control;
    if (typeof value === 'boolean') {
      control = el('input', { type: 'checkbox', id: 'setting-' + key, class: 'switch', checked: value,
        onchange: (e) => patchSettings({ [key]: e.target.checked }) });
    } else if (typeof value === 'number') {
      control = el('input', { type: 'number', id: 'setting-' + key, value, size: 8,
        onchange: (e) => patchSettings({ [key]: Number(e.target.value) }) });
    } else if (key === 'apis') {
      control = el('span', {}, API_NAMES.map((api) => el('label', { class: 'inline' },
        el('input', { type: 'checkbox', id: 'setting-apis-' + api, checked: value.includes(api),
          onchange: () => patchSettings({ apis: API_NAMES.filter((a) => $('setting-apis-' + a).checked) }) }), api)));
    } else if (key === 'rate_limit') {
      control = el('span', {}, el('label', { class: 'inline' }, el('input', { type: 'checkbox', class: 'switch',
        id: 'setting-rate_limit-enabled', checked: value.enabled,
        onchange: (e) => patchSettings({ rate_limit: { enabled: e.target.checked } }) }), 'enabled'),
      el('small', {}, ' ' + rateText(value)));
    } else if (typeof value === 'string') {
      control = el('input', { id: 'setting-' + key, value, size: 12,
        onchange: (e) => patchSettings({ [key]: e.target.value }) });
    } else {
      control = el('code', { class: 'json' }, JSON.stringify(value));
    }
    (SETTING_LABELS[key] ? rows : more).push(el('div', { class: 'setting' }, el('label', { for: 'setting-' + key }, label), control));
  }
  // The switches RMS users talk about first; the rest folded (kept open once opened).
  const open = $('more-settings') ? $('more-settings').open : false;
  fill($('settings'), el('div', { class: 'grid' }, rows),
    el('details', { id: 'more-settings', open }, el('summary', {}, 'その他の設定 Other settings (' + more.length + ')'),
      el('div', { class: 'grid' }, more)));
}

// --- clock ---------------------------------------------------------------------------------

function renderClock(clock) {
  clockMode = clock.mode;
  $('clock-now').textContent = clock.now;
  $('clock-mode').textContent = clock.mode === 'wall' ? 'wall, speed ' + clock.speed : 'manual (moves only when advanced)';
  $('clock-mode-select').value = clock.mode;
  $('clock-speed').value = clock.speed;
  if (document.activeElement !== $('advance-to')) $('advance-to').value = clock.now.slice(0, 19);
}

async function advance(body, what) {
  const answer = await act('advance ' + what, () => api('POST', shopPath('/clock/advance'), body));
  if (!answer) return;
  const causes = Object.entries(answer.by_cause).map(([c, n]) => c + ' × ' + n).join(', ');
  fill($('advance-result'),
    el('p', {}, 'now ' + answer.now + ' · fired ' + answer.fired + (causes ? ': ' + causes : '')),
    el('ul', { class: 'fired' }, answer.transitions.slice(0, 20).map((t) => el('li', {},
      t.at + ' ' + (t.order_number || '') + ' ' + (t.from ?? '—') + ' → ' + (t.to ?? '—') + ' ' + t.cause))),
    answer.transitions.length > 20 || answer.truncated ? el('p', { class: 'muted' }, '…and more') : null);
}

// --- orders --------------------------------------------------------------------------------

function renderOrders(page, counts) {
  const byStatus = {};
  for (const o of page.orders) (byStatus[o.order_progress] = byStatus[o.order_progress] || []).push(o);
  fill($('orders'),
    page.total > page.orders.length ? el('p', { class: 'muted' }, 'showing the first ' + page.orders.length + ' of ' + page.total) : null,
    el('div', { class: 'lanes' }, Object.keys(STATUSES).map((code) => el('div', { class: 'lane', 'data-status': code },
      el('h3', {}, statusLabel(code), ' ', el('span', { class: 'count' }, String(counts[code] ?? 0))),
      (byStatus[code] || []).map((o) => el('button', {
        type: 'button', class: 'order' + (o.order_number === openOrder ? ' current' : ''), 'data-order': o.order_number,
        onclick: () => { openOrder = o.order_number; loadShop().catch((e) => say(e.message, true)); },
      }, o.order_number, el('small', {}, ' ¥' + o.request_price + ' · ' + o.settlement_method_code)))))));
}

async function loadOrder(number) {
  const q = encodeURIComponent(number);
  let order, history, journal, model;
  try {
    [order, history, journal, model] = await Promise.all([
      api('GET', shopPath('/orders/' + q)), api('GET', shopPath('/orders/' + q + '/history')),
      api('GET', shopPath('/journal?limit=200&order_number=' + q)), api('GET', shopPath('/orders/' + q + '/model')),
    ]);
  } catch (e) { say('order ' + number + ': ' + e.message, true); return; }
  for (const b of document.querySelectorAll('#orders .order')) b.classList.toggle('current', b.dataset.order === number);
  // The timeline: status changes with their causes, and the RMS calls that mention the order.
  const events = history.history.map((h) => ({ at: h.at, kind: 'status', h }))
    .concat(journal.entries.map((j) => ({ at: j.at, kind: 'call', j })))
    // At the same time: the order's placement, then the calls, then the status changes (which
    // of a call and an automatic change came first is not recorded; calls cause the changes
    // of their instant, such as confirmOrder's 100 → 200).
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : rank(a) - rank(b)));
  const box = $('order-detail');
  box.hidden = false;
  fill(box,
    el('h3', {}, '注文 Order ' + number + ' · ' + statusLabel(order.order_progress),
      history.history.length ? el('span', { class: 'muted', id: 'order-since' }, ' since ' + history.history[history.history.length - 1].at) : null),
    el('p', {},
      el('button', { type: 'button', id: 'order-pay', onclick: () => act('pay ' + number, () => api('POST', shopPath('/orders/' + q + '/payment'))) }, '支払う Pay (buyer)'),
      ' ',
      el('button', { type: 'button', id: 'order-cancel', onclick: () => act('cancel ' + number, () => api('POST', shopPath('/orders/' + q + '/cancel'))) }, 'キャンセル Cancel (buyer)'),
      ' ',
      el('button', { type: 'button', onclick: () => { openOrder = null; box.hidden = true; } }, '閉じる Close')),
    el('h4', {}, 'タイムライン Timeline'),
    el('ol', { id: 'timeline' }, events.map((e) => e.kind === 'status'
      ? el('li', { class: 'status', 'data-cause': e.h.cause }, el('time', {}, e.at), ' ',
        (e.h.from == null ? '' : e.h.from + ' → ') + statusLabel(e.h.to), ' ', el('span', { class: 'cause' }, e.h.cause))
      : e.j.actor === 'staff' ? staffLine(e.j)
      : el('li', { class: 'call' }, el('time', {}, e.at), ' RMS ', el('code', {}, e.j.function || e.j.path), ' ',
        String(e.j.status), ' ', el('small', {}, (e.j.codes || []).join(', '))))),
    el('details', { id: 'order-model-box' }, el('summary', {}, 'getOrder OrderModel (version ' + model.version + ')'),
      el('pre', { id: 'order-model' }, JSON.stringify(model.OrderModel, null, 2))));
}

function rank(event) { return event.kind === 'call' ? 1 : event.h.from == null ? 0 : 2; }

// The rate limit's figures in words: each function's default (the order API 1/s; settings.rs
// `rate_for`) unless the shop gives it its own (`rate_limit.per_second`), and the clock used.
function rateText(limit) {
  const own = Object.entries(limit.per_second || {}).map(([f, n]) => f + ' ' + n + '/s');
  return (own.length ? own.join(', ') + '; others their default' : 'each function its default (order API 1/s)')
    + ' · clock ' + limit.clock;
}

// A journal entry of the shop's staff (an action in the RMS screens, not an RMS request).
function staffLine(j) {
  const staff = j.staff || {};
  return el('li', { class: 'staff', 'data-staff': staff.action }, el('time', {}, j.at), ' 店舗スタッフ staff ',
    el('code', {}, staff.action || j.function), ' ', staff.outcome || String(j.status), ' ',
    el('small', {}, (staff.changed || []).join(', ')));
}

async function placeOrder(ev) {
  ev.preventDefault();
  const sku = JSON.parse($('order-sku').value || 'null');
  if (!sku) { say('the catalog has no SKU to order', true); return; }
  const body = { lines: [{ manage_number: sku[0], variant_id: sku[1], units: Number($('order-units').value) }],
    settlement_method_code: Number($('order-settlement').value) };
  const answer = await act('place order', () => api('POST', shopPath('/orders'), body));
  if (answer && answer.order_number) { say('placed ' + answer.order_number); openOrder = answer.order_number; await loadOrder(openOrder); }
}

// --- journal and catalog ---------------------------------------------------------------------

async function loadJournal() {
  const q = new URLSearchParams({ limit: '100' });
  for (const [id, key] of [['journal-function', 'function'], ['journal-status', 'status'], ['journal-order', 'order_number']]) {
    if ($(id).value.trim()) q.set(key, $(id).value.trim());
  }
  let journal;
  try { journal = await api('GET', shopPath('/journal?' + q)); } catch (e) { say('journal: ' + e.message, true); return; }
  const body = (b) => (b ? pretty(b.text) : '(none)');
  fill($('journal'),
    el('p', { class: 'muted' }, journal.entries.length + ' shown · ' + journal.recorded + ' recorded · ' + journal.evicted + ' evicted'),
    journal.entries.slice().reverse().map((j) => el('details', { class: 'entry', 'data-seq': j.seq },
      el('summary', {}, '#' + j.seq + ' ' + j.at + ' ' + (j.actor === 'staff' ? 'staff ' : '') + j.method + ' '
        + (j.function || j.path) + ' → ' + j.status
        + ' ' + (j.codes || []).join(', ') + (j.fault ? ' [fault ' + j.fault.id + ']' : '')),
      el('h5', {}, 'request'), el('pre', {}, body(j.request_body)),
      el('h5', {}, 'response'), el('pre', {}, body(j.response_body)))));
}

function renderCatalog(catalog) {
  const rows = [];
  const options = [];
  for (const item of catalog.items) {
    for (const v of item.variants) {
      rows.push(el('tr', {}, el('td', {}, item.manage_number), el('td', {}, item.title), el('td', {}, v.variant_id),
        el('td', {}, v.sku_info || ''), el('td', { class: 'num' }, '¥' + v.price),
        el('td', { class: 'num', 'data-stock': item.manage_number + '/' + v.variant_id }, v.quantity == null ? '—' : String(v.quantity))));
      options.push(el('option', { value: JSON.stringify([item.manage_number, v.variant_id]) },
        item.manage_number + ' / ' + v.variant_id + ' ¥' + v.price + ' (stock ' + (v.quantity ?? '—') + ')'));
    }
  }
  const chosen = $('order-sku').value;
  fill($('order-sku'), options);
  if (chosen && options.some((o) => o.value === chosen)) $('order-sku').value = chosen;
  fill($('catalog'), el('tr', {}, ['商品管理番号 manage number', '商品名 title', 'SKU variant', 'SKU情報', '価格 price', '在庫 stock'].map((h) => el('th', {}, h))), rows);
}

// --- wiring --------------------------------------------------------------------------------

function init() {
  $('refresh').addEventListener('click', () => loadShops().catch((e) => say(e.message, true)));
  for (const id of ['advance-15m', 'advance-1h', 'advance-1d']) {
    $(id).addEventListener('click', (e) => advance({ minutes: Number(e.target.dataset.minutes) }, e.target.textContent));
  }
  $('advance-to-go').addEventListener('click', () => {
    const v = $('advance-to').value;
    advance({ to: (v.length === 16 ? v + ':00' : v) + '+0900' }, 'to ' + v);
  });
  $('clock-apply').addEventListener('click', () => act('clock mode', () => api('PATCH', shopPath('/clock'),
    { mode: $('clock-mode-select').value, speed: Number($('clock-speed').value) })));
  $('place-order').addEventListener('submit', placeOrder);
  $('journal-filter').addEventListener('submit', (e) => { e.preventDefault(); loadJournal(); });
  window.addEventListener('hashchange', () => loadShops().catch((e) => say(e.message, true)));
  // A wall clock moves by itself: show its now.
  setInterval(async () => {
    if (shopId && clockMode === 'wall' && !document.hidden) {
      try { renderClock(await api('GET', shopPath('/clock'))); } catch (e) { /* the next tick tries again */ }
    }
  }, 1000);
  loadShops().catch((e) => say(e.message, true));
}

document.addEventListener('DOMContentLoaded', init);
