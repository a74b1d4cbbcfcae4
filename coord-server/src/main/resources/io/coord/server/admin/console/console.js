// Coord's web console: plain DOM, no framework, no build step. Everything shown comes from the
// AdminServer's commands (/commands/...) and the console API (/console/api/...). Node data and
// paths are user content: they go into the page through textContent only, never as HTML.
'use strict';

const POLL_MS = 2000;
const SPARK_POINTS = 60;
const state = {
  tab: 'tree', path: '/', view: 'text', node: null, auth: sessionStorage.getItem('coord.auth'),
  latency: [], throughput: [], lastPackets: null, lastPollMs: null, eventsAfter: 0,
};

function $(id) { return document.getElementById(id); }

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

function row(cells) {
  const tr = el('tr');
  for (const c of cells) {
    const td = el('td');
    if (c instanceof Node) td.appendChild(c); else td.textContent = c === undefined || c === null ? '' : String(c);
    tr.appendChild(td);
  }
  return tr;
}

function fill(tableId, rows) {
  const body = $(tableId).tBodies[0];
  body.replaceChildren(...rows);
}

async function api(url, options) {
  const headers = Object.assign({}, (options && options.headers) || {});
  if (state.auth) headers['Authorization'] = 'digest ' + state.auth;
  const r = await fetch(url, Object.assign({}, options || {}, { headers }));
  let body = null;
  try { body = parseJson(await r.text()); } catch (e) { body = { error: 'HTTP ' + r.status }; }
  if (!r.ok || (body && body.error)) {
    const err = new Error((body && body.error) || ('HTTP ' + r.status));
    err.status = r.status;
    throw err;
  }
  return body;
}

// Session ids and zxids are 64-bit: a JS number keeps 53 bits, so integers beyond that are read
// from their source text as BigInt (two sessions of one server differ only in the low bits).
function parseJson(text) {
  return JSON.parse(text, (key, value, context) =>
    typeof value === 'number' && !Number.isSafeInteger(value) && Number.isInteger(value) && context && context.source
      ? BigInt(context.source) : value);
}

function command(name) { return api('/commands/' + name); }

function hex(n) {
  try { return '0x' + BigInt(n).toString(16); } catch (e) { return String(n); }
}

// ---- tabs and routing: #/some/path opens a node; #overview etc. open a tab ----
function route() {
  const h = decodeURIComponent(location.hash.slice(1));
  if (h.startsWith('/')) { state.tab = 'tree'; state.path = h; }
  else if (['overview', 'sessions', 'watches', 'events'].includes(h)) { state.tab = h; }
  else { state.tab = 'tree'; }
  for (const s of document.querySelectorAll('.tab-page')) s.classList.toggle('active', s.id === 'tab-' + state.tab);
  for (const a of document.querySelectorAll('.tab')) a.classList.toggle('active', a.dataset.tab === state.tab);
  if (state.tab === 'tree') openNode(state.path);
  refresh();
}

// ---- ensemble at a glance ----
async function pollOverview() {
  const [srvr, mntr] = await Promise.all([command('srvr'), command('monitor')]);
  const st = srvr.server_stats;
  $('server-summary').textContent = st.server_state + ' · ' + srvr.version.split(/[ ,]/)[0] + ' · zxid ' + hex(st.last_processed_zxid);
  $('ov-state').textContent = st.server_state;
  $('ov-zxid').textContent = hex(st.last_processed_zxid);
  $('ov-znodes').textContent = mntr.znode_count;
  $('ov-sessions').textContent = mntr.global_sessions;
  $('ov-watches').textContent = mntr.watch_count;
  $('ov-latency').textContent = Number(mntr.avg_latency).toFixed(2);
  const now = Date.now();
  if (state.lastPackets !== null) {
    const perSec = (mntr.packets_received - state.lastPackets) * 1000 / Math.max(1, now - state.lastPollMs);
    push(state.throughput, perSec);
    $('ov-throughput').textContent = perSec.toFixed(1);
  }
  state.lastPackets = mntr.packets_received; state.lastPollMs = now;
  push(state.latency, Number(mntr.avg_latency));
  spark('spark-latency', state.latency); spark('spark-throughput', state.throughput);
  if (state.tab === 'overview') await members(mntr);
}

function push(series, v) { series.push(v); if (series.length > SPARK_POINTS) series.shift(); }

function spark(id, series) {
  const svg = $(id);
  const max = Math.max(1e-9, ...series);
  const pts = series.map((v, i) => (i * 120 / (SPARK_POINTS - 1)).toFixed(1) + ',' + (29 - v * 28 / max).toFixed(1));
  const line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
  line.setAttribute('points', pts.join(' '));
  svg.replaceChildren(line);
}

async function members(mntr) {
  const view = await command('voting_view');
  let leaderId = null;
  try { leaderId = (await command('leader')).leader_id; } catch (e) { /* standalone or looking */ }
  let me = null;
  try { me = (await command('zabstate')).myid; } catch (e) { /* standalone */ }
  const ids = Object.keys(view.current_config || {});
  if (ids.length === 0) {
    fill('members', [row(['–', 'standalone', '', mntr.server_state, '', ''])]);
    return;
  }
  fill('members', ids.map(id => {
    const v = view.current_config[id];
    const role = String(leaderId) === id ? 'leader' : 'follower';
    const lagZ = mntr['coord_follower_' + id + '_lag_zxids'];
    const lagMs = mntr['coord_follower_' + id + '_lag_ms'];
    return row([id + (String(me) === id ? ' (this)' : ''), v.server_addresses.join(', '), v.client_address, role,
      lagZ === undefined ? '' : lagZ, lagMs === undefined ? '' : lagMs]);
  }));
}

// ---- tree browser: lazy, children paged ----
const PAGE = 100;

function treeItem(path) {
  const li = el('li');
  const name = path === '/' ? '/' : path.slice(path.lastIndexOf('/') + 1);
  const toggle = el('span', '▸', 'toggle');
  const link = el('a', name, 'znode');
  link.href = '#' + path; link.dataset.path = path;
  li.dataset.path = path;
  toggle.addEventListener('click', () => expand(li, path));
  li.append(toggle, link);
  return li;
}

async function expand(li, path, offset) {
  let ul = li.querySelector(':scope > ul');
  if (ul && !offset) { ul.remove(); li.firstChild.textContent = '▸'; return; }
  if (!ul) { ul = el('ul'); li.appendChild(ul); }
  li.firstChild.textContent = '▾';
  const base = path === '/' ? '/' : path + '/';
  try {
    const page = await api('/console/api/children?path=' + encodeURIComponent(path) + '&offset=' + (offset || 0) + '&limit=' + PAGE);
    const more = ul.querySelector(':scope > li.more');
    if (more) more.remove();
    for (const c of page.children) ul.appendChild(treeItem(base + c));
    if (page.offset + page.children.length < page.total) {
      const m = el('li', 'more… (' + (page.total - page.offset - page.children.length) + ')', 'more');
      m.addEventListener('click', () => expand(li, path, page.offset + page.children.length));
      ul.appendChild(m);
    }
  } catch (e) {
    ul.replaceChildren(el('li', e.message, 'error'));
  }
}

async function revealInTree(path) {
  const tree = $('tree');
  if (!tree.firstChild) { const ul = el('ul'); ul.appendChild(treeItem('/')); tree.appendChild(ul); }
  let li = tree.querySelector('li[data-path="/"]');
  const parts = path.split('/').filter(p => p);
  let prefix = '';
  for (const p of parts) {
    if (!li.querySelector(':scope > ul')) await expand(li, li.dataset.path);
    prefix += '/' + p;
    const next = [...li.querySelectorAll(':scope > ul > li')].find(x => x.dataset.path === prefix);
    if (!next) break;
    li = next;
  }
  for (const a of tree.querySelectorAll('a.selected')) a.classList.remove('selected');
  const link = li.querySelector(':scope > a');
  if (link && link.dataset.path === path) link.classList.add('selected');
}

async function openNode(path) {
  state.path = path;
  $('node-path').textContent = path;
  $('node-error').textContent = '';
  revealInTree(path);
  try {
    state.node = await api('/console/api/node?path=' + encodeURIComponent(path));
  } catch (e) {
    state.node = null;
    $('node-error').textContent = e.message;
    $('node-data').textContent = '';
    fill('node-stat', []); fill('node-acl', []);
    return;
  }
  renderNode();
}

function bytesOf(node) {
  const bin = atob(node.data_base64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

function renderData(bytes) {
  if (state.view === 'hex') {
    const lines = [];
    for (let i = 0; i < bytes.length; i += 16) {
      const chunk = [...bytes.slice(i, i + 16)];
      lines.push(i.toString(16).padStart(8, '0') + '  ' + chunk.map(b => b.toString(16).padStart(2, '0')).join(' ').padEnd(48)
        + '  ' + chunk.map(b => (b >= 32 && b < 127 ? String.fromCharCode(b) : '.')).join(''));
    }
    return lines.join('\n');
  }
  const text = new TextDecoder('utf-8').decode(bytes);
  if (state.view === 'json') {
    try { return JSON.stringify(JSON.parse(text), null, 2); } catch (e) { return '(not JSON: ' + e.message + ')\n' + text; }
  }
  return text;
}

const PERMS = [[1, 'r'], [2, 'w'], [4, 'c'], [8, 'd'], [16, 'a']];

function renderNode() {
  const n = state.node;
  $('node-data').textContent = renderData(bytesOf(n));
  $('node-truncated').textContent = n.data_truncated ? 'showing the first ' + atob(n.data_base64).length + ' of ' + n.stat.dataLength + ' bytes' : '';
  for (const b of document.querySelectorAll('button.view')) b.classList.toggle('active', b.dataset.view === state.view);
  const s = n.stat;
  const stat = [['version', s.version], ['dataLength', s.dataLength], ['numChildren', s.numChildren], ['czxid', hex(s.czxid)],
    ['mzxid', hex(s.mzxid)], ['pzxid', hex(s.pzxid)], ['ctime', new Date(s.ctime).toISOString()],
    ['mtime', new Date(s.mtime).toISOString()], ['cversion', s.cversion], ['aversion', s.aversion],
    ['ephemeralOwner', hex(s.ephemeralOwner)]];
  fill('node-stat', stat.map(([k, v]) => { const r = row([k, v]); r.id = 'stat-' + k; return r; }));
  fill('node-acl', n.acl.map(a => row([a.scheme, a.id, PERMS.filter(([bit]) => a.perms & bit).map(([, c]) => c).join('')])));
  $('edit-version').textContent = s.version;
  $('edit').classList.toggle('hidden', !state.auth);
}

// ---- edits: only when signed in; the server's ACL check decides ----
async function edit(op, body) {
  $('edit-result').textContent = '…';
  try {
    const r = await api('/console/api/' + op, { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
    $('edit-result').textContent = op + ' done: ' + (r.path || '');
    const tree = $('tree'); tree.replaceChildren();
    openNode(op === 'delete' ? parentOf(state.path) : state.path);
  } catch (e) {
    $('edit-result').textContent = op + ' refused: ' + e.message;
  }
}

function parentOf(p) { const i = p.lastIndexOf('/'); return i <= 0 ? '/' : p.slice(0, i); }

// ---- sessions, watches, events ----
async function pollSessions() {
  const [cons, dump] = await Promise.all([command('connections'), command('dump')]);
  fill('connections', cons.connections.map(c => row([hex(c.session_id), c.remote_socket_address, c.session_timeout,
    c.packets_received, c.packets_sent, c.outstanding_requests])));
  const eph = dump.session_id_to_ephemeral_paths || {};
  fill('ephemerals', Object.keys(eph).map(id => row([hex(id), eph[id].join('\n')])));
}

async function pollWatches() {
  const [wchs, wchp] = await Promise.all([command('watch_summary'), command('watches_by_path')]);
  $('watch-summary').textContent = wchs.num_total_watches + ' watches on ' + wchs.num_paths + ' paths from ' + wchs.num_connections + ' connections';
  const byPath = wchp.path_to_session_ids || {};
  fill('watches', Object.keys(byPath).sort().map(p => row([p, byPath[p].map(hex).join(' ')])));
}

async function pollEvents() {
  const page = await api('/console/api/events?after=' + state.eventsAfter);
  state.eventsAfter = page.last;
  const body = $('events').tBodies[0];
  for (const e of page.events) {
    const link = el('a', e.path); link.href = '#' + e.path;
    body.insertBefore(row([new Date(e.time_ms).toLocaleTimeString(), e.type, link, hex(e.zxid)]), body.firstChild);
  }
  while (body.rows.length > 500) body.deleteRow(body.rows.length - 1);
}

async function refresh() {
  try {
    await pollOverview();
    if (state.tab === 'sessions') await pollSessions();
    if (state.tab === 'watches') await pollWatches();
    if (state.tab === 'events') await pollEvents();
  } catch (e) {
    $('server-summary').textContent = 'error: ' + e.message;
  }
}

function showAuth() {
  $('signed-in').textContent = state.auth ? 'signed in as ' + state.auth.slice(0, state.auth.indexOf(':')) : 'read-only';
  $('sign-in').textContent = state.auth ? 'Sign out' : 'Sign in to edit';
  if (state.node) renderNode();
}

function init() {
  window.addEventListener('hashchange', route);
  for (const b of document.querySelectorAll('button.view')) {
    b.addEventListener('click', () => { state.view = b.dataset.view; if (state.node) renderNode(); });
  }
  $('sign-in').addEventListener('click', () => {
    if (state.auth) { state.auth = null; sessionStorage.removeItem('coord.auth'); showAuth(); return; }
    $('login').showModal();
  });
  $('login').addEventListener('close', () => {
    const user = $('login-user').value;
    if ($('login').returnValue !== 'ok' || !user || user.includes(':')) return;
    state.auth = user + ':' + $('login-password').value;
    sessionStorage.setItem('coord.auth', state.auth);
    $('login-password').value = '';
    showAuth();
  });
  $('edit-set').addEventListener('click', () => edit('set', { path: state.path, data: $('edit-data').value, version: state.node ? state.node.stat.version : -1 }));
  $('edit-create').addEventListener('click', () => {
    const name = $('edit-child').value;
    edit('create', { path: (state.path === '/' ? '' : state.path) + '/' + name, data: $('edit-data').value });
  });
  $('edit-delete').addEventListener('click', () => {
    if (confirm('Delete ' + state.path + '?')) edit('delete', { path: state.path, version: state.node ? state.node.stat.version : -1 });
  });
  showAuth();
  route();
  setInterval(refresh, POLL_MS);
}

init();
