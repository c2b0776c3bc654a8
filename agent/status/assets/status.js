// The vitals status page: fetches api/v1/status and renders it in place.
//
// Every string from the agent may come from a monitored service (check errors, alert
// summaries), so data only ever reaches the DOM as text nodes or as the values of plain
// attributes (aria-label, title, data-*); never as markup. The page runs under a strict CSP:
// no inline styles or scripts, no eval.
'use strict';

(() => {
  const API_URL = 'api/v1/status'; // relative, so the page works under a path prefix
  const DEFAULT_REFRESH_SECONDS = 10;
  const FETCH_TIMEOUT_MS = 10000;
  const NARROW_SCREEN = window.matchMedia('(max-width: 560px)');
  const NARROW_DAYS = 30;
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const STATES = ['operational', 'degraded_performance', 'partial_outage', 'major_outage', 'no_data'];

  const $ = (id) => document.getElementById(id);
  const main = $('status');
  const tooltip = $('tooltip');

  let lastData = null;
  let refreshTimer = 0;
  let hoveredDay = null;
  let tooltipDismissed = false;
  const tooltipLines = new WeakMap(); // uptime day element -> lines of its tooltip
  const rovingDate = new Map(); // component name -> the day of its bar that is in the tab order

  // ---------- small DOM helpers ----------

  // Children may be strings: append() turns them into text nodes, never markup.
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === 'class') node.className = value;
      else node.setAttribute(name, String(value)); // names are literals in this file, never data
    }
    for (const child of children) if (child !== null && child !== undefined) node.append(child);
    return node;
  }

  function svg(tag, attrs) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, String(value));
    return node;
  }

  const text = (value) => (typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value));
  const list = (value) => (Array.isArray(value) ? value : []);
  const knownState = (state) => (STATES.includes(state) ? state : 'no_data');

  // ---------- formatting ----------

  function formatDateTime(iso, timeStyle = 'short') {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return text(iso);
    return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle });
  }

  function timeElement(iso, label) {
    return el('time', { datetime: text(iso), title: formatDateTime(iso, 'medium') }, label === undefined ? formatDateTime(iso) : label);
  }

  // Uptime days are UTC days: format them in UTC or they shift by one west of Greenwich.
  function formatDay(isoDate) {
    const date = new Date(`${text(isoDate)}T00:00:00Z`);
    if (Number.isNaN(date.getTime())) return text(isoDate);
    return date.toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  }

  function formatDuration(totalSeconds) {
    const s = Math.max(0, Math.round(totalSeconds));
    if (s < 60) return `${s} s`;
    if (s < 3600) {
      const min = Math.floor(s / 60);
      return min < 10 && s % 60 ? `${min} min ${s % 60} s` : `${min} min`;
    }
    if (s < 86400) {
      const h = Math.floor(s / 3600);
      const min = Math.floor((s % 3600) / 60);
      return min ? `${h} h ${min} min` : `${h} h`;
    }
    const d = Math.floor(s / 86400);
    const h = Math.floor((s % 86400) / 3600);
    return h ? `${d} d ${h} h` : `${d} d`;
  }

  // Relative to the agent's own clock (data.updated), so a skewed browser clock does not matter.
  function formatAgo(iso, nowIso) {
    const seconds = (Date.parse(nowIso) - Date.parse(iso)) / 1000;
    if (!Number.isFinite(seconds)) return formatDateTime(iso);
    return seconds < 1 ? 'just now' : `${formatDuration(seconds)} ago`;
  }

  // Rounds down, so a day with a few seconds of outage never reads as "100%".
  function formatPercent(ratio) {
    if (typeof ratio !== 'number' || !Number.isFinite(ratio)) return 'No data';
    if (ratio >= 1) return '100%';
    return `${(Math.floor(ratio * 10000 + 1e-6) / 100).toFixed(2)}%`;
  }

  function formatMs(seconds) {
    const ms = seconds * 1000;
    return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
  }

  // ---------- state indicator ----------

  // A distinct shape per state, so the indicator does not rely on colour alone.
  const ICON_SHAPES = {
    operational: [['circle', { cx: 8, cy: 8, r: 7, class: 'icon-fill' }], ['path', { d: 'M4.6 8.3l2.3 2.3 4.6-4.8', class: 'icon-glyph' }]],
    degraded_performance: [['path', { d: 'M8 1.3l7 13H1z', class: 'icon-fill' }], ['path', { d: 'M8 6.2v3.6M8 12v.1', class: 'icon-glyph' }]],
    partial_outage: [['path', { d: 'M8 .8L15.2 8 8 15.2.8 8z', class: 'icon-fill' }], ['path', { d: 'M5 8h6', class: 'icon-glyph' }]],
    major_outage: [['rect', { x: 1, y: 1, width: 14, height: 14, rx: 2, class: 'icon-fill' }], ['path', { d: 'M5.2 5.2l5.6 5.6M10.8 5.2l-5.6 5.6', class: 'icon-glyph' }]],
    no_data: [['circle', { cx: 8, cy: 8, r: 6, class: 'icon-ring' }], ['path', { d: 'M5.5 8h5', class: 'icon-ring' }]],
  };

  function stateIcon(state) {
    const icon = svg('svg', { class: 'state-icon', viewBox: '0 0 16 16', width: 16, height: 16, 'aria-hidden': 'true', focusable: 'false' });
    for (const [tag, attrs] of ICON_SHAPES[knownState(state)]) icon.append(svg(tag, attrs));
    return icon;
  }

  // ---------- header, banner, notices ----------

  function renderOverall(data) {
    const title = text(data.title) || 'Status';
    $('page-title').textContent = title;
    document.title = title;

    const banner = $('overall');
    const words = text(data.state_text) || (data.state === 'operational' ? 'All systems operational' : 'No data');
    // A live region: only touch it when the state changes, so screen readers are not re-told every refresh.
    if (banner.textContent !== words || banner.dataset.state !== text(data.state)) {
      banner.dataset.state = text(data.state);
      banner.replaceChildren(stateIcon(data.state), el('span', { class: 'banner-text' }, words));
    }
    banner.hidden = false;

    const updated = $('last-updated');
    // With seconds: the page refreshes every few seconds, and this shows that it does.
    updated.replaceChildren('Last updated ', timeElement(data.updated, formatDateTime(data.updated, 'medium')));
    updated.hidden = false;
  }

  function showStaleNotice(message, iso) {
    const notice = $('stale-notice');
    const parts = [message, ...(iso ? ['; showing data from ', timeElement(iso, formatDateTime(iso, 'medium')), '.'] : ['.'])];
    // It is a live region: rewrite it only when it says something new.
    const wording = parts.map((part) => (typeof part === 'string' ? part : part.textContent)).join('');
    if (notice.hidden || notice.textContent !== wording) notice.replaceChildren(...parts);
    notice.hidden = false;
  }

  // ---------- components ----------

  function buildComponent(component, index, data, openDetails) {
    const name = text(component.name);
    const headingId = `component-${index}`;
    const section = el('section', { class: 'component', 'data-component': name, 'data-state': text(component.state), 'aria-labelledby': headingId });
    section.append(
      el('div', { class: 'component-head' },
        el('h2', { id: headingId, class: 'component-name' }, name),
        el('p', { class: 'component-status' }, stateIcon(component.state), el('span', { class: 'component-state' }, text(component.state_text)))),
    );
    if (component.description) section.append(el('p', { class: 'component-description' }, text(component.description)));
    const causes = list(component.causes);
    if (component.state !== 'operational' && causes.length) {
      section.append(el('ul', { class: 'causes', 'aria-label': 'Causes' }, ...causes.map((cause) => el('li', null, text(cause)))));
    }
    const incidents = list(component.active_incidents);
    if (incidents.length) section.append(buildActiveIncidents(incidents, data.updated));
    if (list(component.uptime).length) section.append(buildUptime(component));
    if (component.slo) section.append(buildErrorBudget(component.slo));
    const series = list(component.response_time);
    if (series.length) section.append(buildResponseTimes(series));
    const details = buildTechnicalDetails(component, openDetails);
    if (details) section.append(details);
    return section;
  }

  function buildActiveIncident(incident, nowIso) {
    const attrs = {
      class: 'active-incident',
      'data-alertname': text(incident.alertname),
      'data-fingerprint': text(incident.fingerprint),
      'data-severity': text(incident.severity),
    };
    return el('li', attrs,
      el('span', { class: 'active-incident-summary' }, text(incident.summary) || text(incident.alertname)),
      ' ',
      el('span', { class: 'active-incident-since' }, 'since ', timeElement(incident.since, formatAgo(incident.since, nowIso))));
  }

  function buildActiveIncidents(incidents, nowIso) {
    const items = incidents.map((incident) => buildActiveIncident(incident, nowIso));
    return el('div', { class: 'active-incidents' },
      el('h3', null, 'Active incidents'),
      el('ul', null, ...items));
  }

  // ---------- uptime bar ----------

  function availabilityLevel(day) {
    const a = day.availability;
    if (typeof a !== 'number') return 'none';
    if (a >= 1) return 'full';
    if (a >= 0.99) return 'minor';
    return a >= 0.95 ? 'partial' : 'major';
  }

  function dayTooltipLines(day) {
    const lines = [formatDay(day.date)];
    if (typeof day.availability !== 'number') return lines.concat('No data');
    lines.push(`${formatPercent(day.availability)} available`);
    if (day.major_outage_seconds > 0) lines.push(`Major outage: ${formatDuration(day.major_outage_seconds)}`);
    if (day.partial_outage_seconds > 0) lines.push(`Partial outage: ${formatDuration(day.partial_outage_seconds)}`);
    if (day.degraded_seconds > 0) lines.push(`Degraded performance: ${formatDuration(day.degraded_seconds)}`);
    if (lines.length === 2) lines.push('No outages');
    return lines;
  }

  function buildUptime(component) {
    const name = text(component.name);
    const allDays = list(component.uptime);
    const shownDays = NARROW_SCREEN.matches ? allDays.slice(-NARROW_DAYS) : allDays;
    // One day per bar sits in the tab order (roving tabindex); arrow keys move between days.
    const dates = shownDays.map((day) => text(day.date));
    const tabDate = dates.includes(rovingDate.get(name)) ? rovingDate.get(name) : dates[dates.length - 1];

    const bar = el('ol', { class: 'uptime-bar', 'aria-label': `Daily availability of ${name}, last ${shownDays.length} days; use the arrow keys to move between days` });
    for (const day of shownDays) {
      const lines = dayTooltipLines(day);
      const item = el('li', {
        class: 'uptime-day',
        'data-level': availabilityLevel(day),
        'data-date': text(day.date),
        'data-focus-key': `day\n${name}\n${text(day.date)}`,
        'aria-label': lines.join('. '),
        tabindex: text(day.date) === tabDate ? 0 : -1,
      });
      tooltipLines.set(item, lines);
      bar.append(item);
    }

    const total = component.availability_90d;
    const figure = typeof total === 'number' ? `${formatPercent(total)} uptime over 90 days` : 'No uptime data for the last 90 days';
    return el('div', { class: 'uptime' },
      bar,
      el('div', { class: 'uptime-legend' },
        el('span', null, `${shownDays.length} days ago`),
        el('span', { class: 'uptime-total' }, figure),
        el('span', null, 'Today')));
  }

  // ---------- error budget ----------

  function buildErrorBudget(slo) {
    const objective = `(objective ${text(slo.objective)}%)`;
    // Null until the month has an observed second (e.g. just after midnight on the 1st).
    if (typeof slo.budget_left !== 'number') return el('div', { class: 'budget' }, el('p', { class: 'budget-text' }, `Error budget this month: no data yet ${objective}`));
    const left = slo.budget_left;
    const overspent = left < 0;
    const words = overspent
      ? `Error budget this month: overspent by ${Math.round(-left * 100)}% ${objective}`
      : `Error budget this month: ${Math.floor(left * 100)}% left ${objective}`;
    const fill = el('div', { class: 'meter-fill', 'data-level': overspent ? 'overspent' : left < 0.25 ? 'low' : 'ok' });
    fill.style.width = `${overspent ? 100 : Math.min(100, left * 100)}%`; // overspent: a full red bar
    return el('div', { class: 'budget' },
      el('p', { class: 'budget-text' }, words),
      el('div', { class: 'meter', 'aria-hidden': 'true' }, fill));
  }

  // ---------- response-time sparklines ----------

  // Runs of consecutive buckets with a sample: each becomes one polyline, leaving gaps between.
  function contiguousRuns(values) {
    const runs = [];
    let run = [];
    values.forEach((value, i) => {
      if (value === null) {
        if (run.length) runs.push(run);
        run = [];
      } else {
        run.push(i);
      }
    });
    if (run.length) runs.push(run);
    return runs;
  }

  function buildSparkline(values, label) {
    const width = 100;
    const height = 24;
    const max = Math.max(0, ...values.filter((v) => v !== null));
    const x = (i) => (values.length > 1 ? (i / (values.length - 1)) * width : width / 2);
    const y = (v) => (max > 0 ? height - 2 - (v / max) * (height - 4) : height - 2);
    const chart = svg('svg', { class: 'sparkline', viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: 'none', role: 'img', 'aria-label': label });
    for (const run of contiguousRuns(values)) {
      const coords = run.map((i) => [x(i), y(values[i])]);
      // A lone sample between gaps would be an invisible zero-length line: widen it to a dash.
      if (coords.length === 1) coords.push([coords[0][0] + 1.5, coords[0][1]]);
      const points = coords.map(([px, py]) => `${px.toFixed(2)},${py.toFixed(2)}`).join(' ');
      chart.append(svg('polyline', { class: 'sparkline-line', points, 'vector-effect': 'non-scaling-stroke' }));
    }
    return chart;
  }

  function buildResponseTimes(seriesList) {
    const rows = seriesList.map((series) => {
      const probe = text(series.probe);
      const values = list(series.points).map((p) => (p && typeof p.seconds === 'number' && Number.isFinite(p.seconds) ? p.seconds : null));
      const samples = values.filter((v) => v !== null);
      const latest = samples.length ? formatMs(samples[samples.length - 1]) : 'No data';
      const label = samples.length
        ? `Response time of ${probe} over the last 24 hours: latest ${latest}, highest ${formatMs(Math.max(...samples))}`
        : `Response time of ${probe}: no samples in the last 24 hours`;
      return el('li', { class: 'probe-row' },
        el('span', { class: 'probe-name' }, probe),
        buildSparkline(values, label),
        el('span', { class: 'probe-latest' }, latest));
    });
    return el('div', { class: 'response-times' },
      el('h3', null, 'Response time, last 24 hours'),
      el('ul', { class: 'probe-list' }, ...rows));
  }

  // ---------- technical details (failing checks and probes) ----------

  function buildTechnicalDetails(component, openDetails) {
    const items = [];
    for (const service of list(component.services)) {
      const checks = list(service.failing_checks);
      for (const check of checks) {
        items.push(el('li', { class: 'failing-check' },
          el('span', { class: 'check-name' }, `${text(service.name)} › ${text(check.name)}`),
          ` (${text(check.status)})`,
          check.error ? el('span', { class: 'check-error' }, text(check.error)) : null));
      }
      // "unknown" means not reported yet, which counts for nothing (docs/status-page.md).
      if (!checks.length && service.status && !['healthy', 'unknown'].includes(service.status)) {
        items.push(el('li', { class: 'failing-service' },
          el('span', { class: 'check-name' }, text(service.name)),
          ` (${text(service.status)})`,
          service.error ? el('span', { class: 'check-error' }, text(service.error)) : null));
      }
    }
    for (const probe of list(component.probes)) {
      if (probe.success !== false) continue;
      items.push(el('li', { class: 'failing-probe' },
        el('span', { class: 'check-name' }, `Probe ${text(probe.name)}`),
        ` failed${probe.reason ? ` (${text(probe.reason)})` : ''}`,
        probe.error ? el('span', { class: 'check-error' }, text(probe.error)) : null));
    }
    if (!items.length) return null;
    const key = `details\n${text(component.name)}`;
    return el('details', { class: 'technical', 'data-key': key, open: openDetails.has(key) },
      el('summary', { 'data-focus-key': key }, `Technical details (${items.length})`),
      el('ul', null, ...items));
  }

  // ---------- past incidents ----------

  function buildIncident(incident, nowIso) {
    const end = incident.closed || nowIso;
    const lasted = formatDuration((Date.parse(end) - Date.parse(incident.opened)) / 1000 || 0);
    const timeline = list(incident.timeline).map((entry) => el('li', { 'data-state': text(entry.state) },
      timeElement(entry.at),
      ' ',
      el('strong', null, text(entry.state_text)),
      entry.detail ? el('span', { class: 'timeline-detail' }, text(entry.detail)) : null));
    return el('li', { class: 'incident', 'data-incident-id': text(incident.id), 'data-state': text(incident.state) },
      el('h3', { class: 'incident-title' }, text(incident.component)),
      el('p', { class: 'component-status' }, stateIcon(incident.state), el('span', null, text(incident.state_text))),
      el('p', { class: 'incident-times' },
        'Opened ', timeElement(incident.opened), ' · ',
        ...(incident.closed ? ['Closed ', timeElement(incident.closed), ` · Lasted ${lasted}`] : [el('strong', null, 'Ongoing'), ` for ${lasted}`])),
      timeline.length ? el('ol', { class: 'timeline', 'aria-label': 'Timeline' }, ...timeline) : null);
  }

  function buildIncidents(incidents, nowIso) {
    if (!incidents.length) return [el('li', { class: 'no-incidents' }, 'No incidents in the last 14 days.')];
    return incidents.map((incident) => buildIncident(incident, nowIso));
  }

  // ---------- rendering in place ----------

  function findByFocusKey(key) {
    for (const node of main.querySelectorAll('[data-focus-key]')) if (node.dataset.focusKey === key) return node;
    return null;
  }

  function render(data) {
    // Build everything first, so a surprise in the data leaves the previous page intact.
    const focusKey = main.contains(document.activeElement) ? document.activeElement.dataset.focusKey : undefined;
    const hoverKey = hoveredDay && hoveredDay.dataset.focusKey;
    const openDetails = new Set([...main.querySelectorAll('details[open]')].map((d) => d.dataset.key));
    const components = list(data.components).map((c, i) => buildComponent(c, i, data, openDetails));
    const incidents = buildIncidents(list(data.incidents), data.updated);

    renderOverall(data);
    $('components').replaceChildren(...components);
    $('incident-list').replaceChildren(...incidents);
    $('incidents').hidden = false;
    $('loading').hidden = true;

    hoveredDay = hoverKey ? findByFocusKey(hoverKey) : null;
    const focusTarget = focusKey ? findByFocusKey(focusKey) : null;
    if (focusTarget) focusTarget.focus({ preventScroll: true });
    updateTooltip();
    document.body.dataset.updated = text(data.updated);
  }

  // ---------- tooltip ----------

  function showTooltip(day) {
    tooltip.replaceChildren(...(tooltipLines.get(day) || []).map((line, i) => el(i ? 'span' : 'strong', null, line)));
    tooltip.hidden = false;
    const rect = day.getBoundingClientRect();
    const tip = tooltip.getBoundingClientRect();
    const margin = 8;
    const left = Math.min(Math.max(margin, rect.left + rect.width / 2 - tip.width / 2), document.documentElement.clientWidth - tip.width - margin);
    const above = rect.top - tip.height - margin;
    tooltip.style.left = `${left + window.scrollX}px`;
    tooltip.style.top = `${(above >= 0 ? above : rect.bottom + margin) + window.scrollY}px`;
  }

  // The pointer wins over keyboard focus; with neither on a day, the tooltip goes away.
  function updateTooltip() {
    const focused = document.activeElement && document.activeElement.classList.contains('uptime-day') ? document.activeElement : null;
    const day = hoveredDay && hoveredDay.isConnected ? hoveredDay : focused;
    if (day && !tooltipDismissed) showTooltip(day);
    else tooltip.hidden = true;
  }

  const dayOf = (target) => (target instanceof Element ? target.closest('.uptime-day') : null);

  function moveWithinBar(day, key) {
    const days = [...day.parentElement.children];
    const i = days.indexOf(day);
    const next = { ArrowLeft: i - 1, ArrowRight: i + 1, Home: 0, End: days.length - 1 }[key];
    if (next === undefined || !days[next]) return false;
    days[next].focus();
    return true;
  }

  function makeRovingTarget(day) {
    for (const other of day.parentElement.children) other.tabIndex = other === day ? 0 : -1;
    rovingDate.set(day.closest('.component').dataset.component, day.dataset.date);
  }

  function wireInteractions() {
    main.addEventListener('mouseover', (event) => {
      const day = dayOf(event.target);
      if (day === hoveredDay) return;
      hoveredDay = day;
      tooltipDismissed = false;
      updateTooltip();
    });
    main.addEventListener('mouseleave', () => {
      hoveredDay = null;
      updateTooltip();
    });
    main.addEventListener('focusin', (event) => {
      const day = dayOf(event.target);
      if (day) makeRovingTarget(day);
      tooltipDismissed = false;
      updateTooltip();
    });
    main.addEventListener('focusout', () => setTimeout(updateTooltip, 0));
    main.addEventListener('keydown', (event) => {
      const day = dayOf(event.target);
      if (!day) return;
      if (event.key === 'Escape') {
        tooltipDismissed = true;
        updateTooltip();
      } else if (moveWithinBar(day, event.key)) {
        event.preventDefault();
      }
    });
    window.addEventListener('resize', () => updateTooltip());
    NARROW_SCREEN.addEventListener('change', () => {
      if (lastData) safely(() => render(lastData));
    });
  }

  // ---------- refresh loop ----------

  // Runs fn and reports whether it worked. Nothing is logged on purpose: a failure just leaves the
  // last good page on screen (with the stale notice), and the console stays clean.
  function safely(fn) {
    try {
      fn();
      return true;
    } catch (err) {
      return false;
    }
  }

  // Resolves to the answer's data, or to null when there is no usable fresh answer: the page then
  // keeps showing the last one.
  async function fetchStatus() {
    const controller = new AbortController();
    const timeout = setTimeout(() => controller.abort(), FETCH_TIMEOUT_MS);
    try {
      const response = await fetch(API_URL, { cache: 'no-store', headers: { Accept: 'application/json' }, signal: controller.signal });
      if (!response.ok) return null;
      const body = await response.json();
      const data = body && body.status === 'success' ? body.data : null;
      return data && typeof data.updated === 'string' && Array.isArray(data.components) ? data : null;
    } catch (err) {
      return null; // network failure, timeout, invalid JSON: all mean "no fresh data"
    } finally {
      clearTimeout(timeout);
    }
  }

  function refreshDelayMs() {
    const seconds = lastData && Number(lastData.refresh_seconds);
    return Math.max(1, Number.isFinite(seconds) && seconds > 0 ? seconds : DEFAULT_REFRESH_SECONDS) * 1000;
  }

  async function refresh() {
    clearTimeout(refreshTimer);
    const data = await fetchStatus();
    if (data && safely(() => render(data))) {
      lastData = data;
      $('stale-notice').hidden = true;
    } else {
      safely(() => showStaleNotice(lastData ? 'Could not reach the agent' : 'Could not reach the agent; retrying', lastData && lastData.updated));
    }
    refreshTimer = setTimeout(refresh, refreshDelayMs());
  }

  function start() {
    $('loading').hidden = false;
    wireInteractions();
    refresh();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
