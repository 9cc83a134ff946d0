/*
 * vigil's analyst workbench: one page over vigild's API (GuardDuty's operations plus
 * /v1/events, /v1/activity and /metrics).
 *
 * Every string a finding or a log holds was written by whoever made the log entry.  This file
 * therefore builds the DOM with createElement and text nodes only (h() below): no innerHTML,
 * no document.write, no URL built from log text except our own "#/..." routes with encoded
 * parts.  The server's Content-Security-Policy forbids inline script as a second wall.
 * The API token lives in sessionStorage and travels in the X-Vigil-Token header, never in a URL.
 */
'use strict';

/* ---------- DOM ---------- */

const SAFE_ATTRS = new Set(['class', 'title', 'type', 'value', 'name', 'placeholder', 'id',
  'for', 'rows', 'cols', 'maxlength', 'min', 'max', 'step', 'checked', 'disabled', 'selected',
  'role', 'aria-label', 'data-sev', 'data-id', 'data-test', 'colspan', 'width', 'height',
  'viewBox', 'x', 'y', 'rx', 'fill', 'd', 'x1', 'x2', 'y1', 'y2', 'stroke', 'text-anchor',
  'font-size', 'autocomplete', 'open']);
const SVG_NS = 'http://www.w3.org/2000/svg';
const SVG_TAGS = new Set(['svg', 'rect', 'line', 'text', 'g', 'title', 'path']);

function h(tag, attrs, ...kids) {
  const svg = SVG_TAGS.has(tag) && (tag !== 'title' || (attrs && attrs.svg));
  const el = svg ? document.createElementNS(SVG_NS, tag) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false || k === 'svg') continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'href') el.setAttribute('href', route(v));
    else if (SAFE_ATTRS.has(k)) el.setAttribute(k, v === true ? '' : String(v));
    else throw new Error('attribute not allowed: ' + k);
  }
  for (const kid of kids.flat(Infinity)) {
    if (kid === undefined || kid === null || kid === false) continue;
    el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }
  return el;
}

/* Only the page's own routes become links. */
function route(v) {
  if (typeof v !== 'string' || !v.startsWith('#/')) throw new Error('not a route: ' + v);
  return v;
}

function link(path, params, ...kids) {
  const q = params ? new URLSearchParams(Object.entries(params).filter(([, v]) => v != null && v !== '')).toString() : '';
  return h('a', { href: '#/' + path + (q ? '?' + q : '') }, ...kids);
}

function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); return el; }

/* ---------- formatting ---------- */

function sevBand(s) { return s >= 7 ? 'High' : s >= 4 ? 'Medium' : 'Low'; }
function sevBadge(s) { const b = sevBand(s); return h('span', { class: 'sev sev-' + b.toLowerCase(), 'data-sev': b }, b + ' ' + Number(s).toFixed(1)); }
function fmtTime(iso) { return iso ? String(iso).replace('T', ' ').replace(/\.\d+Z$/, 'Z') : ''; }
function fmtBytes(n) {
  const u = ['B', 'KB', 'MB', 'GB', 'TB']; let i = 0; n = Number(n);
  while (n >= 1024 && i < u.length - 1) { n /= 1024; i++; }
  return (i ? n.toFixed(1) : String(n)) + ' ' + u[i];
}
function plural(n, w) { return n + ' ' + w + (n === 1 ? '' : 's'); }
function isoPlus(iso, ms) { return new Date(Date.parse(iso) + ms).toISOString(); }

/* ---------- the API ---------- */

const api = {
  token: sessionStorage.getItem('vigil.token') || '',
  detector: null,
  async call(method, path, body) {
    const headers = {};
    if (this.token) headers['X-Vigil-Token'] = this.token;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store', credentials: 'omit' });
    const text = await r.text();
    let data;
    try { data = text ? JSON.parse(text) : {}; } catch (e) { data = { message: text }; }
    if (r.status === 401) { askToken(data.message); throw new Error('a token is needed'); }
    if (!r.ok) throw new Error(data.message || ('HTTP ' + r.status));
    return data;
  },
  get(path) { return this.call('GET', path); },
  post(path, body) { return this.call('POST', path, body || {}); },
  async det() {
    if (!this.detector) this.detector = (await this.get('/detector')).detectorIds[0];
    return this.detector;
  },
  async d(path, body) { return this.post('/detector/' + await this.det() + path, body); },
  async findings(ids) {
    if (!ids.length) return [];
    const out = [];
    for (let i = 0; i < ids.length; i += 50)
      out.push(...(await this.d('/findings/get', { findingIds: ids.slice(i, i + 50) })).findings);
    return out;
  },
  async metrics() {
    const r = await fetch('/metrics', { headers: this.token ? { 'X-Vigil-Token': this.token } : {}, cache: 'no-store', credentials: 'omit' });
    if (r.status === 401) { askToken(); throw new Error('a token is needed'); }
    const m = {};
    for (const line of (await r.text()).split('\n')) {
      const mm = /^([a-z_]+)(\{[^}]*\})? ([0-9.e+-]+)$/.exec(line);
      if (mm) m[mm[1] + (mm[2] || '')] = Number(mm[3]);
    }
    return m;
  },
};

function askToken(why) {
  const app = clear(document.getElementById('app'));
  const input = h('input', { type: 'password', id: 'token', autocomplete: 'off', placeholder: 'token' });
  app.append(h('section', { class: 'card narrow' },
    h('h2', null, 'vigild wants an API token'),
    h('p', null, why || 'This vigild was started with a tokens file. Paste a token of yours (read tokens can look, admin tokens can also archive and write filters). It is kept for this browser tab only and sent in a header, never in a URL.'),
    h('form', { onsubmit: (e) => { e.preventDefault(); api.token = input.value.trim(); sessionStorage.setItem('vigil.token', api.token); render(); } },
      input, ' ', h('button', { type: 'submit' }, 'Use token'))));
}

/* ---------- entities: what a pivot is about ---------- */

const ENTITY = {
  accessKey: { label: 'access key', criteria: (v) => [{ 'resource.accessKeyDetails.accessKeyId': { eq: [v] } }] },
  user: { label: 'user or role', criteria: (v) => [{ 'resource.accessKeyDetails.userName': { eq: [v] } }] },
  instance: { label: 'instance', criteria: (v) => [{ 'resource.instanceDetails.instanceId': { eq: [v] } }] },
  eni: { label: 'network interface', criteria: (v) => [{ 'resource.instanceDetails.networkInterfaces.networkInterfaceId': { eq: [v] } }] },
  ip: {
    /* the remote side of a connection, an API call or a probe, or one of our interfaces */
    label: 'IP address', criteria: (v) => {
      const k = v.includes(':') ? 'ipAddressV6' : 'ipAddressV4';
      return ['service.action.networkConnectionAction.remoteIpDetails.' + k, 'service.action.awsApiCallAction.remoteIpDetails.' + k,
        'service.action.portProbeAction.portProbeDetails.remoteIpDetails.' + k,
        'resource.instanceDetails.networkInterfaces.privateIpAddress'].map((path) => ({ [path]: { eq: [v] } }));
    },
  },
  domain: { label: 'domain', criteria: (v) => [{ 'service.action.dnsRequestAction.domain': { eq: [v] } }] },
  bucket: { label: 'S3 bucket', criteria: (v) => [{ 'resource.s3BucketDetails.name': { eq: [v] } }] },
  account: { label: 'account', criteria: (v) => [{ accountId: { eq: [v] } }] },
};

/* What a typed-in text most likely names. */
function entityOf(text) {
  const t = text.trim();
  if (/^(AKIA|ASIA)[A-Z0-9]{12,}$/.test(t)) return ['accessKey', t];
  if (/^i-[0-9a-f]{8,17}$/.test(t)) return ['instance', t];
  if (/^eni-[0-9a-f]{8,17}$/.test(t)) return ['eni', t];
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(t) || /^[0-9a-f:]+:[0-9a-f:]*$/i.test(t)) return ['ip', t];
  if (/^\d{12}$/.test(t)) return ['account', t];
  if (/^[a-z0-9-]+(\.[a-z0-9-]+)+\.?$/i.test(t)) return ['domain', t.replace(/\.$/, '')];
  return ['user', t];
}

function entityLink(kind, value, at, ...kids) {
  if (!value) return null;
  return link('entity/' + kind + '/' + encodeURIComponent(value), { at }, ...(kids.length ? kids : [value]));
}

/* The entity a finding is about. */
function resourceOf(f) {
  const r = f.resource || {};
  if (r.accessKeyDetails && r.accessKeyDetails.accessKeyId) return ['accessKey', r.accessKeyDetails.accessKeyId, (r.accessKeyDetails.userName || '') + ' (' + r.accessKeyDetails.accessKeyId + ')'];
  if (r.accessKeyDetails && r.accessKeyDetails.userName) return ['user', r.accessKeyDetails.userName, r.accessKeyDetails.userName];
  const inst = r.instanceDetails || {};
  if (inst.instanceId) return ['instance', inst.instanceId, inst.instanceId];
  const eni = (inst.networkInterfaces || [])[0];
  if (eni && eni.networkInterfaceId) return ['eni', eni.networkInterfaceId, eni.networkInterfaceId + (eni.privateIpAddress ? ' (' + eni.privateIpAddress + ')' : '')];
  const b = (r.s3BucketDetails || [])[0];
  if (b && b.name) return ['bucket', b.name, b.name];
  return ['account', f.accountId, 'account ' + f.accountId];
}

function localIp(n) { const d = n.localIpDetails || {}; return d.ipAddressV4 || d.ipAddressV6 || ''; }
/* epoch seconds as the list's time, '' when absent */
function epochTime(sec) { return Number.isFinite(sec) ? fmtTime(new Date(sec * 1000).toISOString()) : ''; }

function remoteIpOf(f) {
  const a = (f.service || {}).action || {};
  const d = (a.networkConnectionAction || a.awsApiCallAction || {}).remoteIpDetails;
  return d ? (d.ipAddressV4 || d.ipAddressV6) : null;
}

function infoOf(f) {
  try { return JSON.parse(((f.service || {}).additionalInfo || {}).value || '{}'); } catch (e) { return {}; }
}

/* ---------- finding search ---------- */

/* Finding ids for one or more criteria.  Several are OR-ed (an address is a field of several
 * kinds of finding): each is asked for its first 50, and `capped` says when one had more. */
async function findIds(criteriaList, sort, token) {
  if (criteriaList.length === 1) {
    const r = await api.d('/findings', { findingCriteria: { criterion: criteriaList[0] }, sortCriteria: sort, maxResults: 50, nextToken: token || undefined });
    return { ids: r.findingIds, next: r.nextToken || null, capped: false, merged: false };
  }
  const seen = new Set();
  let capped = false;
  for (const c of criteriaList) {
    const r = await api.d('/findings', { findingCriteria: { criterion: c }, sortCriteria: sort, maxResults: 50 });
    r.findingIds.forEach((id) => seen.add(id));
    capped = capped || !!r.nextToken;
  }
  return { ids: [...seen], next: null, capped, merged: true };
}

/* The findings of findIds' answer in the list's order: GetFindings keeps the order of the ids
 * it is given, which is ListFindings' own unless several answers were merged. */
async function findingsOf(r, sort) {
  const fs = await api.findings(r.ids);
  if (!r.merged) return fs;
  const key = (f) => sort.attributeName.split('.').reduce((o, k) => (o == null ? o : o[k]), f);
  const dir = sort.orderBy === 'ASC' ? 1 : -1;
  return fs.sort((x, y) => { const a = key(x), b = key(y); return (a < b ? -1 : a > b ? 1 : 0) * dir; });
}

function baseCriteria(p) {
  const c = {};
  if (p.sev === 'high') c.severity = { gte: 7 };
  else if (p.sev === 'medium') c.severity = { gte: 4, lt: 7 };
  else if (p.sev === 'low') c.severity = { lt: 4 };
  if (p.type) c.type = { eq: [p.type] };
  if (p.rtype) c['resource.resourceType'] = { eq: [p.rtype] };
  if (p.account) c.accountId = { eq: [p.account] };
  if (p.archived !== 'all') c['service.archived'] = { eq: [p.archived === 'true' ? 'true' : 'false'] };
  return c;
}

/* ---------- views ---------- */

const views = {};
let current = null;

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, query] = raw.split('?');
  const decode = (x) => { try { return decodeURIComponent(x); } catch (e) { return x; } };
  return { parts: path.split('/').map(decode), params: Object.fromEntries(new URLSearchParams(query || '')) };
}

async function render() {
  const { parts, params } = parseHash();
  const name = parts[0] || 'overview';
  document.querySelectorAll('[data-nav]').forEach((a) => a.classList.toggle('on', a.dataset.nav === name || (name === 'finding' && a.dataset.nav === 'findings')));
  const app = clear(document.getElementById('app'));
  const view = Object.hasOwn(views, name) ? views[name] : views.overview;
  current = { name, refresh: null };
  const mine = current;
  try {
    await view(app, parts.slice(1), params, mine);
  } catch (e) {
    if (mine === current && !/token/.test(e.message)) app.append(h('p', { class: 'error' }, 'Could not load: ' + e.message));
  }
}

/* ---- overview ---- */

views.overview = async (app, _parts, _params, me) => {
  const live = { 'service.archived': { eq: ['false'] } };
  const stats = (body) => api.d('/findings/statistics', body);
  const [sevStats, byType, byRes, metrics, days] = await Promise.all([
    stats({ findingStatisticTypes: ['COUNT_BY_SEVERITY'], findingCriteria: { criterion: live } }),
    stats({ groupBy: 'FINDING_TYPE', findingCriteria: { criterion: live }, orderBy: 'DESC', maxResults: 15 }),
    stats({ groupBy: 'RESOURCE', findingCriteria: { criterion: live }, orderBy: 'DESC', maxResults: 10 }),
    api.metrics().catch(() => ({})),
    Promise.all([['High', { gte: 7 }], ['Medium', { gte: 4, lt: 7 }], ['Low', { lt: 4 }]].map(async ([band, sev]) =>
      [band, (await stats({ groupBy: 'EVENT_DATE', findingCriteria: { criterion: { ...live, severity: sev } }, maxResults: 100 })).findingStatistics.groupedByEventDate || []])),
  ]);
  /* the five most frequent types, day by day, for their sparklines */
  const top = (byType.findingStatistics.groupedByFindingType || []).slice(0, 5);
  const typeDays = Object.fromEntries(await Promise.all(top.map(async (t) =>
    [t.findingType, (await stats({ groupBy: 'EVENT_DATE', findingCriteria: { criterion: { ...live, type: { eq: [t.findingType] } } }, maxResults: 100 })).findingStatistics.groupedByEventDate || []])));
  if (me !== current) return;
  const bands = { High: 0, Medium: 0, Low: 0 };
  for (const [k, n] of Object.entries(sevStats.findingStatistics.countBySeverity || {})) bands[sevBand(Number(k))] += n;
  const total = bands.High + bands.Medium + bands.Low;
  app.append(h('h1', null, 'Overview'),
    h('div', { class: 'cards' },
      ...['High', 'Medium', 'Low'].map((b) => link('findings', { sev: b.toLowerCase() }, h('div', { class: 'card stat sev-' + b.toLowerCase(), 'data-test': 'count-' + b.toLowerCase() }, h('div', { class: 'big' }, bands[b]), h('div', null, b + ' severity')))),
      link('findings', null, h('div', { class: 'card stat' }, h('div', { class: 'big', 'data-test': 'count-total' }, total), h('div', null, 'open findings')))),
    h('section', { class: 'card' }, h('h2', null, 'Findings by day and severity'), dayChart(days)),
    h('div', { class: 'cols' },
      h('section', { class: 'card' }, h('h2', null, 'By type'), typeBars(byType.findingStatistics.groupedByFindingType || [], typeDays, chartDates(days))),
      h('section', { class: 'card' }, h('h2', null, 'Most affected resources'), topResources(byRes.findingStatistics.groupedByResource || []))),
    h('section', { class: 'card' }, h('h2', null, 'Ingest health'), ingestHealth(metrics)));
  me.refresh = async () => {
    const r = await stats({ findingStatisticTypes: ['COUNT_BY_SEVERITY'], findingCriteria: { criterion: live } });
    const now = Object.values(r.findingStatistics.countBySeverity || {}).reduce((x, y) => x + y, 0);
    if (me === current && now !== total) render();
  };
};

/* The days the by-day chart shows: the last 30 with findings. */
function chartDates(days) {
  const all = new Set();
  for (const [, rows] of days) for (const r of rows) all.add(r.date);
  return [...all].sort().slice(-30);
}

function dayChart(days) {
  const byDay = {};
  for (const [band, rows] of days) for (const r of rows) (byDay[r.date] = byDay[r.date] || { High: 0, Medium: 0, Low: 0 })[band] += r.totalFindings;
  const dates = chartDates(days);
  if (!dates.length) return h('p', { class: 'muted' }, 'No findings yet.');
  const W = 720, H = 180, pad = 28, bw = Math.max(6, Math.min(40, (W - pad) / dates.length - 4));
  const max = Math.max(...dates.map((d) => byDay[d].High + byDay[d].Medium + byDay[d].Low));
  const bars = [];
  dates.forEach((d, i) => {
    let y = H - 20;
    const x = pad + i * ((W - pad) / dates.length);
    for (const band of ['Low', 'Medium', 'High']) {
      const n = byDay[d][band];
      if (!n) continue;
      const bh = (n / max) * (H - 40);
      y -= bh;
      bars.push(h('rect', { class: 'bar-' + band.toLowerCase(), x: x.toFixed(1), y: y.toFixed(1), width: bw.toFixed(1), height: bh.toFixed(1) }, h('title', { svg: true }, d + ': ' + n + ' ' + band)));
    }
    if (dates.length <= 12 || i % Math.ceil(dates.length / 12) === 0) bars.push(h('text', { x: (x + bw / 2).toFixed(1), y: H - 4, 'text-anchor': 'middle', 'font-size': 10 }, d.slice(5)));
  });
  return h('div', null, h('svg', { class: 'chart', viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': 'findings per day by severity' },
    h('text', { x: 0, y: 12, 'font-size': 10 }, String(max)), h('line', { x1: pad - 4, x2: W, y1: H - 20, y2: H - 20, stroke: '#999' }), bars),
  h('p', { class: 'legend' }, h('span', { class: 'key key-high' }), 'High ', h('span', { class: 'key key-medium' }), 'Medium ', h('span', { class: 'key key-low' }), 'Low (by the day of each finding\'s latest activity, in event time)'));
}

/* Types by count; the top ones with a sparkline of their findings per day. */
function typeBars(rows, typeDays, dates) {
  if (!rows.length) return h('p', { class: 'muted' }, 'No findings yet.');
  const max = Math.max(...rows.map((r) => r.totalFindings));
  return h('table', { class: 'bars' }, rows.map((r) => h('tr', null,
    h('td', null, link('findings', { type: r.findingType }, r.findingType)),
    h('td', { class: 'num' }, r.totalFindings),
    h('td', { class: 'barcell' }, h('span', { class: 'hbar', title: r.totalFindings + ' findings' }, ''.padEnd(Math.max(1, Math.round(20 * r.totalFindings / max)), ' '))),
    h('td', null, Object.hasOwn(typeDays, r.findingType) ? sparkline(typeDays[r.findingType], dates) : null))));
}

function sparkline(rows, dates) {
  const per = Object.fromEntries(rows.map((r) => [r.date, r.totalFindings]));
  const max = Math.max(1, ...dates.map((d) => per[d] || 0));
  const W = 90, H = 16, bw = W / Math.max(1, dates.length);
  return h('svg', { class: 'spark', width: W, height: H, viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': 'per day' },
    dates.map((d, i) => (per[d] ? h('rect', { class: 'bar-act', x: (i * bw).toFixed(1), y: (H - (per[d] / max) * H).toFixed(1), width: Math.max(1, bw - 1).toFixed(1), height: ((per[d] / max) * H).toFixed(1) }, h('title', { svg: true }, d + ': ' + per[d])) : null)));
}

function topResources(rows) {
  if (!rows.length) return h('p', { class: 'muted' }, 'No findings yet.');
  return h('table', { class: 'grid' }, h('tr', null, h('th', null, 'Resource'), h('th', null, 'Type'), h('th', null, 'Account'), h('th', { class: 'num' }, 'Findings')),
    rows.map((r) => {
      /* the server names the access key of an S3 finding made with one, so go by the id */
      const kind = entityOf(r.resourceId || '')[0];
      return h('tr', null, h('td', null, r.resourceId ? entityLink(kind, r.resourceId) : h('span', { class: 'muted' }, '(not named in the logs)')), h('td', null, r.resourceType), h('td', null, r.accountId), h('td', { class: 'num' }, r.totalFindings));
    }));
}

function ingestHealth(m) {
  if (!('vigil_watermark_seconds' in m)) return h('p', { class: 'muted' }, 'No service metrics (is this vigild?).');
  const wm = m.vigil_watermark_seconds * 1000;
  const lagH = wm ? (Date.now() - wm) / 3600e3 : null;
  const rows = [
    ['Newest log read (event time)', wm ? fmtTime(new Date(wm).toISOString()) + (lagH > 1 ? '  (' + lagH.toFixed(1) + ' h behind the clock: replayed or delayed logs)' : '') : 'none yet'],
    ['Log pieces read since start', (m.vigil_files_total || 0) + ' (+ ' + (m.vigil_files_replayed_total || 0) + ' replayed from the ledger)'],
    ['Records parsed', m.vigil_records_total || 0],
    ['Bad records (reported, skipped)', m.vigil_bad_records_total || 0],
    ['Late pieces', m.vigil_files_late_total || 0],
    ['Findings written (new / updated / suppressed)', (m.vigil_findings_new_total || 0) + ' / ' + (m.vigil_findings_updated_total || 0) + ' / ' + (m.vigil_findings_suppressed_total || 0)],
    ['Detector state evictions', m.vigil_state_evictions_total || 0],
    ['Store commit errors', m.vigil_commit_errors_total || 0],
  ];
  const n = m.vigil_arrival_to_commit_seconds_count;
  if (n) rows.push(['Mean arrival-to-queryable', (m.vigil_arrival_to_commit_seconds_sum / n).toFixed(2) + ' s over ' + n + ' pieces']);
  return h('table', { class: 'kv', 'data-test': 'ingest' }, rows.map(([k, v]) => h('tr', null, h('th', null, k), h('td', { class: (/Bad|errors/.test(k) && v) ? 'warn' : '' }, v))));
}

/* ---- findings list ---- */

views.findings = async (app, _parts, params, me) => {
  const p = { sev: '', type: '', rtype: '', account: '', archived: 'false', q: '', sort: 'severity', order: 'DESC', filter: '', ...params };
  const go = (change) => { location.hash = '#/findings?' + new URLSearchParams(Object.entries({ ...p, ...change }).filter(([, v]) => v)).toString(); };
  const [types, accounts, filters] = await Promise.all([
    api.d('/findings/statistics', { groupBy: 'FINDING_TYPE', maxResults: 100 }).then((r) => r.findingStatistics.groupedByFindingType || []).catch(() => []),
    api.d('/findings/statistics', { groupBy: 'ACCOUNT', maxResults: 100 }).then((r) => r.findingStatistics.groupedByAccount || []).catch(() => []),
    api.get('/detector/' + await api.det() + '/filter').then((r) => r.filterNames || []).catch(() => []),
  ]);
  if (me !== current) return;
  const select = (name, label, options) => h('label', null, label + ' ', h('select', { name, 'aria-label': label, onchange: (e) => go({ [name]: e.target.value }) },
    options.map(([v, t]) => h('option', { value: v, selected: p[name] === v }, t))));
  const search = h('input', { type: 'search', name: 'q', value: p.q, placeholder: 'access key, instance, IP, domain, user, account', 'aria-label': 'search' });
  app.append(h('h1', null, 'Findings'),
    h('form', { class: 'filters', onsubmit: (e) => { e.preventDefault(); go({ q: search.value.trim() }); } },
      select('sev', 'Severity', [['', 'any'], ['high', 'High'], ['medium', 'Medium'], ['low', 'Low']]),
      select('type', 'Type', [['', 'any'], ...types.map((t) => [t.findingType, t.findingType + ' (' + t.totalFindings + ')'])]),
      select('rtype', 'Resource', [['', 'any'], ['AccessKey', 'AccessKey'], ['Instance', 'Instance'], ['S3Bucket', 'S3Bucket']]),
      select('account', 'Account', [['', 'any'], ...accounts.map((a) => [a.account, a.account])]),
      select('archived', 'Archived', [['false', 'open'], ['true', 'archived'], ['all', 'both']]),
      select('filter', 'Saved filter', [['', 'none'], ...filters.map((f) => [f, f])]),
      search, h('button', { type: 'submit' }, 'Search'),
      (p.q || p.sev || p.type || p.rtype || p.account || p.filter || p.archived !== 'false') ? link('findings', null, 'clear') : null));
  const sortable = [['severity', 'Severity'], ['type', 'Type'], [null, 'Resource'], ['accountId', 'Account / Region'], ['service.count', 'Count'], ['service.eventFirstSeen', 'First seen'], ['service.eventLastSeen', 'Last seen'], [null, 'Title']];
  const head = h('tr', null, sortable.map(([k, t]) => h('th', null, k ? h('button', { class: 'linklike', type: 'button', onclick: () => go({ sort: k, order: p.sort === k && p.order === 'DESC' ? 'ASC' : 'DESC' }) }, t + (p.sort === k ? (p.order === 'DESC' ? ' ▼' : ' ▲') : '')) : t)));
  const body = h('tbody');
  const status = h('p', { class: 'muted', 'data-test': 'list-status' });
  const more = h('button', { type: 'button', class: 'more' }, 'Load more');
  app.append(h('table', { class: 'grid findings', 'data-test': 'findings' }, h('thead', null, head), body), status, more);

  let crit = baseCriteria(p);
  if (p.filter) {
    const f = await api.get('/detector/' + await api.det() + '/filter/' + encodeURIComponent(p.filter));
    if (me !== current) return;
    /* what the menus say wins over what the filter says of the same field */
    crit = { ...((f.findingCriteria || {}).criterion || {}), ...crit };
  }
  let list = [crit];
  if (p.q) {
    const [kind, value] = Object.hasOwn(ENTITY, p.kind || '') ? [p.kind, p.q] : entityOf(p.q);
    list = ENTITY[kind].criteria(value).map((c) => ({ ...crit, ...c }));
    status.append('Showing findings whose ' + ENTITY[kind].label + ' is ' + value + '. ', entityLink(kind, value, null, 'Open its timeline'));
  }
  const sort = { attributeName: p.sort, orderBy: p.order };
  if (!p.q) app.insertBefore(saveFilterForm(crit), status);
  let next = null, shown = [];
  const load = async (reset) => {
    const r = await findIds(list, sort, reset ? null : next);
    const fs = await findingsOf(r, sort);
    if (me !== current) return;
    next = r.next;
    if (r.capped) status.append(' Only the first 50 findings of each kind are shown: narrow the search with the menus.');
    if (reset) { clear(body); shown = []; }
    shown.push(...fs.map((f) => f.id + f.updatedAt));
    fs.forEach((f) => body.append(findingRow(f)));
    more.hidden = !next;
    if (!body.firstChild) body.append(h('tr', null, h('td', { colspan: 8, class: 'muted' }, 'No findings match.')));
  };
  more.addEventListener('click', () => load(false));
  await load(true);
  /* live: redraw when the first page changed (a new finding, a new occurrence) */
  me.refresh = async () => {
    const r = await findIds(list, sort, null);
    const fs = await findingsOf(r, sort);
    if (me !== current) return;
    const sig = fs.map((f) => f.id + f.updatedAt);
    if (sig.join() !== shown.slice(0, sig.length).join()) { next = r.next; clear(body); shown = sig; fs.forEach((f) => body.append(findingRow(f, true))); more.hidden = !next; }
  };
};

/* Keep the list's criteria as a saved filter (a NOOP filter: it archives nothing). */
function saveFilterForm(criterion) {
  const name = h('input', { name: 'savename', placeholder: 'name for these criteria', maxlength: 64, 'aria-label': 'saved filter name' });
  const msg = h('span', { class: 'msg', role: 'status' });
  return h('form', { class: 'savefilter', onsubmit: async (e) => {
    e.preventDefault();
    try {
      await api.d('/filter', { name: name.value.trim(), action: 'NOOP', rank: 1, description: 'Saved from the workbench list.', findingCriteria: { criterion } });
      clear(msg).append('Saved: it is in the "Saved filter" menu.');
    } catch (err) { clear(msg).append(h('span', { class: 'error' }, err.message)); }
  } }, name, ' ', h('button', { type: 'submit' }, 'Save as filter'), ' ', msg);
}

function findingRow(f, fresh) {
  const [kind, value, label] = resourceOf(f);
  const s = f.service || {};
  return h('tr', { class: fresh ? 'fresh' : '', 'data-id': f.id },
    h('td', null, sevBadge(f.severity)),
    h('td', { class: 'type' }, link('finding/' + encodeURIComponent(f.id), null, f.type), s.archived ? h('span', { class: 'tag' }, 'archived') : null),
    h('td', null, entityLink(kind, value, s.eventLastSeen, label)),
    h('td', null, f.accountId, h('br'), h('span', { class: 'muted' }, f.region)),
    h('td', { class: 'num' }, s.count),
    h('td', { class: 'time' }, fmtTime(s.eventFirstSeen)),
    h('td', { class: 'time' }, fmtTime(s.eventLastSeen)),
    h('td', null, link('finding/' + encodeURIComponent(f.id), null, f.title)));
}

/* ---- one finding ---- */

/* Why a family of findings matters and where to look first, in the words an on-call analyst
 * needs.  Matched against the type in order; the first match wins. */
const FAMILIES = [
  [/Tor(IPCaller|Client|Relay)/, 'Tor hides who is on the other end. A workload or a credential talking to Tor is rarely legitimate: it is a classic way to exfiltrate data, reach a command server or use stolen credentials anonymously.'],
  [/MaliciousIPCaller\.Custom|\.Custom$/, 'The address or domain is on a threat list your team loaded. How much to trust it depends on that list: check its source and age.'],
  [/MaliciousIPCaller|MaliciousDomainRequest|DropPoint|BlackholeTraffic|C&CActivity/, 'The remote side is known for malicious activity (command and control, malware drops, sinkholed botnet infrastructure). Contact with it often means the host already runs something it should not.'],
  [/BitcoinTool|BitcoinDomain/, 'Crypto-mining pools and wallets: an instance that talks to them is usually mining for someone else, paid from your account.'],
  [/Portscan|PortSweep/, 'The instance is scanning other hosts. Either someone runs a scanner on it on purpose, or it is compromised and probing its neighbours.'],
  [/PortProbe/, 'Internet hosts reached an open port on this instance. It is exposed: anyone can try exploits or passwords against the service there.'],
  [/BruteForce/, 'Many attempts against a login service: a password-guessing attack. Success is what matters: look for a session from the same address after the attempts.'],
  [/DenialOfService/, 'The instance is sending the traffic pattern of a denial-of-service attack: it is likely part of a botnet.'],
  [/Spambot/, 'The instance talks SMTP to many mail servers: it is likely sending spam for someone else.'],
  [/DGADomain/, 'The queried names look machine-generated, the way malware finds its command server among thousands of throw-away domains.'],
  [/DNSDataExfiltration/, 'Data hidden in DNS queries: a way to move data out through a channel most firewalls let pass.'],
  [/MetadataDNSRebind/, 'A domain that resolves to the instance metadata address: a way to trick software on the instance into handing its role credentials to an attacker.'],
  [/UnusualDNSResolver|UnusualDoH|UnusualDoT/, 'The instance bypasses your DNS resolver, so DNS logs and DNS firewalls no longer see what it looks up.'],
  [/Phishing|DriveBy|Suspicious|Abused/, 'The domain is used to serve phishing pages or malicious downloads, or has a poor reputation.'],
  [/CloudTrailLoggingDisabled|ServerAccessLoggingDisabled|BedrockLoggingDisabled/, 'Logging was turned off. Attackers do this right before the actions they do not want you to see.'],
  [/PasswordPolicyChange/, 'The account password policy was weakened, which makes later password attacks easier.'],
  [/RootCredentialUsage/, 'The root user can do anything and cannot be restricted by policies. Routine use of root is a risk in itself; unexpected use is an incident.'],
  [/KaliLinux|ParrotLinux|PentooLinux/, 'The calls came from a penetration-testing distribution. Unless a pentest is scheduled, someone is attacking with your credentials.'],
  [/BlockPublicAccess|PublicAccessGranted|AnonymousAccessGranted/, 'A bucket can now be read or written by anyone on the internet.'],
  [/NetworkPortUnusual|TrafficVolumeUnusual/, 'The instance departs from its own history: a new port or far more traffic than usual.'],
  [/TrustedListTooWide/, 'A trusted-IP list covers so much of the internet that it silences real findings.'],
];

function familyWhy(type) {
  for (const [re, why] of FAMILIES) if (re.test(type)) return why;
  return null;
}

function threatPhrase(f) {
  const t = ((f.service || {}).evidence || {}).threatIntelligenceDetails || [];
  if (!t.length) return '';
  return t.map((x) => (x.threatNames || []).join(', ') + ' on list "' + x.threatListName + '"').join('; ');
}

/* Plain-words account of what happened, per kind of action. */
function whatHappened(f, volume) {
  const s = f.service || {}, a = s.action || {}, info = infoOf(f);
  const [, , res] = resourceOf(f);
  const threat = threatPhrase(f);
  const when = s.count > 1 ? ' ' + s.count + ' times between ' + fmtTime(s.eventFirstSeen) + ' and ' + fmtTime(s.eventLastSeen) : ' at ' + fmtTime(s.eventLastSeen);
  if (a.actionType === 'NETWORK_CONNECTION' && info.threshold !== undefined && info.windowSeconds) {
    /* a counting detector (scan, sweep, brute force, DoS, spam): what it counted says more than
     * the one connection kept as the action */
    const measure = ['distinctPorts', 'distinctHosts', 'attempts', 'packets', 'connections'].find((k) => info[k] !== undefined);
    const [, , res2] = resourceOf(f);
    return 'Instance ' + res2 + ' reached ' + (measure ? info[measure] + ' ' + words(measure) : 'the detector\'s count') + ' within ' + duration(info.windowSeconds) +
      ' (the threshold is ' + info.threshold + ')' + when + '. The connection shown is the latest one counted. This comes from VPC flow logs.';
  }
  if (a.actionType === 'NETWORK_CONNECTION') {
    const n = a.networkConnectionAction, rip = remoteIpOf(f);
    const out = n.connectionDirection === 'OUTBOUND';
    let t = 'Instance ' + res + (out ? ' opened connections to ' : n.connectionDirection === 'INBOUND' ? ' accepted connections from ' : ' exchanged traffic with ') + rip +
      ' (' + n.protocol + ' port ' + (out ? n.remotePortDetails : n.localPortDetails || n.remotePortDetails).port + ')' + when + '.';
    if (volume) t += ' The ' + plural(volume.records, 'flow record') + ' below carry ' + volume.packets + ' packets and ' + fmtBytes(volume.bytes) + (volume.remotes > 1 ? ' with ' + volume.remotes + ' distinct remote addresses' : '') + '.';
    t += ' This comes from VPC flow logs' + (threat ? ' matched against ' + threat : '') + '.';
    return t;
  }
  if (a.actionType === 'AWS_API_CALL') {
    const c = a.awsApiCallAction, ak = (f.resource || {}).accessKeyDetails || {};
    const ok = !c.errorCode;
    let t = 'Someone holding the credentials of ' + (ak.userName || 'an unknown principal') + ' (' + (ak.userType || 'unknown type') + ') made ' + (ok ? 'successful' : 'failed (' + c.errorCode + ')') +
      ' API calls: ' + c.api + ' on ' + (c.serviceName || 'AWS') + when;
    const rip = remoteIpOf(f);
    if (rip) t += ', from ' + rip;
    else if (c.domainDetails && c.domainDetails.domain) t += ', through ' + c.domainDetails.domain;
    if (threat) t += ', which is ' + threat;
    t += '.';
    if (info.apiCalls && info.apiCalls.length > 1) t += ' ' + info.apiCalls.length + ' different APIs were called this way (listed below).';
    return t + ' This comes from CloudTrail.';
  }
  if (a.actionType === 'DNS_REQUEST') {
    const d = a.dnsRequestAction;
    return 'Instance ' + res + ' asked the DNS resolver for ' + d.domain + when + '.' + (threat ? ' The domain is ' + threat + '.' : '') + ' This comes from Route 53 Resolver query logs.';
  }
  if (a.actionType === 'PORT_PROBE') {
    const d = a.portProbeAction.portProbeDetails || [];
    const ports = [...new Set(d.map((x) => (x.localPortDetails || {}).port))];
    const ips = [...new Set(d.map((x) => (x.remoteIpDetails || {}).ipAddressV4 || (x.remoteIpDetails || {}).ipAddressV6))];
    return 'Hosts on the internet reached port ' + ports.join(', ') + ' of instance ' + res + ', which accepted the traffic: ' + plural(ips.length, 'distinct source') + when + '.' + (threat ? ' Sources include ' + threat + '.' : '') + ' This comes from VPC flow logs.';
  }
  return f.description;
}

/* "distinctPorts" -> "distinct ports" */
function words(key) { return key.replace(/([A-Z])/g, ' $1').toLowerCase(); }
function duration(seconds) { return seconds % 3600 === 0 ? plural(seconds / 3600, 'hour') : seconds % 60 === 0 ? plural(seconds / 60, 'minute') : plural(seconds, 'second'); }

/* What the kind of credential says about how it was obtained. */
function credentials(f) {
  const ak = (f.resource || {}).accessKeyDetails;
  if (!ak) return null;
  const info = infoOf(f), key = ak.accessKeyId || '';
  let kind, meaning;
  if (ak.userType === 'Root') {
    kind = 'The account root user' + (key.startsWith('ASIA') ? ' (a console or temporary session)' : key ? ' (a root access key)' : '');
    meaning = 'Root can do anything and should almost never be used. Confirm who holds the root password and MFA device; if this was not them, reset the root password, remove root access keys and review everything done.';
  } else if (key.startsWith('AKIA')) {
    kind = 'A long-lived IAM user access key (AKIA...)';
    meaning = 'It never expires. If its use is not expected, assume it leaked (public repository, CI log, laptop): deactivate it, create a new one for the owner, and search your code and CI history for it.';
  } else if (key.startsWith('ASIA')) {
    kind = 'A temporary session (ASIA...), valid 1 to 12 hours';
    meaning = 'Temporary credentials are issued to a role session, a federated or console user. Misuse points at where the session was taken: SSRF to the instance metadata service, a compromised workload (instance, Lambda, container), or a stolen console/SSO session. Find the AssumeRole or GetSessionToken call that issued it, and revoke the role\'s active sessions.';
  } else {
    kind = 'Credentials of unknown kind';
    meaning = 'The log did not name an access key (a service acting for the principal, or a console session).';
  }
  return h('section', { class: 'card', 'data-test': 'credentials' }, h('h2', null, 'Credentials'),
    h('p', null, h('strong', null, kind), info.credentialType ? ' — vigil recorded: ' + info.credentialType : ''),
    h('p', null, meaning),
    kv([['Access key', entityLink('accessKey', key, (f.service || {}).eventLastSeen)], ['Principal', ak.userName ? entityLink('user', ak.userName, (f.service || {}).eventLastSeen) : null], ['Principal ID', ak.principalId], ['Principal ARN', info.principalArn], ['Identity type', ak.userType],
      ['Session issuer', info.sessionIssuer], ['MFA', info.mfaAuthenticated === undefined ? null : String(info.mfaAuthenticated)]]));
}

function kv(rows) {
  return h('table', { class: 'kv' }, rows.filter(([, v]) => v !== undefined && v !== null && v !== '').map(([k, v]) => h('tr', null, h('th', null, k), h('td', null, v))));
}

function ipContext(label, d, at) {
  if (!d) return null;
  const ip = d.ipAddressV4 || d.ipAddressV6;
  const o = d.organization || {}, c = d.country || {}, aws = d.awsIpRange || {}, pd = d.passiveDns;
  return h('div', { class: 'ipctx', 'data-test': 'ip-context' }, h('h3', null, label),
    kv([['Address', entityLink('ip', ip, at)],
      ['AS', o.asn ? 'AS' + o.asn + (o.asnOrg ? ' ' + o.asnOrg : '') : null],
      ['Country', c.countryCode ? (c.countryName ? c.countryName + ' (' + c.countryCode + ')' : c.countryCode) : null],
      ['City', (d.city || {}).cityName],
      ['AWS', aws.region ? (aws.services || []).join(', ') + ' in ' + aws.region + (aws.prefix ? ' (' + aws.prefix + ')' : '') : null],
      ['Passive DNS', pd && pd.domains && pd.domains.length ? h('ul', null, pd.domains.map((x) => h('li', null, entityLink('domain', x.domain, at), ' — answered ' + plural(x.answers, 'time') + ', ' + fmtTime(x.firstSeen) + ' to ' + fmtTime(x.lastSeen))), pd.otherDomains ? h('li', { class: 'muted' }, pd.otherDomains + ' other names') : null) : null]]),
    !o.asn && !c.countryCode ? h('p', { class: 'muted' }, 'No ASN or country data loaded (see `make enrich-data` in the README).') : null);
}

/* Packets, bytes and distinct remote ends of the flow records a finding kept. */
function flowVolume(records, local) {
  let packets = 0, bytes = 0, n = 0;
  const remotes = new Set();
  for (const r of records) {
    const f = flowFields(r.record, r.fields);
    if (!f || !/^\d+$/.test(f.packets || '') || !/^\d+$/.test(f.bytes || '')) continue;
    packets += Number(f.packets); bytes += Number(f.bytes); n++;
    remotes.add(f.srcaddr === local ? f.dstaddr : f.srcaddr);
  }
  return n ? { records: n, packets, bytes, remotes: remotes.size } : null;
}

const V2_FIELDS = ['version', 'account-id', 'interface-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'packets', 'bytes', 'start', 'end', 'action', 'log-status'];

/* A flow record's fields by name: from its file's header when the answer gives it, else the
 * default (version 2) layout; null when neither fits. */
function flowFields(text, header) {
  const f = (text || '').trim().split(/\s+/);
  const names = header ? header.trim().split(/\s+/).map((n) => n.replace(/^\$\{|\}$/g, '')) : V2_FIELDS;
  if (f.length !== names.length || (!header && f[0] !== '2')) return null;
  return Object.fromEntries(names.map((n, i) => [n, f[i]]));
}

function pretty(text, header) {
  const t = (text || '').trim();
  if (t.startsWith('{')) { try { return JSON.stringify(JSON.parse(t), null, 2); } catch (e) { return t; } }
  const f = flowFields(t, header);
  if (!f) return t;
  return t + '\n' + Object.entries(f).map(([n, v]) => n.padEnd(13) + v + ((n === 'start' || n === 'end') && /^\d{1,11}$/.test(v) ? '  (' + epochTime(Number(v)) + ')' : '')).join('\n');
}

views.finding = async (app, parts, _params, me) => {
  const id = parts[0];
  const [f] = await api.findings([id]);
  if (me !== current) return;
  if (!f) { app.append(h('p', { class: 'error' }, 'No finding ' + id + '.')); return; }
  const s = f.service || {}, info = infoOf(f);
  const [kind, value, label] = resourceOf(f);
  const rip = remoteIpOf(f), at = s.eventLastSeen;
  const a = s.action || {};
  const explanation = h('p', { class: 'what', 'data-test': 'explanation' }, whatHappened(f, null));
  const why = familyWhy(f.type);
  app.append(h('p', { class: 'crumbs' }, link('findings', null, 'Findings'), ' / ', f.id),
    h('h1', { 'data-id': f.id }, sevBadge(f.severity), ' ', f.title),
    h('p', { class: 'type' }, f.type, ' · ', f.accountId, ' · ', f.region, s.archived ? h('span', { class: 'tag' }, 'archived') : null),
    h('section', { class: 'card explain' }, h('h2', null, 'What happened'), explanation,
      why ? h('p', { 'data-test': 'why' }, h('strong', null, 'Why it matters: '), why) : null,
      h('p', { class: 'muted' }, 'vigil\'s description: ', f.description)));
  const steps = h('ul', { class: 'pivots', 'data-test': 'pivots' });
  if (info.nextSteps) steps.append(h('li', null, info.nextSteps));
  if (kind === 'accessKey') steps.append(h('li', null, link('entity/accessKey/' + encodeURIComponent(value), { at, span: '1h' }, 'All activity of access key ' + value + ' within an hour of the last occurrence')));
  const ak = (f.resource || {}).accessKeyDetails || {};
  if (ak.userName) steps.append(h('li', null, link('entity/user/' + encodeURIComponent(ak.userName), { at, span: '24h' }, 'Everything ' + ak.userName + ' did that day')));
  const eni = (((f.resource || {}).instanceDetails || {}).networkInterfaces || [])[0];
  const host = kind === 'instance' ? value : eni && eni.networkInterfaceId;
  if (host && rip) steps.append(h('li', null, link('entity/' + (kind === 'instance' ? 'instance' : 'eni') + '/' + encodeURIComponent(host), { at, span: '1h', and: rip }, 'All flows of ' + host + ' with ' + rip + ' within an hour')));
  if (rip) steps.append(h('li', null, entityLink('ip', rip, at, 'Everything vigil saw from or to ' + rip)));
  if (a.dnsRequestAction) steps.append(h('li', null, entityLink('domain', a.dnsRequestAction.domain, at, 'Every query for ' + a.dnsRequestAction.domain)));
  steps.append(h('li', null, link('findings', { q: value, kind, archived: 'all' }, 'Other findings on ' + label)));
  if (host && kind !== 'accessKey') steps.append(h('li', null, 'On the host: find the process behind the connections (ss -tnp, lsof -i), when it started and who started it; compare with the instance\'s image.'));
  app.append(h('section', { class: 'card' }, h('h2', null, 'Next steps'), steps));
  const cred = credentials(f);
  if (cred) app.append(cred);

  const ctx = h('section', { class: 'card', 'data-test': 'context' }, h('h2', null, 'Context'));
  const ti = (s.evidence || {}).threatIntelligenceDetails || [];
  if (ti.length) ctx.append(h('h3', null, 'Threat intelligence'), kv(ti.map((t) => [t.threatListName, (t.threatNames || []).join(', ') + (t.threatFileSha256 ? '  (list sha256 ' + t.threatFileSha256.slice(0, 12) + '...)' : '')])));
  const n = a.networkConnectionAction, c = a.awsApiCallAction;
  if (n) ctx.append(ipContext('Remote address', n.remoteIpDetails, at), kv([['Direction', n.connectionDirection], ['Protocol', n.protocol], ['Local', localIp(n) + ':' + (n.localPortDetails || {}).port], ['Remote port', (n.remotePortDetails || {}).port + ' (' + (n.remotePortDetails || {}).portName + ')'], ['Blocked', String(n.blocked)]]));
  if (c) ctx.append(ipContext('Caller address', c.remoteIpDetails, at), kv([['API', c.api], ['Service', c.serviceName], ['User agent', c.userAgent], ['Error', c.errorCode], ['Caller type', c.callerType]]));
  if (a.dnsRequestAction) ctx.append(kv([['Domain', entityLink('domain', a.dnsRequestAction.domain, at)], ['With suffix', a.dnsRequestAction.domainWithSuffix], ['Protocol', a.dnsRequestAction.protocol], ['Blocked', String(a.dnsRequestAction.blocked)]]));
  if (a.portProbeAction) ctx.append(h('h3', null, 'Probes (every distinct source and port kept)'), h('table', { class: 'grid' }, h('tr', null, h('th', null, 'Source'), h('th', null, 'AS / country'), h('th', null, 'Local port')),
    (a.portProbeAction.portProbeDetails || []).map((d) => { const r = d.remoteIpDetails || {}; return h('tr', null, h('td', null, entityLink('ip', r.ipAddressV4 || r.ipAddressV6, at)), h('td', null, [(r.organization || {}).asnOrg, (r.country || {}).countryCode].filter(Boolean).join(' / ')), h('td', null, (d.localPortDetails || {}).port)); })));
  const agg = [['Occurrences', s.count], ['First seen', fmtTime(s.eventFirstSeen)], ['Last seen', fmtTime(s.eventLastSeen)], ['Resource', entityLink(kind, value, at, label)], ['Finding created', fmtTime(f.createdAt)], ['Updated', fmtTime(f.updatedAt)]];
  ctx.append(h('h3', null, 'Aggregation'), kv(agg));
  if (info.apiCalls && info.apiCalls.length) ctx.append(h('table', { class: 'grid' }, h('tr', null, h('th', null, 'API'), h('th', { class: 'num' }, 'Calls'), h('th', null, 'First'), h('th', null, 'Last')),
    info.apiCalls.map((x) => h('tr', null, h('td', null, x.name), h('td', { class: 'num' }, x.count), h('td', null, epochTime(x.firstSeen)), h('td', null, epochTime(x.lastSeen))))));
  const other = Object.entries(info).filter(([k]) => !['apiCalls', 'nextSteps', 'threatListName', 'threatName', 'credentialType', 'principalArn', 'sample'].includes(k));
  if (other.length) ctx.append(h('h3', null, 'More from the detector'), kv(other.map(([k, v]) => [words(k), typeof v === 'object' ? JSON.stringify(v) : String(v)])));
  app.append(ctx);

  const ev = h('section', { class: 'card', 'data-test': 'evidence' }, h('h2', null, 'Evidence: the log records'), h('p', { class: 'muted' }, 'Loading...'));
  app.append(ev, actions(f));
  try {
    const r = await api.get('/v1/events?findingId=' + encodeURIComponent(f.id));
    if (me !== current) return;
    clear(ev).append(h('h2', null, 'Evidence: the log records'), h('p', { class: 'muted' }, 'The ' + plural(r.records.length, 'record') + ' vigil kept for this finding (the first and latest occurrences), read back from the log files.'));
    for (const rec of r.records) {
      ev.append(h('details', { class: 'record', open: r.records.length <= 3 },
        h('summary', null, (rec.source || '').split('/').pop(), rec.line ? ' line ' + rec.line : ' @' + rec.offset, rec.error ? ' — ' + rec.error : ''),
        h('p', { class: 'muted path' }, rec.source),
        rec.record ? h('pre', { class: 'raw' }, pretty(rec.record, rec.fields)) : null));
    }
    const volume = n ? flowVolume(r.records, localIp(n)) : null;
    if (volume) clear(explanation).append(whatHappened(f, volume));
  } catch (e) {
    clear(ev).append(h('h2', null, 'Evidence'), h('p', { class: 'error' }, 'Could not read the records: ' + e.message));
  }
};

function actions(f) {
  const s = f.service || {};
  const msg = h('p', { class: 'msg', 'data-test': 'action-msg', role: 'status' });
  const done = (t) => { clear(msg).append(t); };
  const fail = (e) => { clear(msg).append(h('span', { class: 'error' }, e.message)); };
  const archive = h('button', { type: 'button', 'data-test': 'archive', onclick: async () => {
    try {
      await api.d(s.archived ? '/findings/unarchive' : '/findings/archive', { findingIds: [f.id] });
      s.archived = !s.archived;
      clear(archive).append(s.archived ? 'Unarchive' : 'Archive');
      done(s.archived ? 'Archived.' : 'Unarchived.');
    } catch (e) { fail(e); }
  } }, s.archived ? 'Unarchive' : 'Archive');
  const comment = h('textarea', { rows: 2, cols: 50, maxlength: 2048, placeholder: 'Comment (optional): why useful or not', 'aria-label': 'feedback comment' });
  const feedback = (v) => async () => {
    try { await api.d('/findings/feedback', { findingIds: [f.id], feedback: v, comments: comment.value || undefined }); done('Feedback recorded: ' + (v === 'USEFUL' ? 'useful' : 'not useful') + '.'); } catch (e) { fail(e); }
  };
  return h('section', { class: 'card', 'data-test': 'actions' }, h('h2', null, 'Actions'),
    h('p', null, archive, ' ', h('button', { type: 'button', onclick: feedback('USEFUL'), 'data-test': 'useful' }, 'Useful'), ' ', h('button', { type: 'button', onclick: feedback('NOT_USEFUL'), 'data-test': 'not-useful' }, 'Not useful')),
    h('p', null, comment), msg, suppressForm(f, done, fail));
}

/* A suppression rule from this finding: an ARCHIVE filter whose criteria start from the
 * finding's own type, resource and remote address, with vigild's owner, reason and expiresAt
 * (after which the rule stops archiving, without anyone deleting it). */
function suppressForm(f, done, fail) {
  const [kind, value] = resourceOf(f);
  const crit = Object.hasOwn(ENTITY, kind) ? ENTITY[kind].criteria(value)[0] : {};
  const rip = remoteIpOf(f);
  const options = [['type', 'Type is ' + f.type, { type: { eq: [f.type] } }], ['resource', 'Resource is ' + value, crit], ['account', 'Account is ' + f.accountId, { accountId: { eq: [f.accountId] } }]];
  if (rip) options.push(['remote', 'Remote address is ' + rip, ENTITY.ip.criteria(rip)[(((f.service || {}).action || {}).actionType === 'AWS_API_CALL') ? 1 : 0]]);
  const boxes = options.map(([k, t, c]) => { const b = h('input', { type: 'checkbox', checked: true, name: k }); b.crit = c; return h('label', { class: 'check' }, b, ' ', t); });
  const slug = f.type.replace(/[^A-Za-z0-9]+/g, '-').slice(0, 40);
  const name = h('input', { name: 'filtername', value: ('suppress-' + slug).slice(0, 64), maxlength: 64, 'aria-label': 'filter name' });
  const owner = h('input', { name: 'owner', placeholder: 'owner (you)', maxlength: 64, 'aria-label': 'owner' });
  const reason = h('input', { name: 'reason', placeholder: 'why this is expected', maxlength: 300, 'aria-label': 'reason' });
  const expiry = h('input', { type: 'date', name: 'expiry', 'aria-label': 'expiry' });
  const submit = async (e) => {
    e.preventDefault();
    const criterion = {};
    boxes.forEach((l) => { const b = l.querySelector('input'); if (b.checked) Object.assign(criterion, b.crit); });
    if (!Object.keys(criterion).length) { fail(new Error('choose at least one condition')); return; }
    if (!owner.value.trim() || !reason.value.trim()) { fail(new Error('a suppression rule needs an owner and a reason')); return; }
    const body = { name: name.value.trim(), action: 'ARCHIVE', rank: 1, description: 'Made from finding ' + f.id + ' in the workbench.', owner: owner.value.trim(), reason: reason.value.trim(), findingCriteria: { criterion } };
    if (expiry.value) body.expiresAt = expiry.value + 'T00:00:00Z';
    try {
      await api.d('/filter', body);
      done('Suppression rule "' + name.value.trim() + '" created: matching findings vigild writes from now on are archived.');
    } catch (err) { fail(err); }
  };
  return h('details', { class: 'suppress' }, h('summary', null, 'Create a suppression rule from this finding'),
    h('form', { onsubmit: submit, 'data-test': 'suppress' }, boxes, h('p', null, name, ' ', owner, ' ', reason, ' ', h('label', null, 'expires ', expiry)), h('button', { type: 'submit' }, 'Create rule')));
}

/* ---- entity timeline ---- */

const SPANS = { '1h': 3600e3, '6h': 6 * 3600e3, '24h': 24 * 3600e3, '7d': 7 * 24 * 3600e3 };

views.entity = async (app, parts, params, me) => {
  const [kind, value] = [parts[0], parts.slice(1).join('/')];
  const ent = Object.hasOwn(ENTITY, kind) ? ENTITY[kind] : null;
  if (!ent || !value) { app.append(h('p', { class: 'error' }, 'Unknown entity.')); return; }
  if (value.length < 3) { app.append(h('p', { class: 'error' }, 'Give at least 3 characters to look for.')); return; }
  const span = SPANS[params.span] ? params.span : '24h';
  app.append(h('p', { class: 'crumbs' }, link('findings', null, 'Findings'), ' / ', ent.label),
    h('h1', null, value, ' ', h('span', { class: 'muted' }, ent.label)));
  const sort = { attributeName: 'service.eventLastSeen', orderBy: 'DESC' };
  const r = await findIds(ent.criteria(value).map((c) => ({ ...c })), sort, null);
  const fs = await api.findings(r.ids);
  if (me !== current) return;
  fs.sort((x, y) => String(y.service.eventLastSeen).localeCompare(String(x.service.eventLastSeen)));
  let at = params.at;
  if (!at && fs.length) at = fs[0].service.eventLastSeen;
  if (!at) { const m = await api.metrics().catch(() => ({})); at = m.vigil_watermark_seconds ? new Date(m.vigil_watermark_seconds * 1000).toISOString() : new Date().toISOString(); }
  if (me !== current) return;
  const half = SPANS[span] / 2;
  const from = isoPlus(at, -half), to = isoPlus(at, half);
  app.append(h('section', { class: 'card' }, h('h2', null, plural(fs.length, 'finding') + ' on this ' + ent.label),
    fs.length ? h('table', { class: 'grid findings' }, h('tbody', null, fs.map((f) => findingRow(f)))) : h('p', { class: 'muted' }, 'None.')));
  const spanLinks = Object.keys(SPANS).map((k) => k === span ? h('strong', null, k) : link('entity/' + kind + '/' + encodeURIComponent(value), { at, span: k, and: params.and }, k));
  const card = h('section', { class: 'card', 'data-test': 'activity' }, h('h2', null, 'Raw activity ', params.and ? 'with ' + params.and + ' ' : '', 'from ', fmtTime(from), ' to ', fmtTime(to)),
    h('p', null, 'Window: ', spanLinks.map((x, i) => [i ? ' · ' : '', x]), ' around ', fmtTime(at)), h('p', { class: 'muted' }, 'Reading the logs...'));
  app.append(card);
  const q = new URLSearchParams({ term: value, from, to, limit: '500', buckets: '60' });
  if (params.and) q.set('and', params.and);
  const act = await api.get('/v1/activity?' + q.toString());
  if (me !== current) return;
  card.lastChild.remove();
  card.append(h('p', null, plural(act.matched, 'record') + ' in ' + plural(act.filesRead, 'log file') + ' (' + fmtBytes(act.bytesRead) + ' read)' + (act.complete ? '' : ' — the search stopped at its read limit: narrow the window') + (act.returned < act.matched ? '; the first ' + act.returned + ' are listed' : '') + '.'),
    activityChart(act, from, fs));
  const recs = act.records.slice().sort((x, y) => x.eventTime.localeCompare(y.eventTime));
  card.append(h('table', { class: 'grid activity' }, h('tr', null, h('th', null, 'Event time'), h('th', null, 'Log'), h('th', null, 'What')),
    recs.map((rec) => h('tr', null, h('td', { class: 'time' }, fmtTime(rec.eventTime)), h('td', null, rec.kind),
      h('td', null, h('details', null, h('summary', null, summarize(rec)), h('pre', { class: 'raw' }, pretty(rec.record, rec.fields)), h('p', { class: 'muted path' }, rec.source, rec.line ? ':' + rec.line : '')))))));
};

/* Records per time bucket, with a red mark where a finding on the entity was last seen. */
function activityChart(act, from, findings) {
  const W = 720, H = 120, n = act.counts.length, max = Math.max(1, ...act.counts);
  const bw = W / n;
  const t0 = Date.parse(from), span = n * act.bucketMs;
  const marks = findings.map((f) => [f, Date.parse(f.service.eventLastSeen) - t0]).filter(([, dt]) => dt >= 0 && dt < span);
  return h('svg', { class: 'chart', viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': 'activity over time' },
    marks.map(([f, dt]) => h('line', { class: 'mark', x1: (dt / span * W).toFixed(1), x2: (dt / span * W).toFixed(1), y1: 12, y2: H - 14 }, h('title', { svg: true }, f.type + ' at ' + f.service.eventLastSeen))),
    h('line', { x1: 0, x2: W, y1: H - 14, y2: H - 14, stroke: '#999' }),
    h('text', { x: 2, y: 10, 'font-size': 10 }, 'max ' + max + ' per ' + Math.round(act.bucketMs / 60000) + ' min'),
    act.counts.map((c, i) => c ? h('rect', { class: 'bar-act', x: (i * bw).toFixed(1), y: (H - 14 - (c / max) * (H - 30)).toFixed(1), width: Math.max(1, bw - 1).toFixed(1), height: ((c / max) * (H - 30)).toFixed(1) },
      h('title', { svg: true }, new Date(t0 + i * act.bucketMs).toISOString() + ': ' + c)) : null),
    [0, Math.floor(n / 2), n - 1].map((i) => h('text', { x: (i * bw).toFixed(1), y: H - 2, 'font-size': 10 }, new Date(t0 + i * act.bucketMs).toISOString().slice(11, 16))));
}

/* One line per record: the fields an analyst scans for. */
function summarize(rec) {
  const t = (rec.record || '').trim();
  if (rec.kind === 'vpcflow') {
    const f = flowFields(t, rec.fields);
    return f && f.srcaddr ? f.srcaddr + ':' + f.srcport + ' → ' + f.dstaddr + ':' + f.dstport + ' proto ' + f.protocol + ', ' + f.packets + ' packets, ' + fmtBytes(f.bytes) + ', ' + f.action : t.slice(0, 160);
  }
  try {
    const j = JSON.parse(t);
    if (rec.kind === 'cloudtrail') return [j.eventName, j.eventSource, 'from ' + j.sourceIPAddress, j.errorCode ? 'error ' + j.errorCode : 'ok', ((j.userIdentity || {}).arn || '')].join(' · ');
    if (rec.kind === 'dns') return [j.query_name, j.query_type, j.rcode, 'from ' + (j.srcaddr || ''), (j.answers || []).map((a) => a.Rdata).join(' ')].join(' · ');
  } catch (e) { /* shown raw below */ }
  return t.slice(0, 160);
}

/* ---------- start ---------- */

window.addEventListener('hashchange', render);
document.getElementById('entity-jump').addEventListener('submit', (e) => {
  e.preventDefault();
  const input = document.getElementById('entity-jump-input');
  if (!input.value.trim()) return;
  const [kind, value] = entityOf(input.value);
  location.hash = '#/entity/' + kind + '/' + encodeURIComponent(value);
});
setInterval(async () => {
  const live = document.getElementById('live');
  if (!current || !current.refresh || document.hidden) return;
  try { await current.refresh(); live.classList.remove('stale'); } catch (e) { live.classList.add('stale'); }
}, 5000);
render();
