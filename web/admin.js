// The admin dashboard at /admin: polls the server API once a second and draws what it answers.
// Every request carries the API key the operator entered (kept in this tab's sessionStorage);
// the page itself holds no data. No external resources: charts are drawn on canvases here.

const API = '/api/v1';
const STORED_KEY = 'switchboard.admin.key';
const POLL_MS = 1000;
const WINDOW_SECONDS = 300;
const TRANSPORTS = ['websocket', 'sse', 'poll', 'grpc', 'grpc-subscribe'];
const TRANSPORT_COLORS = {
  websocket: '#2f6feb', sse: '#1a7f37', poll: '#b35900', grpc: '#8250df', 'grpc-subscribe': '#bf3989',
};
const MESSAGE_RATES = [
  { name: 'published', label: 'published to rooms / s', color: '#2f6feb' },
  { name: 'direct', label: 'direct messages / s', color: '#8250df' },
];
const DELIVERY_RATES = [{ name: 'deliveries', label: 'frames written to connections / s', color: '#1a7f37' }];
const MAX_MEMBERS_SHOWN = 200;

const $ = (id) => document.getElementById(id);

class Refused extends Error {}

let key = sessionStorage.getItem(STORED_KEY) ?? '';
let timer = null;
/** Bumped on every sign-in and sign-out: a poll of an earlier session neither renders nor goes on. */
let session = 0;
let polling = false;
let pollAgain = false;
let selectedRoom = null;
/** Samples for the charts, oldest first: { t, connections: {transport: n}, rates: {name: n} }. */
const samples = [];
/** Per node: the last report whose counters the rates were taken from, and those rates. */
const lastReports = new Map();
const nodeRates = new Map();

async function api(path, init = {}) {
  const headers = { Accept: 'application/json' };
  if (key) headers.Authorization = `Bearer ${key}`;
  const response = await fetch(API + path, { ...init, headers, cache: 'no-store' });
  if (response.status === 401 || response.status === 403) {
    throw new Refused(await problem(response));
  }
  if (!response.ok) throw new Error(await problem(response));
  return response.status === 204 ? null : response.json();
}

async function problem(response) {
  try {
    const body = await response.json();
    return `${response.status}: ${body.detail ?? body.title ?? response.statusText}`;
  } catch {
    return `${response.status} ${response.statusText}`;
  }
}

// --- signing in and out ---

async function open() {
  try {
    await api('/stats');
  } catch (error) {
    showLogin(error instanceof Refused ? (key ? 'The node refused this key.' : '') : `The node did not answer: ${error.message}`);
    return;
  }
  if (key) sessionStorage.setItem(STORED_KEY, key);
  $('login').hidden = true;
  $('dashboard').hidden = false;
  $('sign-out').hidden = !key;
  session++;
  refresh();
}

function showLogin(message) {
  session++;
  clearTimeout(timer);
  $('dashboard').hidden = true;
  $('login').hidden = false;
  $('sign-out').hidden = true;
  $('login-error').textContent = message;
  setStatus('idle', 'signed out');
  $('api-key').focus();
}

$('login').addEventListener('submit', (event) => {
  event.preventDefault();
  key = $('api-key').value.trim();
  open();
});

$('sign-out').addEventListener('click', () => {
  key = '';
  sessionStorage.removeItem(STORED_KEY);
  $('api-key').value = '';
  showLogin('');
});

// --- polling ---

/**
 * Polls now, or as soon as the poll under way ends: one poll at a time, so that rates are never
 * taken from two answers a few milliseconds apart.
 */
function refresh() {
  if (polling) {
    pollAgain = true;
    return;
  }
  clearTimeout(timer);
  poll();
}

async function poll() {
  const mine = session;
  polling = true;
  pollAgain = false;
  try {
    const room = selectedRoom;
    const [stats, rooms, presence] = await Promise.all([
      api('/stats'),
      api('/rooms'),
      room == null ? null : api(`/rooms/${encodeURIComponent(room)}/presence`),
    ]);
    if (mine !== session) return;
    record(stats);
    renderTiles(stats);
    renderNodes(stats);
    renderRooms(rooms.rooms);
    if (room === selectedRoom) renderMembers(room, presence);
    drawCharts();
    setStatus('live', `live · node ${stats.node.id} · ${new Date().toLocaleTimeString()}`);
  } catch (error) {
    if (mine !== session) return;
    if (error instanceof Refused) {
      showLogin('The node no longer accepts this key.');
      return;
    }
    setStatus('failing', `no answer: ${error.message}`);
  } finally {
    polling = false;
    if (!$('dashboard').hidden) {
      if (pollAgain) refresh(); // asked for during this poll, maybe by a newer session
      else if (mine === session) timer = setTimeout(poll, POLL_MS);
    }
  }
}

function setStatus(state, text) {
  $('status').dataset.state = state;
  $('status').textContent = text;
}

/**
 * Rates per node from the difference of its counters between two of its reports. A node that
 * restarted (another `started`) or has no report (stopped reporting) has no rate until its next
 * two reports.
 */
function record(stats) {
  const counters = ['publications', 'direct_messages', 'deliveries'];
  for (const report of stats.cluster) {
    const previous = lastReports.get(report.id);
    if (report.at == null) {
      lastReports.delete(report.id);
      nodeRates.delete(report.id);
      continue;
    }
    if (previous && report.at <= previous.at) continue;
    if (previous && previous.started === report.started && counters.every((c) => report[c] >= previous[c])) {
      const seconds = (report.at - previous.at) / 1000;
      nodeRates.set(report.id, {
        published: (report.publications - previous.publications) / seconds,
        direct: (report.direct_messages - previous.direct_messages) / seconds,
        deliveries: (report.deliveries - previous.deliveries) / seconds,
      });
    } else {
      nodeRates.delete(report.id);
    }
    lastReports.set(report.id, report);
  }
  const live = new Set(stats.cluster.map((report) => report.id));
  for (const id of [...lastReports.keys()]) {
    if (!live.has(id)) {
      lastReports.delete(id);
      nodeRates.delete(id);
    }
  }
  const connections = Object.fromEntries(TRANSPORTS.map((t) => [t, 0]));
  for (const report of stats.cluster) {
    for (const [transport, count] of Object.entries(report.transports ?? {})) {
      connections[transport] = (connections[transport] ?? 0) + count;
    }
  }
  samples.push({ t: Date.now(), connections, rates: clusterRates() });
  const oldest = Date.now() - WINDOW_SECONDS * 1000;
  while (samples.length > 0 && samples[0].t < oldest) samples.shift();
}

function clusterRates() {
  const total = { published: 0, direct: 0, deliveries: 0 };
  for (const rates of nodeRates.values()) {
    for (const name of Object.keys(total)) total[name] += rates[name];
  }
  return total;
}

// --- rendering ---

const number = new Intl.NumberFormat('en');
const rate = (value) => (value == null ? '–' : value < 10 ? value.toFixed(1) : number.format(Math.round(value)));

function renderTiles(stats) {
  $('tile-nodes').textContent = number.format(stats.nodes.length);
  $('tile-connections').textContent = number.format(stats.connections);
  $('tile-users').textContent = number.format(stats.users);
  $('tile-rooms').textContent = number.format(stats.rooms);
  const rates = clusterRates();
  $('tile-rate').textContent = nodeRates.size === 0 ? '–' : rate(rates.published + rates.direct);
}

function cell(text, attributes = {}) {
  const td = document.createElement('td');
  td.textContent = text;
  for (const [name, value] of Object.entries(attributes)) td.setAttribute(name, value);
  return td;
}

/** Replaces a table body's rows, unless they would be the same (keeps hover and focus steady). */
function replaceRows(tbody, rows, signature) {
  if (tbody.dataset.signature === signature) return;
  tbody.dataset.signature = signature;
  tbody.replaceChildren(...rows);
}

function emptyRow(columns, text) {
  const tr = document.createElement('tr');
  tr.append(cell(text, { colspan: String(columns), class: 'empty' }));
  return tr;
}

function renderNodes(stats) {
  const now = Date.now();
  const rows = stats.cluster.map((report) => {
    const tr = document.createElement('tr');
    tr.dataset.node = report.id;
    const rates = nodeRates.get(report.id);
    const self = report.id === stats.node.id;
    tr.append(cell(self ? `${report.id} (answering)` : report.id));
    if (report.at == null) {
      tr.append(cell('no report: starting, or stopped', { colspan: '12', class: 'muted' }));
      return tr;
    }
    const transports = report.transports ?? {};
    tr.append(
      cell(self ? 'live' : `${Math.max(0, Math.round((now - report.at) / 1000))} s`, { class: 'muted' }),
      ...TRANSPORTS.map((t) => cell(number.format(transports[t] ?? 0), { 'data-transport': t })),
      cell(number.format(report.connections), { 'data-field': 'connections' }),
      cell(number.format(report.users)),
      cell(number.format(report.rooms)),
      cell(rate(rates?.published)),
      cell(rate(rates?.direct)),
      cell(rate(rates?.deliveries)),
    );
    return tr;
  });
  const tbody = $('nodes').tBodies[0];
  const signature = JSON.stringify(rows.map((tr) => tr.textContent));
  replaceRows(tbody, rows.length ? rows : [emptyRow(13, 'No nodes.')], signature);
}

function renderRooms(rooms) {
  const rows = rooms.map((room) => {
    const tr = document.createElement('tr');
    tr.dataset.room = room.room;
    tr.setAttribute('aria-selected', String(room.room === selectedRoom));
    tr.append(cell(room.room), cell(number.format(room.members)), cell(number.format(room.connections)));
    tr.addEventListener('click', () => selectRoom(room.room));
    return tr;
  });
  const signature = JSON.stringify([selectedRoom, rooms]);
  replaceRows($('rooms').tBodies[0], rows.length ? rows : [emptyRow(3, 'No rooms have members.')], signature);
}

function selectRoom(room) {
  selectedRoom = room;
  for (const tr of $('rooms').tBodies[0].rows) tr.setAttribute('aria-selected', String(tr.dataset.room === room));
  $('members-title').textContent = `Members of ${room}`;
  replaceRows($('members').tBodies[0], [emptyRow(3, 'Loading…')], 'loading');
  refresh();
}

function renderMembers(room, presence) {
  if (room == null) return;
  const rows = presence.members.slice(0, MAX_MEMBERS_SHOWN).map((member) => {
    const tr = document.createElement('tr');
    tr.dataset.user = member.user_id;
    const button = document.createElement('button');
    button.className = 'ghost small';
    button.textContent = 'disconnect…';
    button.title = `Put ${member.user_id} in the disconnect form`;
    button.addEventListener('click', () => {
      $('disconnect-user').value = member.user_id;
      $('disconnect-user').focus();
    });
    const action = document.createElement('td');
    action.append(button);
    tr.append(cell(member.user_id), cell(number.format(member.connections)), action);
    return tr;
  });
  const more = presence.members.length - rows.length;
  if (more > 0) rows.push(emptyRow(3, `and ${number.format(more)} more`));
  replaceRows($('members').tBodies[0], rows.length ? rows : [emptyRow(3, 'Nobody is in this room.')],
    JSON.stringify([room, presence.members]));
}

function notice(kind, text) {
  $('notice').dataset.kind = kind;
  $('notice').textContent = text;
}

$('disconnect-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const user = $('disconnect-user').value.trim();
  if (!user) return;
  try {
    const path = `/users/${encodeURIComponent(user)}`;
    const before = await api(path);
    if (!before.online) {
      notice('error', `${user} is not connected.`);
      return;
    }
    await api(`${path}/connections`, { method: 'DELETE' });
    notice('ok', `Disconnected ${user}: ${before.connections} connection(s) closed, told not to reconnect.`);
    $('disconnect-user').value = '';
    refresh();
  } catch (error) {
    if (error instanceof Refused) {
      showLogin('The node no longer accepts this key.');
      return;
    }
    notice('error', `Could not disconnect ${user}: ${error.message}`);
  }
});

// --- charts ---

function legend(id, entries) {
  const el = $(id);
  if (el.childElementCount === entries.length) return;
  el.replaceChildren(...entries.map(({ label, color }) => {
    const span = document.createElement('span');
    const swatch = document.createElement('i');
    swatch.style.background = color;
    span.append(swatch, label);
    return span;
  }));
}

function drawCharts() {
  legend('legend-connections', TRANSPORTS.map((t) => ({ label: t, color: TRANSPORT_COLORS[t] })));
  legend('legend-messages', MESSAGE_RATES);
  legend('legend-deliveries', DELIVERY_RATES);
  // Stacked: each transport is a band as thick as its count, so equal counts never hide each other.
  const stacked = [];
  let below = samples.map(() => 0);
  for (const t of TRANSPORTS) {
    const top = samples.map((s, i) => below[i] + (s.connections[t] ?? 0));
    stacked.push({ color: TRANSPORT_COLORS[t], values: top, base: below });
    below = top;
  }
  draw($('chart-connections'), stacked);
  for (const [chart, rates] of [['chart-messages', MESSAGE_RATES], ['chart-deliveries', DELIVERY_RATES]]) {
    draw($(chart), rates.map(({ name, color }) => ({ color, values: samples.map((s) => s.rates[name]) })));
  }
}

/** Upper bound of the y axis: 1, 2 or 5 times a power of ten, at least the largest value. */
function niceCeiling(value) {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) {
    if (step * power >= value) return step * power;
  }
  return 10 * power;
}

/** Lines of {@code values} (null: a gap); a line with a {@code base} is a band filled down to it. */
function draw(canvas, lines) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
  }
  const g = canvas.getContext('2d');
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, width, height);
  const left = 48;
  const right = 8;
  const top = 8;
  const bottom = 22;
  const plotWidth = width - left - right;
  const plotHeight = height - top - bottom;
  const max = niceCeiling(Math.max(0, ...lines.flatMap((line) => line.values)));

  g.font = '11px system-ui, sans-serif';
  g.fillStyle = '#6b7385';
  g.strokeStyle = '#e3e6eb';
  g.lineWidth = 1;
  g.textAlign = 'right';
  g.textBaseline = 'middle';
  for (let i = 0; i <= 4; i++) {
    const value = (max * i) / 4;
    const y = top + plotHeight - (plotHeight * i) / 4;
    g.beginPath();
    g.moveTo(left, Math.round(y) + 0.5);
    g.lineTo(left + plotWidth, Math.round(y) + 0.5);
    g.stroke();
    g.fillText(value >= 10 || value === 0 ? number.format(value) : value.toFixed(1), left - 6, y);
  }
  g.textAlign = 'center';
  g.textBaseline = 'top';
  // The time axis grows with the data, up to the whole window: 30 s, 1, 2, then 5 minutes.
  const now = Date.now();
  const elapsed = samples.length ? (now - samples[0].t) / 1000 : 0;
  const span = [30, 60, 120, WINDOW_SECONDS].find((s) => s >= elapsed) ?? WINDOW_SECONDS;
  const tick = { 30: 5, 60: 10, 120: 30 }[span] ?? 60;
  for (let ago = 0; ago <= span; ago += tick) {
    const x = left + plotWidth - (plotWidth * ago) / span;
    g.textAlign = ago === 0 ? 'right' : 'center';
    g.fillText(ago === 0 ? 'now' : ago % 60 === 0 ? `-${ago / 60} min` : `-${ago} s`, x, top + plotHeight + 6);
  }

  const xOf = (t) => left + plotWidth - (plotWidth * (now - t)) / (span * 1000);
  const yOf = (v) => top + plotHeight - (plotHeight * v) / max;
  for (const line of lines) {
    if (!line.base || samples.length < 2) continue;
    g.fillStyle = `${line.color}33`;
    g.beginPath();
    samples.forEach((s, i) => (i === 0 ? g.moveTo(xOf(s.t), yOf(line.values[i])) : g.lineTo(xOf(s.t), yOf(line.values[i]))));
    for (let i = samples.length - 1; i >= 0; i--) g.lineTo(xOf(samples[i].t), yOf(line.base[i]));
    g.closePath();
    g.fill();
  }
  g.lineWidth = 2;
  g.lineJoin = 'round';
  for (const line of lines) {
    if (line.base && line.values.every((v, i) => v === line.base[i])) continue; // an empty band

    g.strokeStyle = line.color;
    g.beginPath();
    let drawing = false;
    line.values.forEach((value, i) => {
      if (value == null) {
        drawing = false;
        return;
      }
      const x = xOf(samples[i].t);
      const y = yOf(value);
      if (drawing) g.lineTo(x, y); else g.moveTo(x, y);
      drawing = true;
    });
    g.stroke();
  }
}

open();
