// Headroom's dashboard: reads the daemon's own API (/api/v1/status, /api/v1/alerts,
// /api/v1/silences, /api/v1/alerts/history, /api/v1/query_range) from the same origin and
// draws it with dygraphs. No other origin is ever contacted. Polls only while the page is
// visible, once per sampling interval (at least 1 s).
(function () {
  'use strict';

  // ---- words -------------------------------------------------------------------------
  const WORDS = {
    en: {
      firingAlerts: 'Firing alerts', tokenLabel: 'Token to silence', cpu: 'CPU', memory: 'Memory', load: 'Load',
      container: 'Container', pressure: 'Pressure stall (avg10)', selfCost: "Headroom's own cost", history: 'Alert history',
      charts: 'Charts:', range: 'Time range', uptime: 'Uptime', up: 'up', ready: 'ready', notReady: 'not ready',
      firing: 'firing', none: 'nothing firing', updated: 'updated', noAlerts: 'No alert is firing.',
      noHistory: 'Nothing recorded in this range.', severity: 'Severity', rule: 'Rule', labels: 'Labels', value: 'Value',
      threshold: 'Threshold', since: 'Since', summary: 'Summary', silence: 'Silence for', time: 'Time', event: 'Event',
      channel: 'Channel', detail: 'Detail', used: 'used', reserved: 'reserved', total: 'total', free: 'free',
      utilization: 'utilisation', temperature: 'temperature', slowdown: 'slowdown', power: 'power', limit: 'limit',
      throttle: 'clock limits', processes: 'Processes', pid: 'PID', command: 'Command', where: 'Container / pod',
      memoryUsed: 'Memory used', perProcess: 'Memory per process (stacked)', utilChart: 'Utilisation %',
      tempChart: 'Temperature °C', warningAt: 'warning', criticalAt: 'critical', noLimit: 'no limit',
      oomKills: 'OOM kills', throttled: 'CPU throttled (periods)', psiNone: 'no pressure-stall information', rss: 'resident',
      cpuShare: 'of a core', sincePage: 'since this page opened', historyOff: 'History is off on this daemon: charts start when this page opened.',
      unreachable: 'Cannot reach the daemon; retrying…', needToken: 'Enter the server token to silence.',
      silenced: 'silenced', silencedUntil: 'Silenced until', refusedToken: 'Refused: wrong or missing token.',
      refusedDisabled: 'Silencing is disabled on this daemon: set server.token.', failed: 'Failed:',
      noGPU: 'No GPU found.', other: 'other', working: 'working set', loadLegend: 'load 1m / 5m / 15m',
      incident: 'incident', gpu: 'GPU', cores: 'cores', critical: 'critical', warning: 'warning', info: 'info'
    },
    zh: {
      firingAlerts: '正在触发的告警', tokenLabel: '静默所需令牌', cpu: 'CPU', memory: '内存', load: '负载',
      container: '容器', pressure: '压力阻塞 (avg10)', selfCost: 'Headroom 自身开销', history: '告警历史',
      charts: '图表：', range: '时间范围', uptime: '运行时间', up: '已运行', ready: '就绪', notReady: '未就绪',
      firing: '触发中', none: '无告警', updated: '更新于', noAlerts: '当前没有触发的告警。',
      noHistory: '此时间范围内没有记录。', severity: '级别', rule: '规则', labels: '标签', value: '当前值',
      threshold: '阈值', since: '开始于', summary: '摘要', silence: '静默', time: '时间', event: '事件',
      channel: '渠道', detail: '详情', used: '已用', reserved: '预留', total: '总计', free: '空闲',
      utilization: '利用率', temperature: '温度', slowdown: '降频温度', power: '功耗', limit: '上限',
      throttle: '时钟限制', processes: '进程', pid: 'PID', command: '命令', where: '容器 / Pod',
      memoryUsed: '显存占用', perProcess: '各进程显存（堆叠）', utilChart: '利用率 %',
      tempChart: '温度 °C', warningAt: '警告', criticalAt: '严重', noLimit: '无上限',
      oomKills: 'OOM 终止', throttled: 'CPU 被限流（周期）', psiNone: '无压力阻塞信息', rss: '常驻内存',
      cpuShare: '个核心', sincePage: '自本页打开起', historyOff: '此守护进程未开启历史记录：图表从本页打开时开始。',
      unreachable: '无法连接守护进程，正在重试…', needToken: '请输入服务器令牌以静默告警。',
      silenced: '已静默', silencedUntil: '静默至', refusedToken: '被拒绝：令牌错误或缺失。',
      refusedDisabled: '此守护进程未启用静默：请设置 server.token。', failed: '失败：',
      noGPU: '未发现 GPU。', other: '其他', working: '工作集', loadLegend: '负载 1 / 5 / 15 分钟',
      incident: '事故', gpu: 'GPU', cores: '核', ago: '前', perSecond: '/秒'
    }
  };
  const params = new URLSearchParams(location.search);
  let lang = params.get('lang') || localStorage.getItem('headroom.lang') ||
    ((navigator.languages || [navigator.language || 'en']).some(l => /^zh/i.test(l)) ? 'zh' : 'en');
  if (!WORDS[lang]) lang = 'en';
  const t = key => (WORDS[lang] && WORDS[lang][key]) || WORDS.en[key] || key;

  // ---- formatting --------------------------------------------------------------------
  const GiB = 1024 * 1024 * 1024, MiB = 1024 * 1024;
  function bytes(v) {
    if (v == null || !isFinite(v)) return '–';
    if (v === 0) return '0';
    if (Math.abs(v) >= GiB) return (v / GiB).toFixed(1) + ' GiB';
    if (Math.abs(v) >= MiB) return (v / MiB).toFixed(0) + ' MiB';
    return (v / 1024).toFixed(0) + ' KiB';
  }
  const pct = v => (v == null || !isFinite(v)) ? '–' : v.toFixed(v < 10 ? 1 : 0) + ' %';
  const num = (v, d) => (v == null || !isFinite(v)) ? '–' : v.toFixed(d == null ? 1 : d);
  function duration(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    const d = Math.floor(seconds / 86400), h = Math.floor(seconds % 86400 / 3600), m = Math.floor(seconds % 3600 / 60), s = seconds % 60;
    if (d) return d + 'd ' + h + 'h';
    if (h) return h + 'h ' + m + 'm';
    if (m) return m + 'm ' + s + 's';
    return s + 's';
  }
  const clock = date => date.toLocaleTimeString(lang === 'zh' ? 'zh-CN' : undefined, { hour12: false });
  const stamp = date => date.toLocaleString(lang === 'zh' ? 'zh-CN' : undefined, { hour12: false });
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v == null) continue;
      if (k === 'class') node.className = v; else if (k === 'text') node.textContent = v;
      else if (k.startsWith('on')) node.addEventListener(k.slice(2), v); else node.setAttribute(k, v);
    }
    for (const child of children) if (child != null) node.append(child);
    return node;
  }
  // A figure whose raw value tests and tools can read back (data-value) beside its text.
  function figure(label, text, raw, extra) {
    return el('span', { class: 'figure' }, label + ' ', el('b', Object.assign({ 'data-value': raw == null ? '' : String(raw) }, extra || {}), text));
  }
  const cssVar = name => getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  // A GPU's model, UUID, bus id and vendor describe it; its `gpu` label (and a vendor other
  // than nvidia) tells it apart (Labels.shown).
  const GPU_DESCRIPTION = new Set(['name', 'uuid', 'pci_bus_id', 'vendor']);
  const shownLabels = labels => Object.entries(labels || {})
    .filter(([k, v]) => !(labels.gpu != null && GPU_DESCRIPTION.has(k) && !(k === 'vendor' && v !== 'nvidia')));
  const labelText = labels => shownLabels(labels).map(([k, v]) => k + '="' + v + '"').join(', ');

  // ---- state -------------------------------------------------------------------------
  const state = {
    range: Number(params.get('range')) || Number(localStorage.getItem('headroom.range')) || 3600,
    status: null, alerts: [], silences: [], events: [], rules: [], historyOn: true,
    charts: new Map(), polls: 0, timer: null, failures: 0, renderedAt: null, lastFiring: -1
  };
  let series = new Map(); // chart id -> Map(series key -> {label, points: [[ms, v]]})

  function samples(name, where) {
    const list = (state.status && state.status.samples) || [];
    return list.filter(s => s.name === name && (!where || Object.entries(where).every(([k, v]) => s.labels[k] === v)));
  }
  function value(name, where) { const s = samples(name, where)[0]; return s ? s.value : null; }

  // ---- API ---------------------------------------------------------------------------
  async function getJSON(path) {
    const response = await fetch(path, { headers: { Accept: 'application/json' }, cache: 'no-store' });
    const body = await response.json().catch(() => null);
    if (!response.ok) { const e = new Error((body && (body.error || body.errorType)) || response.status); e.status = response.status; throw e; }
    return body;
  }
  function stepFor(range, interval) { return Math.max(interval || 1, Math.ceil(range / 720)); }

  // What each chart plots: a metric from query_range, keyed per series, filtered by labels.
  function chartQueries() {
    return ['gpu_memory_used_bytes', 'gpu_process_memory_used_bytes', 'gpu_utilization_percent', 'gpu_temperature_celsius',
      'cpu_used_percent', 'memory_used_bytes', 'load1', 'load5', 'load15', 'container_memory_usage_bytes',
      'container_memory_working_set_bytes', 'pressure_avg10_percent'];
  }
  // Where one sample of a metric goes: [chart id, series key, label] or null.
  function route(name, labels) {
    const gpu = labels.gpu;
    switch (name) {
      case 'gpu_memory_used_bytes': return ['gpu-mem-' + gpu, 'used', t('used')];
      case 'gpu_process_memory_used_bytes': {
        const where = labels.pod || labels.container || '';
        return ['gpu-proc-' + gpu, labels.pid, (labels.command || '?') + ' (' + labels.pid + ')' + (where ? ' · ' + where : '')];
      }
      case 'gpu_utilization_percent': return ['gpu-util-' + gpu, 'util', t('utilization')];
      case 'gpu_temperature_celsius': return ['gpu-temp-' + gpu, 'temp', t('temperature')];
      case 'cpu_used_percent': return ['cpu', 'cpu', 'CPU %'];
      case 'memory_used_bytes': return ['memory', 'used', t('used')];
      case 'load1': return ['load', '1', '1m'];
      case 'load5': return ['load', '5', '5m'];
      case 'load15': return ['load', '15', '15m'];
      case 'container_memory_usage_bytes': return ['container', 'usage', t('used')];
      case 'container_memory_working_set_bytes': return ['container', 'ws', t('working')];
      case 'pressure_avg10_percent':
        if (labels.scope && labels.scope !== 'host' && labels.scope !== 'container') return null;
        return ['psi', labels.scope + '/' + labels.resource + '/' + labels.kind, labels.resource + ' ' + labels.kind + (labels.scope === 'container' ? ' (ctr)' : '')];
      default: return null;
    }
  }
  function put(chart, key, label, ms, v, into) {
    const target = into || series;
    let chartSeries = target.get(chart);
    if (!chartSeries) { chartSeries = new Map(); target.set(chart, chartSeries); }
    let one = chartSeries.get(key);
    if (!one) { one = { label, points: [] }; chartSeries.set(key, one); }
    one.label = label;
    const points = one.points, last = points[points.length - 1];
    const stepMs = stepFor(state.range, state.status && state.status.interval_seconds) * 1000;
    if (last && ms - last[0] < stepMs * 0.999) { if (ms >= last[0]) { last[1] = v; } return; }
    points.push([ms, v]);
  }
  function trim() {
    const oldest = Date.now() - state.range * 1000;
    for (const chartSeries of series.values()) {
      for (const [key, one] of chartSeries) {
        let i = 0; while (i < one.points.length && one.points[i][0] < oldest) i++;
        if (i) one.points.splice(0, i);
        if (!one.points.length) chartSeries.delete(key);
      }
    }
  }

  async function loadRange() {
    const end = Math.floor(Date.now() / 1000), start = end - state.range;
    const step = stepFor(state.range, state.status && state.status.interval_seconds);
    // Filled aside and swapped in whole: a poll that lands while the queries run appends to
    // the old map, never ahead of the history (which `put` would then refuse as out of order).
    const fresh = new Map();
    const results = await Promise.all(chartQueries().map(q =>
      getJSON('api/v1/query_range?query=' + encodeURIComponent(q) + '&start=' + start + '&end=' + end + '&step=' + step)
        .then(body => body.data.result.map(r => ({ name: q, metric: r.metric, values: r.values })))
        .catch(e => { if (e.status === 503) state.historyOn = false; return []; })));
    for (const list of results) {
      for (const r of list) {
        const where = route(r.name, r.metric);
        if (!where) continue;
        for (const [ts, text] of r.values) put(where[0], where[1], where[2], ts * 1000, Number(text), fresh);
      }
    }
    if (series.has('self')) fresh.set('self', series.get('self')); // live only: no history to re-read
    series = fresh;
    if (!results.some(list => list.length) && state.historyOn === false) notice(t('historyOff'));
    state.events = await getJSON('api/v1/alerts/history?from=' + start + '&to=' + end + '&limit=1000').catch(() => []);
  }
  function appendStatus(status) {
    const ms = Date.parse(status.time);
    if (!isFinite(ms)) return;
    for (const s of status.samples) {
      const where = route(s.name, s.labels);
      if (where && s.value != null) put(where[0], where[1], where[2], ms, s.value);
    }
    const rss = status.process && status.process.resident_bytes, cpu = status.process && status.process.cpu_seconds;
    if (rss != null) put('self', 'rss', t('rss') + ' MiB', ms, rss / MiB);
    if (cpu != null) {
      if (state.lastCPU && ms > state.lastCPU[0]) put('self', 'cpu', 'CPU % ' + t('cpuShare'), ms, 100 * (cpu - state.lastCPU[1]) / ((ms - state.lastCPU[0]) / 1000));
      state.lastCPU = [ms, cpu];
    }
    trim();
  }

  // ---- charts ------------------------------------------------------------------------
  // Rows for dygraphs: the union of the series' timestamps, a gap (null) where one has none.
  function rows(chartSeries, keys) {
    const byTime = new Map();
    keys.forEach((key, i) => {
      for (const [ms, v] of chartSeries.get(key).points) {
        let row = byTime.get(ms);
        if (!row) { row = new Array(keys.length + 1).fill(null); row[0] = new Date(ms); byTime.set(ms, row); }
        row[i + 1] = v;
      }
    });
    return Array.from(byTime.values()).sort((a, b) => a[0] - b[0]);
  }
  // Vertical markers: alert firings / resolutions and incidents that concern this chart.
  // A GPU's charts show the events of that GPU (and CUDA OOM incidents); a host chart those
  // of rules on its metrics (`metrics`, a pattern) and the host's incidents.
  function markersFor(gpu, metrics) {
    const marks = [];
    const ruleMetric = new Map(state.rules.map(r => [r.name, r.metric]));
    for (const e of state.events) {
      const firingOrResolved = e.category === 'alert' && (e.kind === 'firing' || e.kind === 'resolved');
      if (!firingOrResolved && e.category !== 'incident') continue;
      const eventGPU = e.labels && e.labels.gpu;
      const relevant = gpu != null ? (eventGPU === gpu || (e.category === 'incident' && e.kind === 'cuda_oom'))
        : eventGPU == null && (e.category === 'incident' || (metrics != null && metrics.test(ruleMetric.get(e.rule) || '')));
      if (!relevant) continue;
      const color = e.category === 'incident' ? cssVar('--incident') : e.kind === 'resolved' ? cssVar('--ok') : cssVar(e.severity === 'critical' ? '--critical' : e.severity === 'info' ? '--info' : '--warning');
      marks.push({ ms: Date.parse(e.time), color, dashed: e.category === 'incident', title: e.category === 'incident' ? e.kind : e.rule + ' ' + e.kind });
    }
    return marks;
  }
  function draw(id, container, spec) {
    const chartSeries = series.get(id) || new Map();
    let keys = Array.from(chartSeries.keys());
    if (spec.order) keys = spec.order(keys, chartSeries);
    if (spec.limit && keys.length > spec.limit) keys = keys.slice(0, spec.limit);
    const data = keys.length ? rows(chartSeries, keys) : [];
    const end = Date.now(), start = end - state.range * 1000;
    const labels = ['time'].concat(keys.map(k => chartSeries.get(k).label));
    let chart = state.charts.get(id);
    if (!data.length) {
      if (chart) { chart.graph.destroy(); state.charts.delete(id); }
      container.textContent = ''; container.append(el('div', { class: 'empty', text: spec.empty || '–' }));
      return;
    }
    const options = {
      file: data, labels, dateWindow: [start, end], stackedGraph: !!spec.stacked, fillGraph: !!spec.stacked,
      valueRange: spec.valueRange ? spec.valueRange() : null, includeZero: true, strokeWidth: 1.5,
      colors: spec.colors || null, gridLineColor: cssVar('--grid'), axisLineColor: cssVar('--border'),
      axisLabelFontSize: 11, legend: 'onmouseover', labelsSeparateLines: true, connectSeparatedPoints: false,
      axes: { y: { valueFormatter: spec.format, axisLabelFormatter: spec.format, axisLabelWidth: spec.axisWidth || 56 },
        x: { axisLabelWidth: 60 } },
      underlayCallback: (canvas, area, g) => {
        for (const line of (spec.lines ? spec.lines() : [])) {
          if (line.value == null || !isFinite(line.value)) continue;
          const y = g.toDomYCoord(line.value);
          if (y < area.y || y > area.y + area.h) continue;
          canvas.save(); canvas.strokeStyle = cssVar(line.color); canvas.lineWidth = 1.5; canvas.setLineDash([6, 4]);
          canvas.beginPath(); canvas.moveTo(area.x, y); canvas.lineTo(area.x + area.w, y); canvas.stroke();
          canvas.fillStyle = cssVar(line.color); canvas.font = '11px system-ui, sans-serif';
          canvas.fillText(line.label, area.x + 4, y - 3); canvas.restore();
        }
        for (const mark of markersFor(spec.gpu, spec.metrics)) {
          const x = g.toDomXCoord(mark.ms);
          if (!(x >= area.x && x <= area.x + area.w)) continue;
          canvas.save(); canvas.strokeStyle = mark.color; canvas.lineWidth = 1.5; canvas.setLineDash(mark.dashed ? [3, 3] : []);
          canvas.beginPath(); canvas.moveTo(x, area.y); canvas.lineTo(x, area.y + area.h); canvas.stroke(); canvas.restore();
        }
      }
    };
    if (chart && chart.labels.join('\u0000') === labels.join('\u0000')) {
      chart.graph.updateOptions({ file: data, dateWindow: [start, end], valueRange: options.valueRange });
    } else {
      if (chart) chart.graph.destroy();
      container.textContent = '';
      chart = { graph: new Dygraph(container, data, options), labels };
      state.charts.set(id, chart);
    }
    chart.rows = data.length; chart.series = keys.length;
  }

  // ---- thresholds from the rules ------------------------------------------------------
  // Lines for `metric`: rules on it directly, and on `percentOf` (a percentage of `total`),
  // whose label matchers accept `labels` (the chart's series: {gpu: "0"}, {resource: "memory"}).
  // One label condition, as the daemon reads it: =, !=, and whole-value =~ / !~.
  function labelMatches(op, actual, value) {
    switch (op) {
      case '=': return actual === value;
      case '!=': return actual !== value;
      case '=~': case '!~':
        try { return new RegExp('^(?:' + value + ')$').test(actual) === (op === '=~'); } catch (e) { return false; }
      default: return false;
    }
  }
  function ruleMatches(rule, labels) {
    return (rule.matchers || []).every(m => {
      const actual = (labels || {})[m.label];
      return actual == null || labelMatches(m.op, actual, m.value); // a label the chart does not pin: the rule may apply
    });
  }
  function thresholdLines(metric, percentOf, total, labels) {
    const lines = [];
    for (const rule of state.rules) {
      if (rule.threshold == null || !/^[>≥]/.test(rule.condition) || !ruleMatches(rule, labels)) continue;
      let v = null;
      if (rule.metric === metric) v = rule.threshold;
      else if (percentOf && rule.metric === percentOf && total) v = rule.threshold / 100 * total;
      if (v == null) continue;
      const sev = rule.severity === 'critical' ? 'critical' : rule.severity === 'info' ? 'info' : 'warning';
      lines.push({ value: v, color: '--' + sev, label: rule.name + ' ' + rule.condition + ' ' + rule.threshold, severity: sev, rule: rule.name });
    }
    return lines;
  }

  // ---- rendering ---------------------------------------------------------------------
  function notice(text) { const n = document.getElementById('notice'); n.hidden = !text; n.textContent = text || ''; }
  function applyWords() {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
    for (const node of document.querySelectorAll('[data-i18n-aria]')) node.setAttribute('aria-label', t(node.dataset.i18nAria));
    document.getElementById('lang').textContent = lang === 'zh' ? 'English' : '中文';
  }
  function renderGlance(status) {
    document.title = 'Headroom · ' + status.hostname;
    document.getElementById('host').textContent = status.hostname;
    const up = document.getElementById('uptime');
    up.textContent = t('up') + ' ' + duration(status.uptime_seconds); up.title = t('uptime'); up.dataset.value = status.uptime_seconds;
    const ready = document.getElementById('ready');
    ready.className = 'chip ' + (status.ready ? 'ok' : 'bad');
    ready.textContent = status.ready ? '✓ ' + t('ready') : '✗ ' + t('notReady');
    ready.title = status.ready_reason || ''; ready.dataset.ready = String(status.ready);
    const counts = { critical: 0, warning: 0, info: 0 };
    for (const a of state.alerts) counts[a.severity] = (counts[a.severity] || 0) + 1;
    const firing = document.getElementById('firing');
    firing.textContent = '';
    firing.className = 'chip ' + (counts.critical ? 'critical' : counts.warning ? 'warning' : counts.info ? 'info' : 'ok');
    firing.dataset.value = status.firing_alerts;
    const parts = ['critical', 'warning', 'info'].filter(s => counts[s]).map(s => counts[s] + ' ' + t(s));
    firing.textContent = parts.length ? t('firing') + ': ' + parts.join(' · ') : t('none');
    document.getElementById('updated').textContent = t('updated') + ' ' + clock(new Date(status.time));
  }

  function gpuIds(status) {
    const ids = new Set(status.samples.filter(s => s.name === 'gpu_memory_total_bytes' || s.name === 'gpu_up').map(s => s.labels.gpu).filter(g => g != null));
    return Array.from(ids).sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
  }
  function gpuCard(id) {
    let card = document.getElementById('gpu-' + id);
    if (card) return card;
    card = el('div', { class: 'panel card gpu', id: 'gpu-' + id, 'data-gpu': id },
      el('div', { class: 'gpu-title' }, el('span', { class: 'name' }), el('span', { class: 'muted uuid hide-narrow' })),
      el('div', { class: 'bar' }), el('div', { class: 'bar-legend' }), el('div', { class: 'figures' }), el('div', { class: 'reasons' }),
      el('div', { class: 'chart-label', 'data-i18n': 'memoryUsed' }), el('div', { class: 'chart', id: 'chart-gpu-mem-' + id }),
      el('div', { class: 'chart-label', 'data-i18n': 'perProcess' }), el('div', { class: 'chart', id: 'chart-gpu-proc-' + id }),
      el('div', { class: 'chart-label', 'data-i18n': 'utilChart' }), el('div', { class: 'chart small', id: 'chart-gpu-util-' + id }),
      el('div', { class: 'chart-label', 'data-i18n': 'tempChart' }), el('div', { class: 'chart small', id: 'chart-gpu-temp-' + id }),
      el('div', { class: 'table-wrap processes' }));
    document.getElementById('gpus').append(card);
    applyWords();
    return card;
  }
  function renderGPUs(status) {
    const ids = gpuIds(status);
    const holder = document.getElementById('gpus');
    for (const card of Array.from(holder.children)) if (!ids.includes(card.dataset.gpu)) card.remove();
    if (!ids.length) { if (!holder.querySelector('.empty')) holder.append(el('div', { class: 'panel empty', text: t('noGPU') })); return; }
    for (const e of holder.querySelectorAll('.empty')) e.remove();
    for (const id of ids) {
      const w = { gpu: id };
      const card = gpuCard(id);
      const any = samples('gpu_memory_total_bytes', w)[0] || samples('gpu_up', w)[0];
      card.querySelector('.name').textContent = t('gpu') + ' ' + id + ' · ' + ((any && any.labels.name) || '');
      card.querySelector('.uuid').textContent = (any && any.labels.uuid) || '';
      const total = value('gpu_memory_total_bytes', w), used = value('gpu_memory_used_bytes', w), reserved = value('gpu_memory_reserved_bytes', w) || 0;
      const lines = thresholdLines('gpu_memory_used_bytes', 'gpu_memory_used_percent', total, any ? any.labels : w);
      const bar = card.querySelector('.bar'); bar.textContent = '';
      if (total) {
        bar.append(el('div', { class: 'used', style: 'width:' + (100 * used / total).toFixed(2) + '%' }));
        bar.append(el('div', { class: 'reserved', style: 'left:' + (100 * used / total).toFixed(2) + '%;width:' + (100 * reserved / total).toFixed(2) + '%' }));
        for (const line of lines) bar.append(el('div', { class: 'mark ' + line.severity, title: line.label, style: 'left:' + Math.min(99.6, 100 * line.value / total).toFixed(2) + '%' }));
      }
      const legend = card.querySelector('.bar-legend'); legend.textContent = '';
      legend.append(figure(t('used'), bytes(used), used, { 'data-metric': 'gpu_memory_used_bytes' }),
        figure(t('reserved'), bytes(reserved), reserved, { 'data-metric': 'gpu_memory_reserved_bytes' }),
        figure(t('total'), bytes(total), total, { 'data-metric': 'gpu_memory_total_bytes' }),
        figure('', pct(value('gpu_memory_used_percent', w)), value('gpu_memory_used_percent', w), { 'data-metric': 'gpu_memory_used_percent' }));
      for (const line of lines) legend.append(el('span', { class: 'sev-' + line.severity, text: (line.severity === 'critical' ? t('criticalAt') : t('warningAt')) + ' ' + bytes(line.value) }));
      const figures = card.querySelector('.figures'); figures.textContent = '';
      const util = value('gpu_utilization_percent', w), temp = value('gpu_temperature_celsius', w), slow = value('gpu_temperature_slowdown_celsius', w);
      const power = value('gpu_power_watts', w), limit = value('gpu_power_limit_watts', w);
      figures.append(figure(t('utilization'), pct(util), util, { 'data-metric': 'gpu_utilization_percent' }),
        figure(t('temperature'), num(temp, 0) + ' °C' + (slow ? ' / ' + t('slowdown') + ' ' + num(slow, 0) + ' °C' : ''), temp, { 'data-metric': 'gpu_temperature_celsius' }),
        figure(t('power'), num(power, 0) + ' W' + (limit ? ' / ' + num(limit, 0) + ' W' : ''), power, { 'data-metric': 'gpu_power_watts' }));
      const reasons = card.querySelector('.reasons'); reasons.textContent = '';
      const active = samples('gpu_clock_event_active', w).filter(s => s.value > 0);
      if (active.length) reasons.append(el('span', { class: 'muted', text: t('throttle') + ':' }));
      for (const s of active) reasons.append(el('span', { class: 'chip ' + (s.labels.class === 'info' ? 'info' : 'warning'), text: s.labels.reason }));
      const procs = samples('gpu_process_memory_used_bytes', w).sort((a, b) => (b.value || 0) - (a.value || 0));
      const table = el('table', null, el('thead', null, el('tr', null, el('th', { text: t('pid') }), el('th', { text: t('command') }),
        el('th', { text: t('where'), class: 'hide-narrow' }), el('th', { class: 'num', text: t('memory') }))));
      const body = el('tbody');
      for (const p of procs) body.append(el('tr', { 'data-pid': p.labels.pid }, el('td', { text: p.labels.pid }), el('td', { text: p.labels.command || '' }),
        el('td', { class: 'hide-narrow', text: [p.labels.container, p.labels.pod].filter(Boolean).join(' / ') }),
        el('td', { class: 'num', 'data-value': String(p.value), text: bytes(p.value) })));
      table.append(body);
      const wrap = card.querySelector('.processes'); wrap.textContent = '';
      if (procs.length) wrap.append(table);
      draw('gpu-mem-' + id, card.querySelector('#chart-gpu-mem-' + id), { gpu: id, format: bytes, axisWidth: 64, lines: () => lines,
        valueRange: () => total ? [0, total * 1.02] : null, colors: [cssVar('--used')] });
      draw('gpu-proc-' + id, card.querySelector('#chart-gpu-proc-' + id), { gpu: id, format: bytes, axisWidth: 64, stacked: true, limit: 12,
        valueRange: () => total ? [0, total * 1.02] : null, lines: () => lines,
        order: (keys, s) => keys.sort((a, b) => last(s.get(b)) - last(s.get(a))) });
      draw('gpu-util-' + id, card.querySelector('#chart-gpu-util-' + id), { gpu: id, format: v => num(v, 0), valueRange: () => [0, 100] });
      draw('gpu-temp-' + id, card.querySelector('#chart-gpu-temp-' + id), { gpu: id, format: v => num(v, 0),
        lines: () => slow ? [{ value: slow, color: '--warning', label: t('slowdown') + ' ' + num(slow, 0) + ' °C' }] : [] });
    }
  }
  const last = one => one.points.length ? one.points[one.points.length - 1][1] || 0 : 0;

  function renderHost(status) {
    const cpu = value('cpu_used_percent'), cores = value('cpu_count');
    const f = id => { const n = document.getElementById(id); n.textContent = ''; return n; };
    f('cpu-figures').append(figure('CPU', pct(cpu), cpu, { 'data-metric': 'cpu_used_percent' }),
      figure(t('cores'), num(cores, 0), cores), figure('iowait', pct(value('cpu_iowait_percent')), value('cpu_iowait_percent')));
    draw('cpu', document.getElementById('chart-cpu'), { metrics: /^cpu_/, format: v => num(v, 0), valueRange: () => [0, 100], lines: () => thresholdLines('cpu_used_percent') });
    const memUsed = value('memory_used_bytes'), memTotal = value('memory_total_bytes');
    f('memory-figures').append(figure(t('used'), bytes(memUsed), memUsed, { 'data-metric': 'memory_used_bytes' }),
      figure(t('total'), bytes(memTotal), memTotal, { 'data-metric': 'memory_total_bytes' }),
      figure('', pct(value('memory_used_percent')), value('memory_used_percent'), { 'data-metric': 'memory_used_percent' }));
    draw('memory', document.getElementById('chart-memory'), { metrics: /^(memory_|swap_)/, format: bytes, axisWidth: 64, valueRange: () => memTotal ? [0, memTotal * 1.02] : null,
      lines: () => thresholdLines('memory_used_bytes', 'memory_used_percent', memTotal) });
    f('load-figures').append(figure(t('loadLegend'), [value('load1'), value('load5'), value('load15')].map(v => num(v, 2)).join(' / '), value('load1'), { 'data-metric': 'load1' }));
    draw('load', document.getElementById('chart-load'), { metrics: /^load/, format: v => num(v, 1), lines: () => thresholdLines('load1') });
    const cUsage = value('container_memory_usage_bytes'), cLimit = value('container_memory_limit_bytes');
    const oom = value('container_oom_kills_total'), throttled = value('container_cpu_throttled_percent');
    const cf = f('container-figures');
    if (cUsage == null) cf.append(el('span', { class: 'empty', text: '–' }));
    else cf.append(figure(t('used'), bytes(cUsage), cUsage, { 'data-metric': 'container_memory_usage_bytes' }),
      figure(t('limit'), cLimit ? bytes(cLimit) : t('noLimit'), cLimit), figure(t('oomKills'), num(oom, 0), oom, { 'data-metric': 'container_oom_kills_total' }),
      figure(t('throttled'), pct(throttled), throttled, { 'data-metric': 'container_cpu_throttled_percent' }));
    draw('container', document.getElementById('chart-container'), { metrics: /^container_/, format: bytes, axisWidth: 64,
      lines: () => cLimit ? [{ value: cLimit, color: '--critical', label: t('limit') + ' ' + bytes(cLimit) }].concat(thresholdLines('container_memory_usage_bytes', 'container_memory_used_percent', cLimit)) : [] });
    const psi = samples('pressure_avg10_percent').filter(s => s.labels.scope === 'host' || s.labels.scope === 'container');
    const pf = f('psi-figures');
    if (!psi.length) pf.append(el('span', { class: 'empty', text: t('psiNone') }));
    for (const s of psi.filter(s => s.labels.kind === 'some')) pf.append(figure(s.labels.resource + (s.labels.scope === 'container' ? ' (ctr)' : ''), pct(s.value), s.value));
    draw('psi', document.getElementById('chart-psi'), { metrics: /^pressure_/, format: v => num(v, 0), lines: () => thresholdLines('pressure_avg10_percent', null, null, { kind: 'some' }) });
    const rss = status.process && status.process.resident_bytes;
    const selfCPU = (series.get('self') && series.get('self').get('cpu')) ? last(series.get('self').get('cpu')) : null;
    f('self-figures').append(figure(t('rss'), bytes(rss), rss, { 'data-metric': 'process_resident_memory_bytes' }),
      figure('CPU', selfCPU == null ? '–' : num(selfCPU, 2) + ' % ' + t('cpuShare'), selfCPU),
      el('span', { class: 'muted', text: '(' + t('sincePage') + ')' }));
    draw('self', document.getElementById('chart-self'), { metrics: /^(history_|series_|collector_)/, format: v => num(v, 1) });
  }

  function silencedBy(alert) {
    const labels = Object.assign({}, alert.labels, { alertname: alert.rule, severity: alert.severity, metric: alert.metric });
    return state.silences.find(s => (s.matchers || []).length && s.matchers.every(m => {
      const matcher = typeof m === 'string' ? parseMatcher(m) : m;
      return matcher != null && labelMatches(matcher.op, labels[matcher.name] || '', matcher.value);
    }));
  }
  function parseMatcher(text) {
    const m = /^([A-Za-z0-9_]+)(!=|=~|!~|=)(.*)$/.exec(text);
    return m ? { name: m[1], op: m[2], value: m[3] } : null;
  }
  function renderAlerts() {
    const holder = document.getElementById('alerts'); holder.textContent = '';
    if (!state.alerts.length) { holder.append(el('div', { class: 'empty', text: t('noAlerts') })); return; }
    const rank = { critical: 0, warning: 1, info: 2 };
    const sorted = state.alerts.slice().sort((a, b) => (rank[a.severity] - rank[b.severity]) || a.rule.localeCompare(b.rule));
    const table = el('table', { id: 'alerts-table' }, el('thead', null, el('tr', null, el('th', { text: t('severity') }), el('th', { text: t('rule') }),
      el('th', { text: t('labels'), class: 'hide-narrow' }), el('th', { class: 'num', text: t('value') }), el('th', { class: 'num hide-narrow', text: t('threshold') }),
      el('th', { text: t('since'), class: 'hide-narrow' }), el('th', { text: t('silence') }))));
    const body = el('tbody');
    for (const a of sorted) {
      const silence = silencedBy(a);
      const buttons = el('span', { class: 'silence-buttons' });
      if (silence) buttons.append(el('span', { class: 'chip', text: t('silenced') + ' → ' + clock(new Date(silence.ends_at || silence.endsAt)) }));
      else for (const d of ['1h', '4h', '24h']) buttons.append(el('button', { type: 'button', 'data-duration': d, onclick: () => silenceAlert(a, d) }, d));
      body.append(el('tr', { 'data-rule': a.rule, title: a.summary || '' }, el('td', { class: 'sev-' + a.severity, text: t(a.severity) }), el('td', { text: a.rule }),
        el('td', { class: 'labels hide-narrow', text: labelText(a.labels) }), el('td', { class: 'num', text: metricValue(a.metric, a.value) }),
        el('td', { class: 'num hide-narrow', text: metricValue(a.metric, a.threshold) }), el('td', { class: 'hide-narrow', text: duration((Date.now() - Date.parse(a.since)) / 1000) }), el('td', null, buttons)));
    }
    table.append(body);
    holder.append(el('div', { class: 'table-wrap' }, table));
  }
  async function silenceAlert(alert, durationText) {
    const result = document.getElementById('silence-result');
    const token = document.getElementById('token').value.trim();
    const matchers = ['alertname=' + alert.rule];
    for (const [k, v] of shownLabels(alert.labels)) if (!/[=!~]/.test(k + v)) matchers.push(k + '=' + v);
    const response = await fetch('api/v1/silences', { method: 'POST', headers: Object.assign({ 'Content-Type': 'application/json' }, token ? { Authorization: 'Bearer ' + token } : {}),
      body: JSON.stringify({ matchers, duration: durationText, comment: 'from the dashboard', created_by: 'dashboard' }) }).catch(e => ({ ok: false, status: 0, json: async () => ({ error: String(e) }) }));
    const body = await response.json().catch(() => ({}));
    if (response.ok) {
      sessionStorage.setItem('headroom.token', token);
      result.textContent = t('silencedUntil') + ' ' + stamp(new Date(Date.now() + parseDuration(durationText) * 1000)) + ' (' + body.id + ')';
      result.dataset.outcome = 'silenced';
      await refreshAlerts(true);
    } else if (response.status === 401) {
      result.textContent = t('refusedToken') + (token ? '' : ' ' + t('needToken')); result.dataset.outcome = 'refused';
      document.getElementById('token').focus();
    }
    else if (response.status === 403) { result.textContent = t('refusedDisabled'); result.dataset.outcome = 'disabled'; }
    else { result.textContent = t('failed') + ' ' + (body.error || response.status); result.dataset.outcome = 'failed'; }
  }
  // A value as its metric's unit reads: bytes as GiB/MiB, percentages with %, else two decimals.
  function metricValue(metric, v) {
    if (v == null || !isFinite(v)) return '–';
    if (/_bytes$/.test(metric || '')) return bytes(v);
    if (/_percent$/.test(metric || '')) return num(v, 1) + ' %';
    return num(v, 2);
  }
  const parseDuration = text => { const m = /^(\d+)([smhd])$/.exec(text); return m ? Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[m[2]] : 3600; };

  function renderHistory() {
    const holder = document.getElementById('history'); holder.textContent = '';
    const events = state.events.slice().reverse().slice(0, 200);
    if (!events.length) { holder.append(el('div', { class: 'empty', text: t('noHistory') })); return; }
    const table = el('table', { id: 'history-table' }, el('thead', null, el('tr', null, el('th', { text: t('time') }), el('th', { text: t('event') }),
      el('th', { text: t('rule') }), el('th', { text: t('labels'), class: 'hide-narrow' }), el('th', { text: t('channel'), class: 'hide-narrow' }), el('th', { text: t('detail') }))));
    const body = el('tbody');
    for (const e of events) {
      const kindClass = e.category === 'incident' ? 'kind-incident' : 'kind-' + (e.outcome || e.kind);
      body.append(el('tr', null, el('td', { text: stamp(new Date(e.time)) }),
        el('td', { class: kindClass + (e.severity ? ' sev-' + e.severity : '') }, e.category === 'incident' ? t('incident') + ': ' + e.kind : e.kind + (e.outcome ? ' · ' + e.outcome : '')),
        el('td', { text: e.rule || '' }), el('td', { class: 'labels hide-narrow', text: labelText(e.labels) }),
        el('td', { class: 'hide-narrow', text: e.channel || '' }), el('td', { text: e.detail || '' })));
    }
    table.append(body);
    holder.append(el('div', { class: 'table-wrap' }, table));
  }

  function render() {
    const status = state.status;
    if (!status) return;
    renderGlance(status); renderAlerts(); renderGPUs(status); renderHost(status); renderHistory();
    if (!state.renderedAt) {
      state.renderedAt = performance.now();
      performance.mark('headroom-rendered');
    }
  }

  // ---- the loop ----------------------------------------------------------------------
  async function refreshAlerts(force) {
    if (!force && state.status && state.status.firing_alerts === 0 && state.lastFiring === 0) { state.alerts = []; return; }
    const [alerts, silences] = await Promise.all([getJSON('api/v1/alerts'), getJSON('api/v1/silences').catch(() => [])]);
    state.alerts = alerts; state.silences = silences;
    state.lastFiring = state.status ? state.status.firing_alerts : -1;
  }
  async function poll() {
    try {
      const status = await getJSON('api/v1/status');
      const firingChanged = state.status && state.status.firing_alerts !== status.firing_alerts;
      state.status = status; state.rules = status.rules || [];
      await refreshAlerts(firingChanged || state.polls === 0);
      if (firingChanged || state.polls % 30 === 0) {
        const end = Math.floor(Date.now() / 1000);
        state.events = await getJSON('api/v1/alerts/history?from=' + (end - state.range) + '&to=' + end + '&limit=1000').catch(() => state.events);
      }
      appendStatus(status);
      state.failures = 0;
      if (!state.historyOn) notice(t('historyOff')); else notice('');
      render();
      state.polls++;
    } catch (e) {
      state.failures++;
      notice(t('unreachable') + ' (' + (e.message || e) + ')');
    }
    schedule();
  }
  function schedule() {
    clearTimeout(state.timer);
    if (document.visibilityState === 'hidden') return;
    const interval = Math.max(1, (state.status && state.status.interval_seconds) || 1);
    state.timer = setTimeout(poll, interval * 1000 * (state.failures ? Math.min(10, state.failures) : 1));
  }
  async function start() {
    try {
      state.status = await getJSON('api/v1/status');
      state.rules = state.status.rules || [];
      await loadRange();
    } catch (e) { notice(t('unreachable') + ' (' + (e.message || e) + ')'); }
    await poll();
  }
  function selectRange(seconds) {
    state.range = seconds; localStorage.setItem('headroom.range', String(seconds));
    for (const b of document.querySelectorAll('[data-range]')) b.setAttribute('aria-pressed', String(Number(b.dataset.range) === seconds));
    loadRange().then(render);
  }

  document.addEventListener('DOMContentLoaded', () => {
    applyWords();
    for (const b of document.querySelectorAll('[data-range]')) {
      b.setAttribute('aria-pressed', String(Number(b.dataset.range) === state.range));
      b.addEventListener('click', () => selectRange(Number(b.dataset.range)));
    }
    document.getElementById('lang').addEventListener('click', () => {
      lang = lang === 'zh' ? 'en' : 'zh'; localStorage.setItem('headroom.lang', lang); applyWords(); render();
    });
    const token = document.getElementById('token');
    token.value = sessionStorage.getItem('headroom.token') || '';
    document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible') loadRange().then(poll); else clearTimeout(state.timer); });
    if (window.matchMedia) window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
      for (const c of state.charts.values()) c.graph.destroy();
      state.charts.clear(); render();
    });
    start();
  });

  // For tests and the curious: what each chart holds.
  window.headroom = {
    charts: () => Array.from(state.charts.entries()).map(([id, c]) => ({ id, rows: c.rows, series: c.series })),
    rendered: () => state.renderedAt, state
  };
})();
