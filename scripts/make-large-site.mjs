#!/usr/bin/env node
// Make a large test site for measuring search: the example site plus N
// generated articles (default 10,000) of 500 to 1,000 words each, with words
// drawn from the example's own vocabulary and made-up words, in a
// Zipf-like mix like real prose. Deterministic: the same N gives the same site.
//
//   node scripts/make-large-site.mjs OUT_DIR [N]
//   cargo build --release && target/release/carehub build --root OUT_DIR --output OUT_DIR/public
//   node scripts/search-browser-test.mjs --measure OUT_DIR/public "respite care"
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const [out, nArg] = process.argv.slice(2);
if (!out) {
  console.error('usage: make-large-site.mjs OUT_DIR [N]');
  process.exit(2);
}
const N = Number(nArg || 10000);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
fs.copyFileSync(path.join(repo, 'site.toml'), path.join(out, 'site.toml'));
fs.cpSync(path.join(repo, 'content'), path.join(out, 'content'), { recursive: true });

// Seeded random numbers (mulberry32).
let seed = 0x5eed;
function rand() {
  seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = list => list[Math.floor(rand() * list.length)];

// Vocabulary: the example's words by frequency, then made-up words.
const counts = new Map();
(function walk(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) { walk(p); continue; }
    for (const w of fs.readFileSync(p, 'utf8').toLowerCase().match(/[a-z]{2,}/g) || []) {
      counts.set(w, (counts.get(w) || 0) + 1);
    }
  }
}(path.join(repo, 'content')));
const vocab = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(e => e[0]);
const syllables = ['ba', 'ce', 'di', 'fo', 'gu', 'ha', 'je', 'ki', 'lo', 'mu', 'na', 'pe', 'ri', 'so', 'tu', 'va', 'we', 'xi', 'yo', 'za', 'br', 'st', 'tr', 'pl'];
const seen = new Set(vocab);
while (vocab.length < 40000) {
  let w = '';
  const n = 2 + Math.floor(rand() * 3);
  for (let i = 0; i < n; i++) { w += pick(syllables); }
  if (!seen.has(w)) { seen.add(w); vocab.push(w); }
}
// Zipf: P(rank r) proportional to 1/(r+1).
const cumulative = [];
let total = 0;
for (let r = 0; r < vocab.length; r++) { total += 1 / (r + 1); cumulative.push(total); }
function word() {
  const x = rand() * total;
  let lo = 0, hi = cumulative.length - 1;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (cumulative[mid] < x) { lo = mid + 1; } else { hi = mid; } }
  return vocab[lo];
}
const sentence = n => {
  const ws = Array.from({ length: n }, word);
  ws[0] = ws[0][0].toUpperCase() + ws[0].slice(1);
  return ws.join(' ') + '.';
};
const title = () => sentence(3 + Math.floor(rand() * 4)).slice(0, -1);

const lib = path.join(out, 'content', 'library');
fs.mkdirSync(lib, { recursive: true });
const fm = (t, d) => `+++
title = ${JSON.stringify(t)}
description = ${JSON.stringify(d)}
date = 2026-01-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}
last_reviewed = 2026-10-01
next_review = 2028-10-01
reviewed_by = "Test reviewer"
[[sources]]
title = "NHS: end of life care"
url = "https://www.nhs.uk/"
publisher = "NHS"
accessed = 2026-09-01
+++
`;
fs.writeFileSync(path.join(lib, '_index.md'), fm('Library', 'Generated articles for measuring search.') + 'Generated articles.\n');
for (let i = 0; i < N; i++) {
  let body = '';
  const sections = 4 + Math.floor(rand() * 5);
  for (let s = 0; s < sections; s++) {
    body += `## ${title()}\n\n`;
    const paras = 1 + Math.floor(rand() * 3);
    for (let p = 0; p < paras; p++) {
      body += Array.from({ length: 3 + Math.floor(rand() * 4) }, () => sentence(8 + Math.floor(rand() * 12))).join(' ') + '\n\n';
    }
  }
  fs.writeFileSync(path.join(lib, `article-${String(i).padStart(5, '0')}.md`), fm(title(), sentence(12)) + body);
}
console.log(`wrote ${N} articles to ${lib}`);
