// The dualhub dashboard: plain JavaScript over the CentralHub's documented HTTP API (docs/http-api.md), charts by
// uPlot. Each page keeps its state in the URL (#/page/arg?key=value), so a link shows the same view. The page
// refreshes itself every REFRESH_MS, updating what is on screen in place: inputs, zoom and scroll stay where the
// user left them. No data is held here that the API did not give; with API tokens set, the token the user gives is
// kept in sessionStorage (this tab only) and sent as a bearer token.
'use strict';

(() => {
  const REFRESH_MS = 5000;
  const TOKEN_KEY = 'dualhub.token';
  const MAX_SERIES_DRAWN = 20;
  const COLOURS = ['#1f5fbf', '#d1495b', '#2a9d8f', '#e9a23b', '#6a4c93', '#3d405b', '#8ab17d', '#c06c84'];
  const RANGES = { '15m': 15 * 60e3, '1h': 3600e3, '6h': 6 * 3600e3, '24h': 24 * 3600e3, '7d': 7 * 86400e3 };

  const main = document.getElementById('main');
  const problem = document.getElementById('problem');
  const connection = document.getElementById('connection');

  // ---- small helpers ----------------------------------------------------------------------------------------

  const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const int = (n) => (n == null ? '–' : Math.round(n).toLocaleString('en-US'));
  const num = (n) => (n == null || !isFinite(n) ? '–' : Math.abs(n) >= 1000 || Number.isInteger(n)
    ? int(n) : n.toPrecision(3));
  const ms = (n) => (n == null ? '–' : `${n < 10 ? n.toFixed(1) : Math.round(n)} ms`);
  const when = (epochMs) => (epochMs && isFinite(new Date(epochMs))
    ? new Date(epochMs).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '–');

  function ago(epochMs) {
    if (!epochMs) return '–';
    const s = Math.max(0, Math.round((Date.now() - epochMs) / 1000));
    if (s < 120) return `${s} s ago`;
    if (s < 7200) return `${Math.round(s / 60)} min ago`;
    return `${Math.round(s / 3600)} h ago`;
  }

  function bytes(n) {
    if (n == null || !isFinite(n)) return '–';
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0;
    for (; Math.abs(n) >= 1024 && i < units.length - 1; i++) n /= 1024;
    return `${n.toFixed(n >= 100 || i === 0 ? 0 : 1)} ${units[i]}`;
  }

  const state = (s) => `<span class="state ${esc(s)}">${esc(s)}</span>`;
  const seriesName = (metric, tags) => {
    const t = Object.entries(tags || {}).map(([k, v]) => `${k}="${v}"`).join(', ');
    return t ? `${metric}{${t}}` : metric;
  };
  const rangeSize = (ranges) => (ranges || []).reduce((sum, r) => {
    const [from, to] = String(r).split('-').map(Number);
    return sum + (isFinite(from) && isFinite(to) ? to - from + 1 : 1);
  }, 0);

  // ---- the API ----------------------------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  const live = {
    ok() {
      connection.textContent = `live · updated ${new Date().toLocaleTimeString()}`;
      connection.className = '';
    },
    lost(why) {
      connection.textContent = `reconnecting to the CentralHub… (${why})`;
      connection.className = 'reconnecting';
    },
  };

  // The signal of the page load in progress: a newer load (a new page, a new query) aborts the older one, so an old
  // answer never lands on a newer view. Requests of their own (suggestions) pass { signal: null }.
  let loadSignal = null;

  async function api(path, options = {}) {
    const token = sessionStorage.getItem(TOKEN_KEY);
    const headers = token ? { Authorization: `Bearer ${token}` } : {};
    let res;
    try {
      res = await fetch(path, { headers, cache: 'no-store', signal: 'signal' in options ? options.signal : loadSignal });
    } catch (e) {
      if (e.name === 'AbortError') throw new ApiError(-1, 'superseded by a newer request');
      live.lost(e.message);
      throw new ApiError(0, `the CentralHub does not answer: ${e.message}`);
    }
    const body = await res.json().catch(() => null);
    if (res.status === 401) {
      askForToken(token ? `That token was refused (${body && body.error ? body.error : '401'}).` : null);
      throw new ApiError(401, 'this CentralHub needs an API token');
    }
    live.ok();
    if (!res.ok) throw new ApiError(res.status, body && body.error ? body.error : `${res.status} ${res.statusText}`);
    return body;
  }

  // /health answers 503 with its details when the hub cannot store: both are an answer, not an error.
  async function health() {
    const res = await fetch('/health', { cache: 'no-store' });
    const body = await res.json().catch(() => ({}));
    return body.details && body.details.central ? body.details.central.details || {} : {};
  }

  // ---- the token ----------------------------------------------------------------------------------------------

  const dialog = document.getElementById('token-dialog');
  function askForToken(why) {
    if (dialog.open) return;
    document.getElementById('token-why').textContent = (why ? `${why} ` : '')
      + 'Its API answers only requests that carry a viewer or operator token (api.viewer-token, api.operator-token).'
      + ' The token is kept in this browser tab only, until it closes.';
    dialog.showModal();
    document.getElementById('token-input').focus();
  }
  document.getElementById('token-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const input = document.getElementById('token-input');
    if (!/^[\x21-\x7e]+$/.test(input.value.trim())) { // a header carries printable ASCII only
      document.getElementById('token-why').textContent = 'A token is printable ASCII without spaces; this one has'
        + ' other characters (a pasted space or quote?). Paste it again.';
      return;
    }
    sessionStorage.setItem(TOKEN_KEY, input.value.trim());
    input.value = '';
    dialog.close();
    show();
  });

  // ---- charts -----------------------------------------------------------------------------------------------

  // One uPlot chart in a card. set() takes [{label, points: [[epochMs, value], ...]}]; a chart the user zoomed
  // keeps its zoom across refreshes until a double click resets it.
  const charts = new Set(); // every chart on the current page, destroyed when another page is shown

  class Chart {
    constructor(parent, title, format = num) {
      charts.add(this);
      this.card = document.createElement('div');
      this.card.className = 'card chart';
      this.card.innerHTML = `<h3>${esc(title)}</h3><div class="plot"></div><p class="muted note" hidden></p>`;
      parent.appendChild(this.card);
      this.plot = this.card.querySelector('.plot');
      this.note = this.card.querySelector('.note');
      this.format = format;
      this.plot.addEventListener('dblclick', () => { this.zoomed = false; });
      this.resizes = new ResizeObserver(() => this.u && this.u.setSize(this.size()));
      this.resizes.observe(this.card);
    }

    size() {
      return { width: Math.max(200, this.card.clientWidth - 24), height: 200 };
    }

    destroy() {
      this.resizes.disconnect();
      if (this.u) this.u.destroy();
      this.card.remove();
      charts.delete(this);
    }

    set(series, note) {
      const drawn = series.filter((s) => s.points.length > 0).slice(0, MAX_SERIES_DRAWN);
      const cut = series.length > MAX_SERIES_DRAWN ? `${MAX_SERIES_DRAWN} of ${series.length} series drawn. ` : '';
      this.note.textContent = drawn.length === 0 ? 'No points in this range.' : cut + (note || '');
      this.note.hidden = !this.note.textContent;
      const tables = drawn.map((s) => [s.points.map((p) => p[0] / 1000), s.points.map((p) => p[1])]);
      const data = tables.length === 0 ? [[]] : tables.length === 1 ? tables[0] : uPlot.join(tables);
      const key = drawn.map((s) => s.label).join('\u0000');
      if (this.u && key === this.key) {
        this.u.setData(data, !this.zoomed);
        return;
      }
      if (this.u) this.u.destroy();
      this.key = key;
      this.zoomed = false;
      const format = this.format;
      this.u = new uPlot({
        ...this.size(),
        series: [{}, ...drawn.map((s, i) => ({
          label: s.label, stroke: s.colour || COLOURS[i % COLOURS.length], width: s.width || 1.5,
          dash: s.dash, spanGaps: true, points: { show: s.points.length < 3 || !!s.dots }, value: (u, v) => (v == null ? '–' : format(v)),
        }))],
        // a lone point gets five minutes either side, not a span of years
        scales: { x: { range: (u, min, max) => (min === max ? [min - 300, max + 300] : [min, max]) } },
        axes: [{}, { size: 70, values: (u, ticks) => ticks.map(format) }],
        hooks: { setSelect: [(u) => { if (u.select.width > 0) this.zoomed = true; }] },
      }, data, this.plot);
    }
  }

  const query = (params) => api(`/api/v1/query?${new URLSearchParams(params)}`);

  /** The per-second rate of a counter's points (a drop is a reset: that step is left out). */
  function counterRate(points) {
    const out = [];
    for (let i = 1; i < points.length; i++) {
      const dt = (points[i][0] - points[i - 1][0]) / 1000;
      const dv = points[i][1] - points[i - 1][1];
      if (dt > 0 && dv >= 0) out.push([points[i][0], dv / dt]);
    }
    return out;
  }

  // ---- pages ------------------------------------------------------------------------------------------------

  // A page: mount(el, route) builds its frame once; load() fetches and fills it, and runs again every REFRESH_MS.

  const FLEET_COLUMNS = [
    { key: 'edgeId', label: 'Edge' },
    { key: 'state', label: 'State' },
    { key: 'stateReason', label: 'Reason' },
    { key: 'lastSeenMs', label: 'Last heartbeat', num: true },
    { key: 'backlog', label: 'Backlog', num: true },
    { key: 'pointsStored', label: 'Stored', num: true },
    { key: 'pointsDeclaredDropped', label: 'Dropped', num: true },
    { key: 'missing', label: 'Missing', num: true },
    { key: 'batchesLost', label: 'Lost', num: true },
    { key: 'alerts', label: 'Alerts', num: true },
    { key: 'rate', label: 'Stored/s (30 min)', num: true },
  ];

  // A sparkline for a table of up to thousands of rows: one SVG polyline, where a chart object per row would be slow.
  function sparkline(rates) {
    if (!rates || rates.length < 2) return '<svg class="spark" aria-hidden="true"></svg>';
    const max = Math.max(...rates, 1e-9);
    const pts = rates.map((r, i) => `${(i * 120 / (rates.length - 1)).toFixed(1)},${(22 - r / max * 20).toFixed(1)}`);
    return `<svg class="spark" viewBox="0 0 120 24" aria-hidden="true"><polyline points="${pts.join(' ')}"/></svg>`;
  }

  const fleetPage = {
    title: 'Fleet',
    mount(el, r) {
      this.q = r.params.get('q') || '';
      this.sort = r.params.get('sort') || 'edgeId';
      this.dir = r.params.get('dir') === 'desc' ? 'desc' : 'asc';
      this.rows = [];
      el.innerHTML = `<h1>Fleet</h1><div class="cards" id="fleet-summary"></div>
        <div class="toolbar"><label>Filter<input id="fleet-filter" type="search" value="${esc(this.q)}"
          placeholder="edge, state or reason"></label></div>
        <div class="table-wrap"><table id="fleet-table"><thead><tr>${FLEET_COLUMNS.map((c) =>
          `<th scope="col" data-key="${c.key}"${c.num ? ' class="num"' : ''}><button type="button">${c.label}</button></th>`)
          .join('')}</tr></thead><tbody></tbody></table></div>
        <section id="fleet-site" hidden><h2>Site: every group</h2><div id="site-groups"></div>
          <div id="site-edges"></div><p class="muted">Each group's edges as the fleet registry all groups share holds
          them; an edge of another group has its points, backlog and gaps on a hub of that group.</p></section>`;
      el.querySelector('#fleet-filter').addEventListener('input', (e) => {
        this.q = e.target.value;
        this.keepInUrl();
        this.draw();
      });
      el.querySelectorAll('th button').forEach((b) => b.addEventListener('click', () => {
        const key = b.parentElement.dataset.key;
        this.dir = this.sort === key && this.dir === 'asc' ? 'desc' : 'asc';
        this.sort = key;
        this.keepInUrl();
        this.draw();
      }));
    },
    keepInUrl() {
      setParams({ q: this.q, sort: this.sort === 'edgeId' ? '' : this.sort, dir: this.dir === 'asc' ? '' : this.dir });
    },
    async load() {
      // the site's groups are asked for until the answer says there is one group only
      const [edges, alerts, rates, site] = await Promise.all([
        api('/api/v1/edges'), api('/api/v1/alerts'), api('/api/v1/performance/rates'),
        this.site && this.site.partitions < 2 ? this.site
          : api('/api/v1/site').catch((e) => (e.status === -1 ? Promise.reject(e) : null))]);
      // the answer leaves out the lists that are empty
      this.site = site && { ...site, unassigned: site.unassigned || [],
        groups: (site.groups || []).map((g) => ({ ...g, hubs: g.hubs || [], edges: g.edges || [] })) };
      const alertsByEdge = {};
      alerts.filter((a) => a.edge).forEach((a) => { alertsByEdge[a.edge] = (alertsByEdge[a.edge] || 0) + 1; });
      this.rows = edges.map((e) => {
        const history = (rates.edges || {})[e.edgeId] || [];
        return {
          ...e,
          lastSeenMs: e.lastSeen ? Date.parse(e.lastSeen) : 0,
          missing: rangeSize(e.missingRanges),
          alerts: alertsByEdge[e.edgeId] || 0,
          history,
          rate: (rates.now || {})[e.edgeId] || 0,
        };
      });
      this.alerts = alerts.length;
      this.draw();
    },
    draw() {
      const q = this.q.trim().toLowerCase();
      const rows = this.rows.filter((e) => !q || [e.edgeId, e.state, e.stateReason]
        .some((v) => String(v || '').toLowerCase().includes(q)));
      const sign = this.dir === 'asc' ? 1 : -1;
      const key = this.sort;
      rows.sort((a, b) => {
        const x = a[key] ?? '';
        const y = b[key] ?? '';
        return sign * (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y)))
          || a.edgeId.localeCompare(b.edgeId);
      });
      main.querySelectorAll('#fleet-table th').forEach((th) => {
        if (th.dataset.key === key) th.setAttribute('aria-sort', this.dir === 'asc' ? 'ascending' : 'descending');
        else th.removeAttribute('aria-sort');
      });
      main.querySelector('#fleet-table tbody').innerHTML = rows.map((e) => `<tr data-edge="${esc(e.edgeId)}">
        <td><a href="#/edge/${encodeURIComponent(e.edgeId)}">${esc(e.edgeId)}</a></td><td>${state(e.state)}</td>
        <td class="wrap">${esc(e.stateReason || '')}</td><td class="num" title="${esc(e.lastSeen || '')}">${ago(e.lastSeenMs)}</td>
        <td class="num">${int(e.backlog)}</td><td class="num" data-field="pointsStored">${int(e.pointsStored)}</td>
        <td class="num">${int(e.pointsDeclaredDropped)}</td><td class="num">${int(e.missing)}</td>
        <td class="num">${int(e.batchesLost)}</td><td class="num">${int(e.alerts)}</td>
        <td class="num">${sparkline(e.history)} ${num(e.rate)}</td></tr>`).join('')
        || `<tr><td colspan="${FLEET_COLUMNS.length}" class="muted">${this.rows.length
          ? 'No edge matches the filter.' : 'No edge has reported to this CentralHub yet.'}</td></tr>`;
      const count = (s) => this.rows.filter((e) => e.state === s).length;
      const total = this.rows.reduce((sum, e) => sum + e.rate, 0);
      main.querySelector('#fleet-summary').innerHTML = [
        ['Edges', int(this.rows.length)], ['Online', int(count('ONLINE'))], ['Degraded', int(count('DEGRADED'))],
        ['Offline', int(count('OFFLINE'))], ['Active alerts', int(this.alerts)], ['Stored per second', num(total)],
      ].map(card).join('');
      this.drawSite();
    },
    // A partitioned site: every group with its leader, hubs and edges, from any of its hubs.
    drawSite() {
      const site = this.site;
      const section = main.querySelector('#fleet-site');
      section.hidden = !site || site.partitions < 2;
      if (section.hidden) return;
      const of = (g, s) => g.edges.filter((e) => e.state === s).length;
      main.querySelector('#site-groups').innerHTML = table(['Group', 'Leader', 'CentralHubs', 'Edges', 'Online',
        'Degraded', 'Offline'], site.groups.map((g) => `<tr data-group="${g.partition}">
        <td>${g.partition} of ${site.partitions}${g.partition === site.partition ? ' <span class="muted">(this hub)</span>'
          : ''}</td><td>${g.leader ? esc(g.leader)
          : 'none <span class="muted">(states as last left)</span>'}</td><td class="wrap">${esc(g.hubs.join(', '))}</td>
        <td class="num">${int(g.edges.length)}</td><td class="num">${int(of(g, 'ONLINE'))}</td>
        <td class="num">${int(of(g, 'DEGRADED'))}</td><td class="num">${int(of(g, 'OFFLINE'))}</td></tr>`),
      'No group.');
      const rows = site.groups.flatMap((g) => g.edges.map((e) => `<tr data-site-edge="${esc(e.edgeId)}"
        data-group="${g.partition}"><td>${g.partition === site.partition
          ? `<a href="#/edge/${encodeURIComponent(e.edgeId)}">${esc(e.edgeId)}</a>` : esc(e.edgeId)}</td>
        <td>${g.partition}</td><td>${state(e.state)}</td><td>${ago(e.sinceMs)}</td><td>${esc(e.version || '')}</td>
        <td>${esc(e.host || '')}</td></tr>`));
      main.querySelector('#site-edges').innerHTML = table(['Edge', 'Group', 'State', 'Since', 'Version', 'Host'], rows,
        site.loaded ? 'No edge is in the fleet registry yet.' : 'This hub is still reading the fleet registry.')
        + (site.unassigned.length ? `<p class="error">Reading the streams in no group of this site (another number
          of groups, or none): ${esc(site.unassigned.join(', '))}.</p>` : '');
    },
  };

  const HOST_CHARTS = [
    { title: 'CPU utilisation', format: (v) => `${num(v * 100)} %`, series: [{ metric: 'host_cpu_utilization_ratio' }] },
    { title: 'Load (1 minute)', series: [{ metric: 'host_load1' }] },
    { title: 'Memory', format: bytes, series: [{ metric: 'host_memory_used_bytes', label: 'used' },
      { metric: 'host_memory_total_bytes', label: 'total' }, { metric: 'host_swap_used_bytes', label: 'swap used' }] },
    { title: 'Filesystems used', format: bytes, series: [{ metric: 'host_filesystem_used_bytes', by: 'mountpoint' }] },
    { title: 'Disks (per second)', format: bytes, series: [
      { metric: 'host_disk_read_bytes_total', by: 'device', label: 'read', rate: true },
      { metric: 'host_disk_written_bytes_total', by: 'device', label: 'written', rate: true }] },
    { title: 'Network (per second)', format: bytes, series: [
      { metric: 'host_network_receive_bytes_total', by: 'device', label: 'in', rate: true },
      { metric: 'host_network_transmit_bytes_total', by: 'device', label: 'out', rate: true }] },
  ];

  function rangeSelect(id, value) {
    return `<label>Range<select id="${id}">${Object.keys(RANGES).map((r) =>
      `<option${r === value ? ' selected' : ''}>${r}</option>`).join('')}</select></label>`;
  }

  // A figure in a card: its label, its value (HTML), and an optional line under it.
  const card = ([label, value, detail]) => `<div class="card"><div class="label">${label}</div><div class="value${
    detail === undefined ? '' : ' text'}">${value}</div>${detail ? `<div class="detail">${detail}</div>` : ''}</div>`;

  const table = (head, rows, empty) => `<div class="table-wrap"><table><thead><tr>${head.map((h) =>
    `<th scope="col">${h}</th>`).join('')}</tr></thead><tbody>${rows.length ? rows.join('')
    : `<tr><td colspan="${head.length}" class="muted">${empty}</td></tr>`}</tbody></table></div>`;

  const recoveryRows = (actions) => actions.map((a) => `<tr><td>${esc(a.playbook)}</td><td>${esc(a.edge || '')}</td>
    <td>${state(a.status)}</td><td class="wrap">${esc(a.what)}</td><td class="wrap">${esc(a.why)}</td>
    <td class="wrap">${esc(a.outcome || '')}</td><td>${when(a.startedAtMs)}</td><td>${when(a.atMs)}</td>
    <td>${esc(a.by || '')}</td></tr>`);
  const RECOVERY_HEAD = ['Playbook', 'Edge', 'Status', 'What', 'Why', 'Outcome', 'Started', 'Last change', 'By'];

  const edgePage = {
    title: 'Edge',
    mount(el, r) {
      this.id = r.arg;
      this.range = RANGES[r.params.get('range')] ? r.params.get('range') : '1h';
      el.innerHTML = `<h1>Edge ${esc(this.id)}</h1><div class="cards" id="edge-cards"></div>
        <div class="toolbar">${rangeSelect('edge-range', this.range)}</div>
        <h2>Host metrics</h2><div class="charts" id="edge-charts"></div>
        <h2>Pipeline latency</h2><div id="edge-latency"></div>
        <h2>Missing, lost, dropped and refused sequence ranges</h2><div id="edge-ranges"></div>
        <h2>State history</h2><div id="edge-transitions"></div>
        <h2>Recovery actions</h2><div id="edge-recovery"></div>`;
      const charts = el.querySelector('#edge-charts');
      this.charts = HOST_CHARTS.map((c) => new Chart(charts, c.title, c.format));
      el.querySelector('#edge-range').addEventListener('change', (e) => {
        this.range = e.target.value;
        setParams({ range: this.range === '1h' ? '' : this.range });
        refreshNow();
      });
    },
    async load() {
      const id = encodeURIComponent(this.id);
      const [edge, perf, recovery] = await Promise.all([api(`/api/v1/edges/${id}`), api('/api/v1/performance'),
        api(`/api/v1/recovery?edge=${id}`)]);
      main.querySelector('#edge-cards').innerHTML = [
        ['State', state(edge.state), esc(edge.stateReason || '')],
        ['Host', esc(edge.host || '–'), ''], ['OS', esc(edge.os || '–'), ''], ['Version', esc(edge.version || '–')],
        ['Last heartbeat', ago(edge.lastSeen ? Date.parse(edge.lastSeen) : 0)], ['Backlog', int(edge.backlog)],
        ['Stored', int(edge.pointsStored)], ['Breaker', esc(edge.breaker || '–')],
      ].map(card).join('');
      const mine = (perf.edges || []).find((p) => p.edgeId === this.id) || {};
      const lat = (name, l) => `<tr><td>${name}</td><td class="num">${ms(l && l.p50Ms)}</td>
        <td class="num">${ms(l && l.p95Ms)}</td><td class="num">${ms(l && l.p99Ms)}</td></tr>`;
      main.querySelector('#edge-latency').innerHTML = table(['', 'p50', 'p95', 'p99'],
        [lat('publish → JetStream ack (the edge)', mine.publishAck), lat('collect → stored (here)', mine.collectToStored)],
        '');
      const ranges = [['Missing (awaiting repair)', edge.missingRanges], ['Lost', edge.lostRanges],
        ['Declared dropped', edge.droppedRanges], ['Refused as invalid', edge.invalidRanges]];
      main.querySelector('#edge-ranges').innerHTML = table(['Kind', 'Batches', 'Ranges'], ranges.map(([k, list]) =>
        `<tr><td>${k}</td><td class="num">${int(rangeSize(list))}</td><td class="wrap">${list && list.length
          ? esc(list.join(', ')) : '<span class="muted">none</span>'}</td></tr>`), '');
      main.querySelector('#edge-transitions').innerHTML = table(['At', 'From', 'To', 'Reason', 'By'],
        (edge.transitions || []).slice().reverse().map((t) => `<tr><td>${when(t.atMs)}</td><td>${state(t.from)}</td>
          <td>${state(t.to)}</td><td class="wrap">${esc(t.reason)}</td><td>${esc(t.by || '')}</td></tr>`),
        'No transition recorded.');
      main.querySelector('#edge-recovery').innerHTML = table(RECOVERY_HEAD, recoveryRows(recovery),
        'No recovery action for this edge.');
      await this.loadCharts();
    },
    async loadCharts() {
      const from = Date.now() - RANGES[this.range];
      const step = RANGES[this.range] > 6 * 3600e3 ? '5m' : RANGES[this.range] > 3600e3 ? '1m' : '';
      await Promise.all(HOST_CHARTS.map(async (c, i) => {
        const answers = await Promise.all(c.series.map((s) => query({ metric: s.metric, edge: this.id, from, step })));
        const lines = [];
        c.series.forEach((s, j) => (answers[j].series || []).forEach((found) => lines.push({
          label: [s.label, s.by ? found.tags[s.by] : null].filter(Boolean).join(' ') || s.metric,
          points: s.rate ? counterRate(found.points) : found.points,
        })));
        this.charts[i].set(lines);
      }));
    },
  };

  const explorePage = {
    title: 'Explore',
    mount(el, r) {
      this.params = r.params;
      const p = r.params;
      el.innerHTML = `<h1>Explore</h1>
        <form class="toolbar" id="explore-form">
          <label>Metric<input id="explore-metric" list="explore-names" autocomplete="off" required
            value="${esc(p.get('metric') || '')}" placeholder="search metric names"></label>
          <datalist id="explore-names"></datalist>
          <label>Edge<select id="explore-edge"><option value="">any</option></select></label>
          <span id="explore-tags" class="toolbar"></span>
          ${rangeSelect('explore-range', RANGES[p.get('range')] ? p.get('range') : '1h')}
          <label>Step<input id="explore-step" size="6" value="${esc(p.get('step') || '')}" placeholder="raw"></label>
          <button type="submit">Show</button>
        </form>
        <div id="explore-error" class="error" role="alert" hidden></div>
        <p id="explore-tier" class="muted"></p><div id="explore-chart"></div><div id="explore-table"></div>`;
      this.chart = new Chart(el.querySelector('#explore-chart'), 'Series');
      const metric = el.querySelector('#explore-metric');
      let typing;
      metric.addEventListener('input', () => {
        clearTimeout(typing);
        typing = setTimeout(() => this.suggest(metric.value), 200);
      });
      metric.addEventListener('change', () => this.describe(metric.value, {}));
      el.querySelector('#explore-form').addEventListener('submit', (e) => {
        e.preventDefault();
        this.params = this.formParams();
        setParams(Object.fromEntries(this.params));
        refreshNow();
      });
      if (p.get('metric')) {
        const tags = {};
        p.forEach((v, k) => { if (k.startsWith('tag.')) tags[k.slice(4)] = v; });
        this.describe(p.get('metric'), tags, p.get('edge') || '');
      }
      this.suggest('');
    },
    formParams() {
      const p = new URLSearchParams();
      p.set('metric', main.querySelector('#explore-metric').value.trim());
      const edge = main.querySelector('#explore-edge').value;
      if (edge) p.set('edge', edge);
      main.querySelectorAll('#explore-tags select').forEach((s) => { if (s.value) p.set(`tag.${s.dataset.tag}`, s.value); });
      const range = main.querySelector('#explore-range').value;
      if (range !== '1h') p.set('range', range);
      const step = main.querySelector('#explore-step').value.trim();
      if (step) p.set('step', step);
      return p;
    },
    async suggest(match) {
      try {
        const list = await api(`/api/v1/metrics?limit=50&match=${encodeURIComponent(match.trim())}`, { signal: null });
        main.querySelector('#explore-names').innerHTML = (list.metrics || []).map((m) =>
          `<option value="${esc(m.name)}">${esc(`${m.series} series on ${m.edges} edge(s)`)}</option>`).join('');
      } catch (e) {
        this.error(e);
      }
    },
    // The chosen metric's edges and tag values become the filters' choices.
    async describe(metric, tags, edge) {
      if (!metric.trim()) return;
      try {
        const d = await api(`/api/v1/metrics/${encodeURIComponent(metric.trim())}`, { signal: null });
        const edges = main.querySelector('#explore-edge');
        const chosen = edge ?? edges.value;
        edges.innerHTML = '<option value="">any</option>' + (d.edges || []).map((e) =>
          `<option value="${esc(e)}"${e === chosen ? ' selected' : ''}>${esc(e)}</option>`).join('');
        main.querySelector('#explore-tags').innerHTML = Object.entries(d.tags || {}).map(([k, values]) =>
          `<label>${esc(k)}<select data-tag="${esc(k)}"><option value="">any</option>${values.map((v) =>
            `<option value="${esc(v)}"${tags[k] === v ? ' selected' : ''}>${esc(v)}</option>`).join('')}</select></label>`)
          .join('');
        this.error(null);
      } catch (e) {
        this.error(e);
      }
    },
    error(e) {
      const box = main.querySelector('#explore-error');
      if (!box) return;
      box.textContent = e ? e.message : '';
      box.hidden = !e;
    },
    async load() {
      const p = new URLSearchParams(this.params);
      if (!p.get('metric')) {
        main.querySelector('#explore-tier').textContent = 'Choose a metric to chart it.';
        return;
      }
      const range = p.get('range') || '1h';
      p.delete('range');
      p.set('from', String(Date.now() - (RANGES[range] || RANGES['1h'])));
      let answer;
      try {
        answer = await query(p);
      } catch (e) {
        if (e.status <= 0 || e.status === 401) throw e;
        this.error(e);
        return;
      }
      this.error(null);
      answer.series = answer.series || [];
      main.querySelector('#explore-tier').textContent = `${answer.series.length} series; answered from ${
        answer.tier === 'raw' ? 'the raw points' : `the ${answer.tier} rollup (averages per bucket)`}.`;
      const label = (s) => `${s.edge} ${seriesName(s.metric, s.tags)}`;
      this.chart.set(answer.series.map((s) => ({ label: label(s), points: s.points || [] })));
      main.querySelector('#explore-table').innerHTML = table(['Edge', 'Series', 'Points', 'Last', 'Min', 'Max'],
        answer.series.map((s) => {
          const points = s.points || [];
          let min = Infinity;
          let max = -Infinity;
          points.forEach((x) => { min = Math.min(min, x[1]); max = Math.max(max, x[1]); });
          return `<tr><td>${esc(s.edge)}</td><td>${esc(seriesName(s.metric, s.tags))}</td>
            <td class="num">${int(points.length)}</td><td class="num">${num(points.length ? points[points.length - 1][1]
              : null)}</td><td class="num">${num(points.length ? min : null)}</td>
            <td class="num">${num(points.length ? max : null)}</td></tr>`;
        }), 'No series matches.');
    },
  };

  const AROUND_MS = 3600e3;
  const FORECAST_HORIZON_S = 7 * 86400; // a trend line is drawn at most a week ahead

  const alertsPage = {
    title: 'Alerts',
    mount(el) {
      el.innerHTML = `<h1>Alerts</h1><div id="alerts-active"></div>
        <h2>Anomaly incidents</h2><p class="muted" id="alerts-anomalies-note"></p>
        <div class="charts" id="alerts-anomalies"></div>
        <h2>Capacity forecasts</h2><p class="muted" id="alerts-forecasts-note"></p>
        <div class="charts" id="alerts-forecasts"></div>`;
      this.charts = new Map();
    },
    chart(kind, key, title) {
      const id = `${kind}\u0000${key}`;
      if (!this.charts.has(id)) this.charts.set(id, new Chart(main.querySelector(`#alerts-${kind}`), title));
      this.shown.add(id);
      return this.charts.get(id);
    },
    // Charts of incidents and forecasts no longer listed go.
    prune() {
      this.charts.forEach((chart, id) => {
        if (this.shown.has(id)) return;
        chart.destroy();
        this.charts.delete(id);
      });
    },
    async load() {
      const [alerts, anomalies, forecasts] = await Promise.all([api('/api/v1/alerts'), api('/api/v1/anomalies'),
        api('/api/v1/predictions')]);
      main.querySelector('#alerts-active').innerHTML = table(['Severity', 'Kind', 'Edge', 'Summary', 'Since'],
        alerts.map((a) => `<tr><td>${state(a.severity)}</td><td>${esc(a.kind)}</td>
          <td>${a.edge ? `<a href="#/edge/${encodeURIComponent(a.edge)}">${esc(a.edge)}</a>`
            : `<a href="#/pipeline">CentralHub ${esc(a.hub || '')}</a>`}</td><td class="wrap">${esc(a.summary)}</td>
          <td>${when(a.sinceMs)}</td></tr>`), 'No active alert.');
      this.shown = new Set();
      const incidents = anomalies.slice(0, 6);
      main.querySelector('#alerts-anomalies-note').textContent = anomalies.length === 0 ? 'No anomaly incident.'
        : `${anomalies.length} incident(s), newest first${anomalies.length > 6 ? '; the newest 6 drawn' : ''}.`;
      await Promise.all(incidents.map((a) => this.anomaly(a)));
      const rising = forecasts.filter((f) => f.etaSeconds >= 0).slice(0, 6);
      main.querySelector('#alerts-forecasts-note').textContent = forecasts.length === 0 ? 'No capacity forecast yet.'
        : `${forecasts.length} forecast(s), ${rising.length ? 'the soonest heading for a limit drawn'
          : 'none heading for its limit'}.`;
      await Promise.all(rising.map((f) => this.forecast(f)));
      this.prune();
    },
    // The series around the incident, the incident's span drawn over it, the score beside the value.
    async anomaly(a) {
      const end = a.endedMs || Date.now();
      const params = { metric: a.metric, edge: a.edge, from: a.startedMs - AROUND_MS, to: end + AROUND_MS };
      Object.entries(a.tags || {}).forEach(([k, v]) => { params[`tag.${k}`] = v; });
      const answer = await query(params);
      const points = answer.series && answer.series.length ? answer.series[0].points : [];
      const title = `${a.edge}: ${seriesName(a.metric, a.tags)} — ${a.endedMs ? `ended ${when(a.endedMs)}` : 'open'}`;
      this.chart('anomalies', `${a.edge}${seriesName(a.metric, a.tags)}${a.startedMs}`, title).set([
        { label: 'value', points },
        { label: 'incident', points: points.filter((p) => p[0] >= a.startedMs && p[0] <= end), colour: '#d1495b',
          width: 3 },
      ], `Started ${when(a.startedMs)} at value ${num(a.value)} with score ${num(a.score)}; peak score ${
        num(a.peakScore)}.`);
    },
    // The used fraction so far (the series scaled by the forecast's fraction over its latest value: the size is
    // taken as constant), the trend line from now to the limit, and the limit.
    async forecast(f) {
      const params = { metric: f.metric, edge: f.edge, from: f.atMs - 6 * 3600e3, step: '1m' };
      Object.entries(f.tags || {}).forEach(([k, v]) => { params[`tag.${k}`] = v; });
      const answer = await query(params);
      const points = answer.series && answer.series.length ? answer.series[0].points : [];
      const latest = points.length ? points[points.length - 1][1] : 0;
      const history = latest > 0 ? points.map((p) => [p[0], p[1] * f.fraction / latest]) : [];
      const horizon = f.atMs + Math.min(Math.max(f.etaHighSeconds, f.etaSeconds, 3600), FORECAST_HORIZON_S) * 1000;
      const trend = [f.atMs, (f.atMs + horizon) / 2, horizon].map((t) =>
        [t, f.fraction + f.trendPerHour * (t - f.atMs) / 3600e3]);
      const percent = (v) => `${num(v * 100)} %`;
      const chart = this.chart('forecasts', `${f.edge}${seriesName(f.metric, f.tags)}`,
        `${f.edge}: ${seriesName(f.metric, f.tags)}`);
      chart.format = percent;
      const eta = (s) => (s < 0 ? 'never' : s > 365 * 86400 ? 'more than a year away' : when(f.atMs + s * 1000));
      chart.set([{ label: 'used', points: history }, { label: 'trend', points: trend, dash: [6, 4], colour: '#e9a23b' },
        { label: 'limit', points: [[f.atMs - 6 * 3600e3, f.limit], [horizon, f.limit]], colour: '#b42318' }],
      `${f.summary} Reaches ${percent(f.limit)} at ${eta(f.etaSeconds)} (between ${eta(f.etaLowSeconds)} and ${
        eta(f.etaHighSeconds)}).`);
    },
  };

  const recoveryPage = {
    title: 'Recovery',
    mount(el, r) {
      this.edge = r.params.get('edge') || '';
      this.status = r.params.get('status') || '';
      el.innerHTML = `<h1>Recovery actions</h1><div class="toolbar">
        <label>Edge<input id="recovery-edge" type="search" value="${esc(this.edge)}" placeholder="any"></label>
        <label>Status<select id="recovery-status">${['', 'PENDING', 'DONE', 'FAILED', 'HANDED_OVER'].map((s) =>
          `<option value="${s}"${s === this.status ? ' selected' : ''}>${s || 'any'}</option>`).join('')}</select></label>
        </div><div id="recovery-table"></div>`;
      const changed = () => {
        this.edge = el.querySelector('#recovery-edge').value.trim();
        this.status = el.querySelector('#recovery-status').value;
        setParams({ edge: this.edge, status: this.status });
        this.draw();
      };
      el.querySelector('#recovery-edge').addEventListener('input', changed);
      el.querySelector('#recovery-status').addEventListener('change', changed);
      this.actions = [];
    },
    async load() {
      this.actions = await api('/api/v1/recovery');
      this.draw();
    },
    draw() {
      const shown = this.actions.filter((a) => (!this.edge || (a.edge || '').includes(this.edge))
        && (!this.status || a.status === this.status));
      main.querySelector('#recovery-table').innerHTML = table(RECOVERY_HEAD, recoveryRows(shown),
        this.actions.length ? 'No action matches.' : 'No recovery action has been taken.');
    },
  };

  const pipelinePage = {
    title: 'Pipeline',
    mount(el) {
      el.innerHTML = `<h1>Pipeline</h1><div class="cards" id="pipeline-cards"></div>
        <h2>CentralHubs</h2><div id="pipeline-hubs"></div><h2>Last half hour</h2><div class="charts" id="pipeline-charts">
        </div><p class="muted">Sampled by this hub every 10 s since it started, for up to half an hour.</p>`;
      const charts = el.querySelector('#pipeline-charts');
      this.rate = new Chart(charts, 'Stored points per second (all edges)');
      this.counts = new Chart(charts, 'Duplicates dropped and points declared dropped (per second)');
      this.commit = new Chart(charts, 'Store commit latency', ms);
      this.e2e = new Chart(charts, 'Collect → stored latency (worst edge)', ms);
    },
    async load() {
      const [stats, perf, history, leader, h, hubs] = await Promise.all([api('/api/v1/stats'),
        api('/api/v1/performance'), api('/api/v1/performance/history'), api('/api/v1/leader'),
        health().catch(() => ({})), api('/api/v1/hubs').catch((e) => (e.status === -1 ? Promise.reject(e) : e))]);
      main.querySelector('#pipeline-hubs').innerHTML = hubs instanceof Error
        ? `<p class="error">${esc(hubs.message)}</p>`
        : table(['CentralHub', 'Role', 'Messages to read or acknowledge', 'Last read'], hubs.map((x) => `<tr>
          <td>${esc(x.instance)}${x.self ? ' <span class="muted">(this page)</span>' : ''}</td>
          <td>${x.leader ? 'leader' : 'standby'}</td><td class="num">${int(x.pending)}</td><td>${ago(x.lastReadMs)}</td>
          </tr>`), 'No CentralHub reads the metrics streams.');
      main.querySelector('#pipeline-cards').innerHTML = [
        ['Leader', esc(leader.leader || 'none known')], ['This hub', esc(leader.self), leader.isLeader ? 'leader'
          : 'standby'], ['NATS', esc(h.nats || '–')], ['Ingest', esc(h.ingest || '–'), esc(h.problem || '')],
        ['Points stored', int(stats.pointsStored)], ['Duplicates dropped', int(stats.duplicatesDropped)],
        ['Declared dropped', int(stats.pointsDeclaredDropped)], ['Commit p99', ms(perf.storeCommit && perf.storeCommit.p99Ms)],
      ].map(card).join('');
      // Rates between consecutive samples; a total that fell (a restored store) counts as none.
      const perSecond = (key) => history.slice(1).map((s, i) =>
        [s.atMs, Math.max(0, s[key] - history[i][key]) * 1000 / Math.max(1, s.atMs - history[i].atMs)]);
      this.rate.set([{ label: 'stored/s', points: perSecond('pointsStored') }]);
      this.counts.set([{ label: 'duplicates', points: perSecond('duplicatesDropped') },
        { label: 'declared dropped', points: perSecond('pointsDeclaredDropped') }]);
      const percentiles = (key) => ['p50Ms', 'p95Ms', 'p99Ms'].map((p) => ({
        label: p.slice(0, 3), points: history.filter((s) => s[key]).map((s) => [s.atMs, s[key][p]]) }));
      this.commit.set(percentiles('storeCommit'));
      this.e2e.set(percentiles('collectToStored'));
    },
  };

  const PAGES = { fleet: fleetPage, edge: edgePage, explore: explorePage, alerts: alertsPage, recovery: recoveryPage,
    pipeline: pipelinePage };

  // ---- routing and refreshing -------------------------------------------------------------------------------

  let current = null; // { name, arg, page }
  let generation = 0;
  let timer = null;
  let drawn = 0; // the generation whose first full view was marked

  function route() {
    const [path, search = ''] = location.hash.replace(/^#\/?/, '').split('?');
    const [name, ...rest] = path.split('/');
    const decode = (part) => {
      try {
        return decodeURIComponent(part);
      } catch (e) {
        return part; // a malformed escape is taken as it is
      }
    };
    return { name: PAGES[name] ? name : 'fleet', arg: rest.map(decode).join('/'),
      params: new URLSearchParams(search) };
  }

  // Writes the page's state into the URL without a new history entry or a reload.
  function setParams(values) {
    const p = new URLSearchParams();
    Object.entries(values).forEach(([k, v]) => { if (v) p.set(k, v); });
    const arg = current.arg ? `/${encodeURIComponent(current.arg)}` : '';
    history.replaceState(null, '', `#/${current.name}${arg}${p.toString() ? `?${p}` : ''}`);
  }

  function show() {
    const r = route();
    generation++;
    current = { name: r.name, arg: r.arg, page: PAGES[r.name] };
    document.title = `${current.page.title}${r.arg ? ` ${r.arg}` : ''} · dualhub`;
    document.querySelectorAll('header nav a').forEach((a) => {
      if (a.dataset.page === r.name || (r.name === 'edge' && a.dataset.page === 'fleet')) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    });
    charts.forEach((c) => c.destroy());
    current.page.mount(main, r);
    refreshNow();
  }

  async function refresh(mine) {
    try {
      const [h] = await Promise.all([health().catch(() => null), current.page.load()]);
      if (mine !== generation) return;
      if (drawn !== mine) { // the page's first full view, for `./dualhub bench dashboard` (navigation to drawn)
        drawn = mine;
        requestAnimationFrame(() => performance.mark(`dualhub:drawn:${current.name}`));
      }
      const nats = h && h.nats;
      problem.hidden = !nats || nats === 'CONNECTED';
      problem.textContent = problem.hidden ? '' : `This CentralHub has no NATS connection (${nats}): it stores nothing new`
        + ` and its fleet view is stale until it reconnects.${h.problem ? ` ${h.problem}` : ''}`;
    } catch (e) {
      if (mine !== generation) return;
      if (e.status <= 0 || e.status === 401) return; // aborted, shown as reconnecting, or the token dialog is open
      problem.hidden = false;
      problem.textContent = e.message;
    }
  }

  // One chain of refreshes: a refresh asked for now (a new page, a new query) replaces the one that was due.
  let chain = 0;
  let loading = null;
  function refreshNow() {
    clearTimeout(timer);
    if (loading) loading.abort();
    loading = new AbortController();
    loadSignal = loading.signal;
    const mine = ++chain;
    refresh(generation).finally(() => {
      if (mine === chain) timer = setTimeout(refreshNow, REFRESH_MS);
    });
  }

  window.addEventListener('hashchange', show);
  show();
})();
