#!/usr/bin/env node
// Search in a real browser (headless Chromium via playwright-core from the
// shared QA tools' install, see ../shared/tools/install-qa-deps).
//
//   node scripts/search-browser-test.mjs CAREHUB_BINARY [SITE_ROOT]
//       Builds the site (the example by default) three ways and checks that
//       a search for "respite" shows the respite service page first:
//       over http at the root, over http under a sub-path (/hub/), and
//       opened from disk (file://) after `build --portable`. Also checks
//       the ?q= prefill, typing letter by letter, the header search form,
//       that no page logs an error (a CSP refusal is one), and reports
//       how long each keystroke took. Also checks find-a-service: filters
//       from the URL, typing a postcode, and the full table without
//       JavaScript. Ends with "N passed, M failed".
//
//   node scripts/search-browser-test.mjs --measure DIR "QUERY" [DELAY_MS...]
//       Serves a built site DIR over http, opens the search page with
//       ?q=QUERY, then types QUERY letter by letter (DELAY_MS between keys,
//       once per delay given) and reports the bytes downloaded each time.
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { pathToFileURL } from 'node:url';

const qaHome = process.env.QA_HOME || path.join(os.homedir(), '.cache', 'hub-qa');
let chromium;
try {
  ({ chromium } = createRequire(path.join(qaHome, 'package.json'))('playwright-core'));
} catch (e) {
  console.error(`search-browser-test: playwright-core not found in ${qaHome}; run ../shared/tools/install-qa-deps`);
  process.exit(2);
}
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage'];
const MIME = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml', '.xml': 'application/xml',
  '.txt': 'text/plain; charset=utf-8', '.png': 'image/png' };

// Serve `dir` at `prefix` (e.g. "/hub/") on 127.0.0.1.
function serve(dir, prefix) {
  const root = fs.realpathSync(dir);
  const server = http.createServer((req, res) => {
    let p;
    try { p = decodeURIComponent(new URL(req.url, 'http://x').pathname); } catch { res.writeHead(400).end(); return; }
    if (!p.startsWith(prefix)) { res.writeHead(404).end(); return; }
    let file = path.join(root, p.slice(prefix.length));
    if (file !== root && !file.startsWith(root + path.sep)) { res.writeHead(403).end(); return; }
    try {
      if (fs.statSync(file).isDirectory()) {
        if (!p.endsWith('/')) { res.writeHead(301, { Location: p + '/' }).end(); return; }
        file = path.join(file, 'index.html');
      }
      const body = fs.readFileSync(file);
      res.writeHead(200, { 'Content-Type': MIME[path.extname(file)] || 'application/octet-stream', 'Content-Length': body.length });
      res.end(body);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function build(bin, root, out, extra) {
  const r = spawnSync(bin, ['build', '--quiet', '--output', out, '--root', root, ...extra], { encoding: 'utf8' });
  if (r.status !== 0) {
    console.error(`search-browser-test: build failed (${extra.join(' ')}):\n${r.stderr}`);
    process.exit(2);
  }
}

let passed = 0, failed = 0;
function check(name, ok, detail) {
  if (ok) { passed++; console.log(`ok   ${name}`); } else { failed++; console.log(`FAIL ${name}${detail ? `: ${detail}` : ''}`); }
}

async function firstResult(page) {
  await page.waitForSelector('#search-results .search-result a', { timeout: 10000 });
  return page.$eval('#search-results .search-result a', a => ({ href: a.href, text: a.textContent }));
}

// One way of serving the site: `url(rel)` gives the address of a page.
async function scenario(browser, label, url, expectSuffix) {
  const page = await browser.newPage();
  const errors = [];
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', e => errors.push(String(e)));
  try {
    await page.goto(url('search/', '?q=respite'));
    let r = await firstResult(page);
    check(`${label}: ?q=respite shows the respite service page first`, r.href.endsWith(expectSuffix), `${r.text} ${r.href}`);
    const value = await page.inputValue('#search-input');
    check(`${label}: ?q= fills the search box`, value === 'respite', value);

    // Following the result opens the page.
    await Promise.all([page.waitForNavigation(), page.click('#search-results .search-result a')]);
    const h1 = await page.textContent('h1');
    check(`${label}: the result link opens the page`, /respite/i.test(h1 || ''), h1);

    // Typing letter by letter, slowly enough that each key shows results.
    await page.goto(url('search/', ''));
    await page.waitForFunction(() => window.carehubSearch && window.carehubSearch.timings);
    await page.focus('#search-input');
    await page.keyboard.type('respite', { delay: 350 });
    await page.waitForFunction(() => window.carehubSearch.timings.length > 0);
    await page.waitForTimeout(400);
    r = await firstResult(page);
    check(`${label}: typing "respite" shows the respite service page first`, r.href.endsWith(expectSuffix), `${r.text} ${r.href}`);
    // Again, with the index files it needs already loaded: the time each key takes.
    await page.fill('#search-input', '');
    await page.evaluate(() => { window.carehubSearch.timings.length = 0; });
    await page.keyboard.type('respite', { delay: 120 });
    await page.waitForTimeout(400);
    const timings = await page.evaluate(() => window.carehubSearch.timings.slice());
    check(`${label}: every key shows results once the index is loaded`, timings.length >= 5, `${timings.length} searches`);
    if (timings.length) {
      const sorted = timings.slice().sort((a, b) => a - b);
      console.log(`     per key: ${timings.length} searches, median ${sorted[sorted.length >> 1].toFixed(1)} ms, ` +
        `slowest ${sorted[sorted.length - 1].toFixed(1)} ms (key to results on screen)`);
    }

    // Nothing found.
    await page.fill('#search-input', 'zzqxjvw');
    await page.waitForFunction(() => /zzqxjvw/.test(document.getElementById('search-status').textContent), null, { timeout: 5000 });
    const none = await page.$$('#search-results .search-result');
    check(`${label}: a query with no match shows no results and says so`, none.length === 0);

    // The header search form on another page leads to results.
    await page.goto(url('services/', ''));
    await page.fill('#header-search-q', 'respite');
    await Promise.all([page.waitForNavigation(), page.press('#header-search-q', 'Enter')]);
    r = await firstResult(page);
    check(`${label}: the header search form shows results`, r.href.endsWith(expectSuffix), `${r.text} ${r.href}`);

    check(`${label}: no console errors (CSP refusals included)`, errors.length === 0, errors.join(' | '));
  } catch (e) {
    check(`${label}: ran without error`, false, String(e).split('\n')[0]);
  } finally {
    await page.close();
  }
}

// Find a service: with JavaScript the filters work in place and live in the
// URL; without it the page is the full table.
async function findScenario(browser, label, url) {
  const page = await browser.newPage();
  try {
    await page.goto(url('find-a-service/', '?service=respite-care&postcode=MK6%204AB'));
    const rows = await page.$$eval('tr[data-services]', trs => trs.map(tr => ({
      hidden: tr.hidden || tr.offsetParent === null,
      services: tr.dataset.services.split(' '),
      areas: tr.dataset.areas.split(' '),
    })));
    const want = rows.filter(r => r.services.includes('respite-care') && r.areas.includes('MK6'));
    const shown = rows.filter(r => !r.hidden);
    check(`${label}: find-a-service ?service=respite-care&postcode=MK6 4AB shows exactly the matching providers`,
      want.length > 0 && shown.length === want.length && shown.every(r => r.services.includes('respite-care') && r.areas.includes('MK6')),
      `${shown.length} shown, ${want.length} match of ${rows.length}`);
    // Typing a postcode narrows the list and puts it in the URL.
    await page.goto(url('find-a-service/', ''));
    await page.fill('#f-postcode', 'mk10');
    // The filter waits for a pause in typing before it applies.
    await page.waitForFunction(() => /postcode=/.test(location.search), null, { timeout: 5000 }).catch(() => {});
    const href = page.url();
    check(`${label}: typing a postcode puts it in the URL`, /postcode=MK10/i.test(href), href);
    const shown10 = await page.$$eval('tr[data-services]', trs => trs.filter(tr => !tr.hidden && tr.offsetParent !== null).map(tr => tr.dataset.areas));
    check(`${label}: typing a postcode shows only providers covering it`,
      shown10.length > 0 && shown10.every(a => a.split(' ').includes('MK10')), `${shown10.length} shown`);
  } catch (e) {
    check(`${label}: find-a-service ran without error`, false, String(e).split('\n')[0]);
  } finally {
    await page.close();
  }
  // No JavaScript: the whole table, and the (script-only) filter form stays hidden.
  const ctx = await browser.newContext({ javaScriptEnabled: false });
  const p2 = await ctx.newPage();
  try {
    await p2.goto(url('find-a-service/', '?service=respite-care'));
    const all = await p2.$$eval('tr[data-services]', trs => trs.filter(tr => !tr.hidden).length);
    const total = await p2.$$eval('tr[data-services]', trs => trs.length);
    check(`${label}: without JavaScript find-a-service lists every provider`, total > 0 && all === total, `${all} of ${total}`);
  } finally {
    await ctx.close();
  }
}

async function runTests(bin, siteRoot) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'carehub-search-'));
  const plain = path.join(tmp, 'plain'), sub = path.join(tmp, 'sub'), portable = path.join(tmp, 'portable');
  build(bin, siteRoot, plain, []);
  build(bin, siteRoot, sub, ['--base-url', 'https://example.org/hub/']);
  build(bin, siteRoot, portable, ['--portable']);
  const s1 = await serve(plain, '/');
  const s2 = await serve(sub, '/hub/');
  const browser = await chromium.launch({ executablePath, headless: true, args: FLAGS, chromiumSandbox: false });
  try {
    const o1 = `http://127.0.0.1:${s1.address().port}/`;
    await scenario(browser, 'http', (p, q) => `${o1}${p}${q}`, '/services/respite-care/');
    await findScenario(browser, 'http', (p, q) => `${o1}${p}${q}`);
    const o2 = `http://127.0.0.1:${s2.address().port}/hub/`;
    await scenario(browser, 'http under /hub/', (p, q) => `${o2}${p}${q}`, '/hub/services/respite-care/');
    const o3 = pathToFileURL(portable).href + '/';
    await scenario(browser, 'file:// (portable)', (p, q) => `${o3}${p}index.html${q}`, '/services/respite-care/index.html');
    await findScenario(browser, 'file:// (portable)', (p, q) => `${o3}${p}index.html${q}`);
  } finally {
    await browser.close();
    s1.close();
    s2.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

// Open the search page and record every response: `phase` tells which
// happened while the page loaded and which for the query.
async function record(browser, origin, query, delay) {
  const page = await browser.newPage();
  const files = [];
  let phase = 'page';
  page.on('response', async resp => {
    const u = new URL(resp.url());
    try {
      const body = await resp.body();
      files.push({ phase, path: u.pathname, bytes: body.length, gz: zlib.gzipSync(body).length });
    } catch { /* redirects have no body */ }
  });
  if (delay === null) {
    phase = 'query';
    await page.goto(`${origin}search/?q=${encodeURIComponent(query)}`);
    await page.waitForSelector('#search-results .search-result a');
  } else {
    await page.goto(`${origin}search/`);
    await page.waitForFunction(() => window.carehubSearch && window.carehubSearch.timings);
    phase = 'query';
    await page.focus('#search-input');
    await page.keyboard.type(query, { delay });
  }
  await page.waitForTimeout(1500);
  const timings = await page.evaluate(() => window.carehubSearch.timings.slice());
  const first = await page.$eval('#search-results .search-result a', a => a.textContent).catch(() => '(none)');
  // Type it again: the files are loaded now, so this is the work per key.
  await page.fill('#search-input', '');
  await page.evaluate(() => { window.carehubSearch.timings.length = 0; });
  await page.focus('#search-input');
  await page.keyboard.type(query, { delay: 120 });
  await page.waitForTimeout(500);
  const again = await page.evaluate(() => window.carehubSearch.timings.slice());
  await page.close();
  return { files, timings, first, again };
}

async function measure(dir, query, delays) {
  const server = await serve(dir, '/');
  const origin = `http://127.0.0.1:${server.address().port}/`;
  const browser = await chromium.launch({ executablePath, headless: true, args: FLAGS, chromiumSandbox: false });
  const sum = (list, k) => list.reduce((n, f) => n + f[k], 0);
  const kb = n => `${(n / 1024).toFixed(1)} KB`;
  const index = f => /\/search\/[^/]+\/[td]\d+\.js$/.test(f.path);
  const setup = f => /\/search\/[^/]+\/m\.js$|\/search\.[0-9a-f]+\.js$/.test(f.path);
  for (const delay of [null, ...delays]) {
    const r = await record(browser, origin, query, delay);
    const how = delay === null ? `opened with ?q=` : `typed at ${delay} ms a key`;
    const idx = r.files.filter(index);
    const lib = r.files.filter(setup);
    const html = r.files.filter(f => f.path === '/search/');
    console.log(`"${query}" ${how}: first result "${r.first}"`);
    if (html.length) { console.log(`  search page HTML with the A to Z: ${kb(sum(html, 'bytes'))} (${kb(sum(html, 'gz'))} gzipped)`); }
    console.log(`  search.js + manifest: ${kb(sum(lib, 'bytes'))} (${kb(sum(lib, 'gz'))} gzipped)`);
    console.log(`  index files: ${idx.length} files, ${kb(sum(idx, 'bytes'))} (${kb(sum(idx, 'gz'))} gzipped)`);
    console.log(`  total for search: ${kb(sum(lib, 'bytes') + sum(idx, 'bytes'))} (${kb(sum(lib, 'gz') + sum(idx, 'gz'))} gzipped)`);
    const sorted = r.timings.slice().sort((a, b) => a - b);
    if (sorted.length) {
      console.log(`  searches: ${sorted.length}, median ${sorted[sorted.length >> 1].toFixed(1)} ms, slowest ${sorted[sorted.length - 1].toFixed(1)} ms (keystroke or pause to results shown, loading included)`);
    }
    const again = r.again.slice().sort((a, b) => a - b);
    if (again.length) {
      console.log(`  typed again with those files loaded: ${again.length} searches, median ${again[again.length >> 1].toFixed(1)} ms, slowest ${again[again.length - 1].toFixed(1)} ms`);
    }
  }
  await browser.close();
  server.close();
}

const args = process.argv.slice(2);
if (args[0] === '--measure' && args.length >= 3) {
  await measure(args[1], args[2], args.slice(3).map(Number).filter(n => n >= 0));
} else if (args.length >= 1 && args.length <= 2 && !args[0].startsWith('-')) {
  await runTests(path.resolve(args[0]), path.resolve(args[1] || '.'));
} else {
  console.error('usage: search-browser-test.mjs CAREHUB_BINARY [SITE_ROOT]\n       search-browser-test.mjs --measure DIR "QUERY" [DELAY_MS...]');
  process.exit(2);
}
