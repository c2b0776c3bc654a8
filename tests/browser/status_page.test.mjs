// The agent's status page in a real browser (README.md here): card-service, feed-service, a
// hostile service written below and vitals-agent run on 127.0.0.1 with the shipped rules
// time-scaled as in tests/e2e/; Debian's chromium, driven by playwright-core, loads `/` and the
// tests below run in order against the same pages, which refresh themselves in place.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
if (!fs.existsSync(path.join(here, 'node_modules', 'playwright-core'))) {
  throw new Error(`playwright-core is missing: run npm ci in tests/browser (${here})`);
}
const { chromium } = await import('playwright-core');

function fromEnv(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run this test through ctest (cd build && ctest -R browser)`);
  }
  return value;
}

const AGENT_BIN = fromEnv('VITALS_AGENT_BIN');
const CARD_BIN = fromEnv('CARD_SERVICE_BIN');
const FEED_BIN = fromEnv('FEED_SERVICE_BIN');
const SCALE_RULES_BIN = fromEnv('SCALE_RULES_BIN');
const RULES_DIR = fromEnv('VITALS_RULES_DIR');
const OUTPUT = fromEnv('BROWSER_TEST_OUTPUT');
const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';

const TIME_FACTOR = 30; // as tests/e2e/demo_world.h's kTimeFactor
const START_TIMEOUT_MS = 20_000;
const SETTLE_TIMEOUT_MS = 60_000; // from start-up to Operational
const FIRE_TIMEOUT_MS = 90_000; // the decline-ratio alert fires in well under a minute
const RESOLVE_TIMEOUT_MS = 90_000;

const CARD = 'Card payments';
const FEED = 'Feed';
const HOSTILE = 'Widgets <img src=x onerror=alert(3)>';
const STATE_WORDS = {
  operational: 'Operational',
  degraded_performance: 'Degraded performance',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
  no_data: 'No data',
};
const HOSTILE_CHECK = '<b>bold</b>';
const HOSTILE_ERROR = '<img src=x onerror=alert(1)>';
const HOSTILE_METADATA = '<script>alert(2)</script>';

// ---------------------------------------------------------------------------------------------
// Processes: every child's output goes to <OUTPUT>/<name>.log; all are killed at the end, and on
// any exit of this process.

const children = [];
function killChildren(signal) {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        child.kill(signal);
      } catch {
        // already gone
      }
    }
  }
}
let tmp; // the agent's configuration, rules and databases, and card-service's database
process.on('exit', () => {
  killChildren('SIGKILL');
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    killChildren('SIGKILL');
    process.exit(1);
  });
}

async function stopChildren() {
  killChildren('SIGTERM');
  const deadline = Date.now() + 5000;
  while (children.some((c) => c.exitCode === null && c.signalCode === null)) {
    if (Date.now() > deadline) {
      killChildren('SIGKILL');
      break;
    }
    await sleep(50);
  }
}

function logTail(file, lines = 30) {
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return '  (no log)';
  }
  return text
    .split('\n')
    .slice(-lines)
    .map((line) => `  | ${line}`)
    .join('\n');
}

// The port in the first line of `log` that says "listening on" and ends in a number.
function listeningPort(log) {
  for (const line of log.split('\n')) {
    if (!line.includes('listening on')) continue;
    const match = /(\d+)\s*$/.exec(line);
    if (match && Number(match[1]) > 0) return Number(match[1]);
  }
  return null;
}

// Starts `binary`, its stdout and stderr to <OUTPUT>/<name>.log, and waits until it listens.
async function startLogged(name, binary, args) {
  const log = path.join(OUTPUT, `${name}.log`);
  const fd = fs.openSync(log, 'w');
  const child = spawn(binary, args, { stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  child.unref(); // never keeps this process alive: the 'exit' handler kills it
  children.push(child);
  let spawnError = null;
  child.on('error', (error) => (spawnError = error));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const port = listeningPort(fs.readFileSync(log, 'utf8'));
    if (port) return { name, log, port, url: (p = '') => `http://127.0.0.1:${port}${p}` };
    if (spawnError) throw new Error(`${name}: cannot start ${binary}: ${spawnError.message}`);
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `${name} exited (${child.exitCode ?? child.signalCode}) before listening:\n${logTail(log)}`,
      );
    }
    await sleep(50);
  }
  throw new Error(`${name} did not say it listens within ${START_TIMEOUT_MS} ms:\n${logTail(log)}`);
}

// A service whose /health (the checkers library's format) is unhealthy, with markup in its
// check's name, error and metadata.
async function startHostileService() {
  const server = http.createServer((req, res) => {
    if (req.url.startsWith('/health')) {
      const now = new Date().toISOString();
      const body = {
        status: 'unhealthy',
        service: 'evil-service',
        checks: {
          [HOSTILE_CHECK]: {
            status: 'unhealthy',
            error: HOSTILE_ERROR,
            metadata: { note: HOSTILE_METADATA },
            duration_seconds: 0.001,
            last_run: now,
            last_success: null,
            consecutive_failures: 3,
            critical: true,
            tags: ['ready'],
          },
        },
      };
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    } else if (req.url.startsWith('/livez')) {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  server.unref();
  const { port } = server.address();
  return { server, port, url: (p = '') => `http://127.0.0.1:${port}${p}` };
}

// The shipped rule files (not their tests), time-scaled by scale-rules into `dir`.
function writeScaledRules(dir) {
  const names = fs
    .readdirSync(RULES_DIR)
    .filter((name) => name.endsWith('.yml') && !name.endsWith('_test.yml'));
  assert.ok(names.length >= 3, `no shipped rule files in ${RULES_DIR}`);
  for (const name of names) {
    execFileSync(SCALE_RULES_BIN, [
      String(TIME_FACTOR),
      path.join(RULES_DIR, name),
      path.join(dir, `rules-${name}`),
    ]);
  }
  return 'rules-*.yml';
}

function agentConfig(card, feed, evil, rules) {
  return `global: {scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s}
services:
  - name: card-service
    health_url: ${card.url('/health')}
    metrics_url: ${card.url('/metrics')}
  - name: feed-service
    health_url: ${feed.url('/health')}
    metrics_url: ${feed.url('/metrics')}
  - name: evil-service
    health_url: ${evil.url('/health')}
probes:
  - name: card-api
    http: {url: ${card.url('/livez')}}
  - name: feed-api
    http: {url: ${feed.url('/livez')}}
rule_files: ['${rules}']
status_page:
  title: Test status
  components:
    - name: ${CARD}
      description: Paying with your card in shops and online
      services: [card-service]
      probes: [card-api]
      alert_matchers: ['service="card-service"']
      slo: 99.9
    - name: ${FEED}
      description: Transactions in your feed
      services: [feed-service]
      probes: [feed-api]
      alert_matchers: ['service="feed-service"']
      slo: 99.5
    - name: '${HOSTILE}'
      services: [evil-service]
`;
}

// ---------------------------------------------------------------------------------------------
// The world and the browser, shared by the tests below (which node runs in order).

let feed;
let card;
let evil;
let agent;
let browser;
let desktop; // the desktop page, light scheme, loaded once in a) and never reloaded
let phone; // 390 px wide, mobile
let dark; // desktop, dark scheme
const consoleErrors = [];
const pageErrors = [];
const dialogs = [];

function watch(page, label) {
  page.on('console', (message) => {
    if (message.type() === 'error') {
      consoleErrors.push(`${label}: ${message.text()} (${message.location().url || 'no url'})`);
    }
  });
  page.on('pageerror', (error) => pageErrors.push(`${label}: ${error.message}`));
  page.on('dialog', (dialog) => {
    dialogs.push(`${label}: ${dialog.type()} "${dialog.message()}"`);
    dialog.dismiss().catch(() => {});
  });
  return page;
}

before(async () => {
  for (const name of fs.existsSync(OUTPUT) ? fs.readdirSync(OUTPUT) : []) {
    if (/\.(png|json|log|yml)$/.test(name)) fs.rmSync(path.join(OUTPUT, name));
  }
  fs.mkdirSync(OUTPUT, { recursive: true });
  console.log(`# output (logs, screenshots): ${OUTPUT}`);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vitals-browser-'));

  feed = await startLogged('feed-service', FEED_BIN, [
    '--port', '0', '--check-interval', '500ms', '--heartbeat-window', '5s', '--drain-grace', '0s',
  ]);
  card = await startLogged('card-service', CARD_BIN, [
    '--port', '0', '--feed-url', feed.url(), '--db', path.join(tmp, 'card.db'), '--rate', '30',
    '--check-interval', '500ms', '--heartbeat-window', '5s', '--drain-grace', '0s',
  ]);
  evil = await startHostileService();
  const config = path.join(tmp, 'vitals.yml');
  fs.writeFileSync(config, agentConfig(card, feed, evil, writeScaledRules(tmp)));
  fs.copyFileSync(config, path.join(OUTPUT, 'vitals.yml'));
  agent = await startLogged('vitals-agent', AGENT_BIN, [
    `--config.file=${config}`,
    '--web.listen-address=127.0.0.1:0',
    `--storage.path=${path.join(tmp, 'vitals.db')}`,
  ]);

  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const desktopContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  desktop = watch(await desktopContext.newPage(), 'desktop');
  await desktop.emulateMedia({ colorScheme: 'light' });
  dark = watch(await desktopContext.newPage(), 'dark');
  await dark.emulateMedia({ colorScheme: 'dark' });
  const phoneContext = await browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 1,
  });
  phone = watch(await phoneContext.newPage(), 'phone');
  await phone.emulateMedia({ colorScheme: 'light' });
});

after(async () => {
  try {
    await browser?.close(); // first: the pages would log errors once the agent is gone
  } finally {
    evil?.server.close();
    await stopChildren();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  }
});

// ---------------------------------------------------------------------------------------------
// Helpers.

async function api(pathname) {
  const response = await fetch(agent.url(pathname));
  assert.ok(response.ok, `GET ${pathname}: ${response.status}`);
  const body = await response.json();
  assert.equal(body.status, 'success', `GET ${pathname}: ${JSON.stringify(body)}`);
  return body.data;
}

const component = (status, name) => status.components.find((c) => c.name === name);

// Each component's state words as the page shows them.
function pageStates(page) {
  return page.evaluate(() =>
    Object.fromEntries(
      [...document.querySelectorAll('section.component')].map((s) => [
        s.dataset.component,
        s.querySelector('.component-state')?.textContent.trim() ?? null,
      ]),
    ),
  );
}

async function apiStates() {
  try {
    const status = await api('/api/v1/status');
    return Object.fromEntries(status.components.map((c) => [c.name, c.state]));
  } catch (error) {
    return `(${error.message})`;
  }
}

// Waits until every component named in `expected` shows one of its state words.
async function waitForStates(page, expected, timeoutMs, what) {
  try {
    await page.waitForFunction(
      (wanted) =>
        Object.entries(wanted).every(([name, words]) => {
          const section = [...document.querySelectorAll('section.component')].find(
            (s) => s.dataset.component === name,
          );
          const shown = section?.querySelector('.component-state')?.textContent.trim();
          return words.includes(shown);
        }),
      expected,
      { timeout: Math.max(timeoutMs, 1), polling: 200 },
    );
  } catch (error) {
    throw new Error(
      `${what}: not shown within ${timeoutMs} ms (${error.message.split('\n')[0]})\n` +
        `  wanted: ${JSON.stringify(expected)}\n` +
        `  page shows: ${JSON.stringify(await pageStates(page))}\n` +
        `  /api/v1/status: ${JSON.stringify(await apiStates())}\n` +
        `agent log:\n${logTail(agent.log, 15)}`,
    );
  }
}

// Polls /api/v1/status until `done(status)` holds; returns that status.
async function waitForStatus(done, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await api('/api/v1/status');
    if (done(last)) return last;
    await sleep(500);
  }
  const states = last?.components.map((c) => `${c.name}: ${c.state} ${JSON.stringify(c.causes)}`);
  throw new Error(
    `${what}: not within ${timeoutMs} ms; last /api/v1/status:\n  ${states?.join('\n  ')}\n` +
      `agent log:\n${logTail(agent.log, 15)}`,
  );
}

// Waits for the page's first render (document.body.dataset.updated).
async function waitForRender(page) {
  await page.waitForFunction(() => Boolean(document.body?.dataset.updated), null, {
    timeout: 20_000,
  });
}

function pngWidth(file) {
  const png = fs.readFileSync(file);
  assert.equal(png.toString('latin1', 1, 4), 'PNG', `${file} is not a PNG`);
  return png.readUInt32BE(16);
}

async function screenshot(page, name) {
  const file = path.join(OUTPUT, name);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

function saveStatus(name, status) {
  fs.writeFileSync(path.join(OUTPUT, name), `${JSON.stringify(status, null, 2)}\n`);
}

const firingAlerts = async () => (await api('/api/v1/alerts')).alerts.filter((a) => a.state === 'firing');
const fingerprints = (alerts) => alerts.map((a) => a.fingerprint).sort();

// In the page: every visible element with text of its own whose text colour contrasts less than
// WCAG AA with the background behind it (4.5:1, 3:1 for large text).
function contrastOffenders() {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 1;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const rgba = (css) => {
    const m = /^rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)$/.exec(css);
    if (m) return [+m[1], +m[2], +m[3], m[4] === undefined ? 1 : +m[4]];
    ctx.clearRect(0, 0, 1, 1); // any other syntax (oklch(), color(srgb …)): let canvas convert it
    ctx.fillStyle = '#000';
    ctx.fillStyle = css;
    ctx.fillRect(0, 0, 1, 1);
    const [r, g, b, a] = ctx.getImageData(0, 0, 1, 1).data;
    return [r, g, b, a / 255];
  };
  const over = (top, below) => [0, 1, 2].map((i) => top[i] * top[3] + below[i] * (1 - top[3])).concat(1);
  const luminance = (c) => {
    const [r, g, b] = c.slice(0, 3).map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  // Under everything, the canvas: dark (#121212) when the page allows a dark scheme and it is on.
  const rootScheme = getComputedStyle(document.documentElement).colorScheme;
  const scheme = rootScheme !== 'normal' ? rootScheme
    : (document.querySelector('meta[name="color-scheme"]')?.content ?? '');
  const darkCanvas = scheme.includes('dark') && matchMedia('(prefers-color-scheme: dark)').matches;
  const canvasColor = darkCanvas ? [18, 18, 18, 1] : [255, 255, 255, 1];
  const describe = (el) => {
    const section = el.closest('[data-component]')?.dataset.component;
    const classes = [...el.classList].map((c) => `.${c}`).join('');
    return `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${classes}` +
      (section ? ` in "${section}"` : '');
  };
  const offenders = [];
  let checked = 0;
  for (const el of document.body.querySelectorAll('*')) {
    if (['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE'].includes(el.tagName) || el.closest('svg')) {
      continue;
    }
    const text = [...el.childNodes]
      .filter((n) => n.nodeType === Node.TEXT_NODE)
      .map((n) => n.textContent)
      .join('')
      .trim();
    if (!text) continue;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    if (style.visibility !== 'visible' || box.width < 2 || box.height < 2) continue;
    // The backgrounds behind the text, innermost first, down to the first opaque one; the
    // opacity of the elements in between fades the text.
    const layers = [];
    let opacity = 1;
    let node = el;
    for (; node; node = node.parentElement) {
      const bg = rgba(getComputedStyle(node).backgroundColor);
      if (bg[3] > 0) layers.push(bg);
      if (bg[3] >= 1) break;
      opacity *= Number(getComputedStyle(node).opacity);
    }
    if (node && node !== el) opacity *= Number(style.opacity);
    if (opacity === 0) continue;
    let background = canvasColor;
    for (const layer of layers.reverse()) background = over(layer, background);
    const fg = rgba(style.color);
    const color = over([fg[0], fg[1], fg[2], fg[3] * opacity], background);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    const needed = large ? 3 : 4.5;
    const got = ratio(color, background);
    checked++;
    if (got < needed) {
      const hex = (c) => `#${c.slice(0, 3).map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;
      offenders.push(
        `${describe(el)} "${text.slice(0, 40)}": ${hex(color)} on ${hex(background)} = ` +
          `${got.toFixed(2)}:1, needs ${needed}:1 (${style.fontSize} ${style.fontWeight})`,
      );
    }
  }
  return { checked, offenders };
}

// ---------------------------------------------------------------------------------------------
// The tests, in order.

const ALL_STATE_WORDS = Object.values(STATE_WORDS);
let refreshSeconds = 5;

const A = 'a) / renders the title and all three components; Card payments and Feed turn Operational';
test(A, { timeout: 120_000 }, async () => {
  await desktop.goto(agent.url('/'));
  await waitForRender(desktop);
  // A marker that a reload would lose: c) checks the page updated itself in place.
  await desktop.evaluate(() => (window.vitalsTestMarker = 'not reloaded'));
  assert.match(await desktop.locator('body').innerText(), /Test status/, 'the title is not shown');
  assert.match(await desktop.title(), /Test status/, 'the document title');

  for (const name of [CARD, FEED, HOSTILE]) {
    const section = desktop.locator(`section.component[data-component=${JSON.stringify(name)}]`);
    assert.equal(await section.count(), 1, `section.component[data-component="${name}"]`);
    const words = (await section.locator('.component-state').textContent()).trim();
    assert.ok(ALL_STATE_WORDS.includes(words), `${name}: state "${words}"`);
  }
  await waitForStates(
    desktop,
    { [CARD]: ['Operational'], [FEED]: ['Operational'], [HOSTILE]: ['Partial outage', 'Major outage'] },
    SETTLE_TIMEOUT_MS,
    'Card payments and Feed Operational, the hostile component in outage',
  );
  // data-state holds the code of the words shown.
  const shown = await desktop.evaluate(() =>
    [...document.querySelectorAll('section.component')].map((s) => [
      s.dataset.state,
      s.querySelector('.component-state').textContent.trim(),
    ]),
  );
  for (const [code, words] of shown) assert.equal(STATE_WORDS[code], words, `data-state="${code}"`);
  refreshSeconds = (await api('/api/v1/status')).refresh_seconds;
  assert.ok(refreshSeconds > 0, `refresh_seconds ${refreshSeconds}`);
});

const B = 'b) markup in a check name, error, metadata and component name stays inert text';
test(B, { timeout: 60_000 }, async () => {
  // The failing check's error is in the component's technical details, closed at first: open
  // them as a click on their summary does, in one task (the page re-renders at every refresh,
  // keeping them open).
  const hostile = desktop.locator(`section.component[data-component=${JSON.stringify(HOSTILE)}]`);
  await desktop.evaluate((name) => {
    const section = [...document.querySelectorAll('section.component')].find(
      (s) => s.dataset.component === name,
    );
    const details = section?.querySelector('details');
    if (details && !details.open) details.querySelector('summary').click();
  }, HOSTILE);
  await desktop.waitForFunction(
    (error) => document.querySelector('#status')?.innerText.includes(error),
    HOSTILE_ERROR,
    { timeout: 30_000 },
  ).catch(() => {
    throw new Error(`the check error ${HOSTILE_ERROR} is not visible as text in #status`);
  });
  await sleep(1000); // time for an image's onerror, had one been made
  const found = await desktop.evaluate(() => ({
    images: document.querySelectorAll('img[src="x"]').length,
    bold: document.querySelectorAll('#status b').length,
    scripts: document.querySelectorAll('#status script').length,
    text: document.querySelector('#status').innerText,
    allText: document.querySelector('#status').textContent,
  }));
  assert.deepEqual(dialogs, [], 'a dialog opened');
  assert.equal(found.images, 0, 'an img[src="x"] exists');
  assert.equal(found.bold, 0, 'a <b> element exists inside #status');
  assert.equal(found.scripts, 0, 'a <script> element exists inside #status');
  assert.ok(found.text.includes(HOSTILE_ERROR), `${HOSTILE_ERROR} is not visible text`);
  assert.ok(found.text.includes(HOSTILE), `the component name ${HOSTILE} is not shown literally`);
  assert.ok(found.allText.includes(HOSTILE_CHECK), `the check name ${HOSTILE_CHECK} is not shown literally`);
  const failing = await hostile.locator('.failing-check').count();
  assert.ok(failing >= 1, 'no .failing-check in the hostile component');
});

test('e) screenshots of the healthy page: desktop, phone, dark', { timeout: 90_000 }, async (t) => {
  const healthy = { [CARD]: ['Operational'], [FEED]: ['Operational'] };
  for (const page of [phone, dark]) {
    await page.goto(agent.url('/'));
    await waitForRender(page);
  }
  for (const page of [desktop, phone, dark]) await waitForStates(page, healthy, SETTLE_TIMEOUT_MS, 'healthy');
  saveStatus('healthy-status.json', await api('/api/v1/status'));
  assert.equal(pngWidth(await screenshot(desktop, 'healthy-desktop.png')), 1280);
  const phoneWidth = pngWidth(await screenshot(phone, 'healthy-phone.png'));
  if (phoneWidth !== 390) t.diagnostic(`the phone page is ${phoneWidth} px wide, wider than 390`);
  assert.equal(pngWidth(await screenshot(dark, 'dark-desktop.png')), 1280);
});

let spikeSeen = 0; // when /api/v1/status first said partial_outage

const C1 = 'c) a decline spike turns Card payments to Partial outage within a refresh, with its alert';
test(C1, { timeout: 180_000 }, async () => {
  const posted = await fetch(card.url('/fault/decline-spike'), { method: 'POST', body: '' });
  assert.ok(posted.ok, `POST /fault/decline-spike: ${posted.status}`);
  await waitForStatus(
    (s) => component(s, CARD)?.state === 'partial_outage',
    FIRE_TIMEOUT_MS,
    'Card payments partial_outage in /api/v1/status',
  );
  spikeSeen = Date.now();
  const bound = refreshSeconds * 2000 + 2000;
  const left = () => Math.max(bound - (Date.now() - spikeSeen), 1);
  await waitForStates(desktop, { [CARD]: ['Partial outage'] }, left(), `within ${bound} ms`);
  assert.equal(await desktop.evaluate(() => window.vitalsTestMarker), 'not reloaded', 'the page reloaded');
  const incident = desktop.locator(
    `section.component[data-component="${CARD}"] li.active-incident[data-alertname="CardDeclineRatioHigh"]`,
  );
  await incident.first().waitFor({ state: 'visible', timeout: left() });

  // /api/v1/status and /api/v1/alerts read the same evaluation: when two reads of the alerts
  // around one of the status agree, Card payments' active incidents are exactly the firing
  // alerts of card-service.
  let agreed = false;
  for (let attempt = 0; attempt < 10 && !agreed; attempt++) {
    const before = await firingAlerts();
    const status = await api('/api/v1/status');
    const after = await firingAlerts();
    if (JSON.stringify(fingerprints(before)) !== JSON.stringify(fingerprints(after))) {
      await sleep(300);
      continue;
    }
    agreed = true;
    const expected = after.filter((a) => a.labels.service === 'card-service');
    const active = component(status, CARD).active_incidents;
    assert.deepEqual(fingerprints(active), fingerprints(expected), 'active_incidents vs /api/v1/alerts');
    for (const alert of expected) {
      const mine = active.find((a) => a.fingerprint === alert.fingerprint);
      assert.deepEqual(mine.labels, alert.labels, `labels of ${alert.labels.alertname}`);
      assert.equal(Date.parse(mine.since), Date.parse(alert.activeAt), `since of ${alert.labels.alertname}`);
    }
    const declines = active.some((a) => a.alertname === 'CardDeclineRatioHigh');
    assert.ok(declines, 'CardDeclineRatioHigh is not active');
  }
  assert.ok(agreed, 'the firing alerts changed between every pair of reads');

  // The page shows the same active incidents as the status it last read.
  const deadline = Date.now() + bound;
  let shown;
  let wanted;
  do {
    wanted = fingerprints(component(await api('/api/v1/status'), CARD).active_incidents);
    shown = await desktop.evaluate(
      (name) =>
        [
          ...[...document.querySelectorAll('section.component')]
            .find((s) => s.dataset.component === name)
            .querySelectorAll('li.active-incident'),
        ]
          .map((li) => li.dataset.fingerprint)
          .sort(),
      CARD,
    );
    if (JSON.stringify(shown) === JSON.stringify(wanted)) break;
    await sleep(250);
  } while (Date.now() < deadline);
  assert.deepEqual(shown, wanted, 'li.active-incident[data-fingerprint] vs active_incidents');
});

test('e) screenshots of the decline spike: desktop, phone', { timeout: 60_000 }, async () => {
  const spike = { [CARD]: ['Partial outage'] };
  for (const page of [desktop, phone]) await waitForStates(page, spike, 30_000, 'decline spike');
  saveStatus('decline-spike-status.json', await api('/api/v1/status'));
  assert.equal(pngWidth(await screenshot(desktop, 'decline-spike-desktop.png')), 1280);
  await screenshot(phone, 'decline-spike-phone.png');
});

test('f) text contrast meets WCAG AA in the light and the dark scheme', { timeout: 60_000 }, async (t) => {
  const report = [];
  for (const [scheme, page] of [['light', desktop], ['dark', dark]]) {
    const { checked, offenders } = await page.evaluate(contrastOffenders);
    t.diagnostic(`${scheme}: ${checked} elements with text checked`);
    assert.ok(checked >= 10, `${scheme}: only ${checked} text elements checked`);
    report.push(...offenders.map((o) => `${scheme}: ${o}`));
  }
  assert.deepEqual(report, [], `contrast below WCAG AA:\n  ${report.join('\n  ')}`);
});

const C2 = 'c) cleared, Card payments turns Operational again and its incident is listed';
test(C2, { timeout: 180_000 }, async () => {
  const deleted = await fetch(card.url('/fault/decline-spike'), { method: 'DELETE' });
  assert.ok(deleted.ok, `DELETE /fault/decline-spike: ${deleted.status}`);
  const status = await waitForStatus(
    (s) => component(s, CARD)?.state === 'operational',
    RESOLVE_TIMEOUT_MS,
    'Card payments operational again in /api/v1/status',
  );
  const bound = refreshSeconds * 2000 + 2000;
  await waitForStates(desktop, { [CARD]: ['Operational'] }, bound, 'Operational again');
  const incident = status.incidents.find((i) => i.component === CARD);
  assert.ok(incident, `no incident for ${CARD} in /api/v1/status: ${JSON.stringify(status.incidents)}`);
  const listed = desktop.locator(`section#incidents li.incident[data-incident-id="${incident.id}"]`);
  await listed.waitFor({ state: 'visible', timeout: bound });
  assert.match(await listed.innerText(), new RegExp(CARD), 'the incident does not name its component');
});

test('d) no console errors, page errors or dialogs over the whole run', () => {
  assert.deepEqual(consoleErrors, [], 'console errors');
  assert.deepEqual(pageErrors, [], 'page errors');
  assert.deepEqual(dialogs, [], 'dialogs');
});
