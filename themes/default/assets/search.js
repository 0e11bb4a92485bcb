/* carehub: search as you type. Progressive enhancement (ES2017, no libraries).
   Without this script the search page shows an A to Z of every page.
   The index is made at build time (src/render/search/index.rs documents the
   format) as small script files under search/<version>/; this script adds
   them with <script> elements, loading only the parts a query needs, so
   search works from a web server and from files on disk (file://), where
   fetch() is not allowed. Every message comes from data-* attributes that
   the template fills from the theme's strings table. */
(function () {
  'use strict';

  var input = document.getElementById('search-input');
  var out = document.getElementById('search-results');
  var status = document.getElementById('search-status');
  var indexScript = document.getElementById('search-index');
  if (!input || !out || !status) { return; }
  var msg = out.dataset;
  var M = window.carehubSearchIndex;
  var PAGE = 20; // results shown at first, and added by "Show more"

  function say(text) { status.textContent = text; }
  function fill(template, count, query) {
    return String(template || '').replace('{count}', count).replace('{query}', query);
  }

  if (!M || M.format !== 1 || !indexScript || !window.Promise) {
    if (input.value) { say(msg.error); }
    return;
  }

  // Where the index files and the site's pages are: from the manifest's own address.
  var dir = indexScript.src.replace(/[^/]*$/, '');
  var root = dir.replace(/search\/[^/]+\/$/, '');
  var onDisk = location.protocol === 'file:';

  // ---- Words: exactly as tokenize() in src/render/search/index.rs ----------
  var SPLIT;
  try { SPLIT = new RegExp('[^\\p{Alphabetic}\\p{N}]+', 'u'); } catch (e) { SPLIT = /[^0-9a-z\u00c0-\uffff]+/; }
  var stop = {};
  M.stop.forEach(function (w) { stop[w] = true; });

  function stem(w) {
    var n = Array.from(w).length;
    if (n > 4 && /ies$/.test(w)) { return w.slice(0, -3) + 'y'; }
    if (n > 3 && /s$/.test(w) && !/(ss|us|is)$/.test(w)) { return w.slice(0, -1); }
    return w;
  }

  function tokenize(text) {
    var s = String(text || '');
    if (s.normalize) { s = s.normalize('NFD'); }
    s = s.replace(/[\u0300-\u036f'\u2019]/g, '').toLowerCase();
    return s.split(SPLIT).filter(function (w) {
      return w && Array.from(w).length <= 40;
    }).map(stem);
  }

  function queryTerms(q) {
    var all = tokenize(q);
    var kept = all.filter(function (t) { return !stop[t]; });
    var seen = {};
    return (kept.length ? kept : all).filter(function (t) {
      if (seen[t]) { return false; }
      seen[t] = true;
      return true;
    });
  }

  // ---- Loading index files with <script> -----------------------------------
  var shards = {};   // n -> Map(term -> posting text)
  var chunks = {};   // n -> [[path, title, kind, description, headings], ...]
  var loading = {};  // file name -> Promise

  window.carehubSearch = {
    t: function (n, text) {
      var m = new Map();
      text.split(',').forEach(function (entry) {
        var i = entry.indexOf(' ');
        m.set(entry.slice(0, i), entry.slice(i + 1));
      });
      shards[n] = m;
    },
    d: function (n, list) { chunks[n] = list; },
    timings: []
  };

  function load(kind, n) {
    var store = kind === 't' ? shards : chunks;
    if (store[n]) { return Promise.resolve(); }
    var name = kind + n + '.js';
    if (!loading[name]) {
      loading[name] = new Promise(function (resolve, reject) {
        var s = document.createElement('script');
        s.src = dir + name;
        s.async = true;
        s.onload = function () { return store[n] ? resolve() : reject(new Error(name)); };
        s.onerror = function () { delete loading[name]; reject(new Error(name)); };
        document.head.appendChild(s);
      });
    }
    return loading[name];
  }

  // ---- Ranking: exactly as Index::search in src/render/search/index.rs -----
  var T = '0123456789abcdefghijklmnopqrstuv';
  var C = 'wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_';
  var decoded = {};

  function postings(n, term) {
    var key = n + ' ' + term;
    if (decoded[key]) { return decoded[key]; }
    var text = shards[n] && shards[n].get(term);
    var list = [];
    if (text) {
      var acc = 0, doc = 0;
      for (var i = 0; i < text.length; i++) {
        var ch = text.charAt(i), d = C.indexOf(ch);
        if (d >= 0) { acc = acc * 32 + d; continue; }
        var v = acc * 32 + T.indexOf(ch);
        acc = 0;
        doc += Math.floor(v / 32);
        list.push(doc, v % 32);
      }
    }
    decoded[key] = list;
    return list;
  }

  function shardOf(term) {
    var lo = 0, hi = M.starts.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (M.starts[mid] <= term) { lo = mid + 1; } else { hi = mid; }
    }
    return lo - 1;
  }

  // Which shards each query word needs.
  function plan(terms, prefixLast) {
    return terms.map(function (t, k) {
      var p = { term: t, exact: shardOf(t), from: -1, to: -1 };
      if (k === terms.length - 1 && prefixLast && Array.from(t).length >= M.minPrefix) {
        p.from = Math.max(p.exact, 0);
        p.to = Math.min(Math.max(shardOf(t + '\uffff'), 0), p.from + M.maxPrefixShards - 1);
      }
      return p;
    });
  }

  // How rare a word is: the bit length of pages / pages with the word.
  function rarity(count) {
    return 32 - Math.clz32(Math.max(1, Math.floor(M.docs / Math.max(1, count))));
  }

  function rank(steps) {
    var perTerm = steps.map(function (p) {
      var m = new Map();
      var list = p.exact >= 0 ? postings(p.exact, p.term) : [];
      var r = rarity(list.length / 2);
      for (var i = 0; i < list.length; i += 2) { m.set(list[i], list[i + 1] * r); }
      for (var s = p.from; s >= 0 && s <= p.to; s++) {
        if (!shards[s]) { continue; }
        shards[s].forEach(function (_, term) {
          if (term !== p.term && term.lastIndexOf(p.term, 0) === 0) {
            var l = postings(s, term), rr = rarity(l.length / 2);
            for (var j = 0; j < l.length; j += 2) {
              var w = Math.max(l[j + 1] - 2, 1) * rr;
              if (!(m.get(l[j]) >= w)) { m.set(l[j], w); }
            }
          }
        });
      }
      return m;
    });
    var scores = new Map();
    perTerm.forEach(function (m) {
      m.forEach(function (w, d) {
        var e = scores.get(d) || [0, 0];
        e[0] += 1; e[1] += w;
        scores.set(d, e);
      });
    });
    var all = perTerm.length, anyAll = false;
    scores.forEach(function (e) { if (e[0] === all) { anyAll = true; } });
    var hits = [];
    scores.forEach(function (e, d) { if (!anyAll || e[0] === all) { hits.push([d, e[0], e[1]]); } });
    hits.sort(function (a, b) { return b[1] - a[1] || b[2] - a[2] || a[0] - b[0]; });
    return hits;
  }

  // ---- Showing results -----------------------------------------------------
  function href(path) {
    var url = root + path;
    if (onDisk && (path === '' || /\/$/.test(path))) { url += 'index.html'; }
    return url;
  }

  // The heading that matches the most query words (the first of equals).
  function matchingHeading(headings, terms) {
    var last = terms[terms.length - 1], best = null, bestCount = 0;
    headings.forEach(function (h) {
      var words = tokenize(h[1]);
      var count = terms.filter(function (t) {
        return words.some(function (w) {
          return w === t || (t === last && Array.from(t).length >= M.minPrefix && w.lastIndexOf(t, 0) === 0);
        });
      }).length;
      if (count > bestCount) { best = h; bestCount = count; }
    });
    return best;
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text) { e.textContent = text; }
    return e;
  }

  function render(hits, shown, terms, query) {
    var list = el('ol', 'search-results__list');
    hits.slice(0, shown).forEach(function (h) {
      var d = chunks[Math.floor(h[0] / M.chunk)][h[0] % M.chunk];
      var li = el('li', 'search-result');
      var title = el('p', 'search-result__title');
      var a = el('a', '', d[1]);
      a.href = href(d[0]);
      title.appendChild(a);
      if (d[2]) { title.appendChild(document.createTextNode(' ')); title.appendChild(el('span', 'search-result__kind', d[2])); }
      li.appendChild(title);
      if (d[3]) { li.appendChild(el('p', 'search-result__text', d[3])); }
      var hd = matchingHeading(d[4] || [], terms);
      if (hd) {
        var sec = el('p', 'search-result__section', (msg.section || '') + ' ');
        var ha = el('a', '', hd[1]);
        ha.href = href(d[0]) + '#' + encodeURIComponent(hd[0]);
        sec.appendChild(ha);
        li.appendChild(sec);
      }
      list.appendChild(li);
    });
    out.textContent = '';
    out.appendChild(list);
    if (hits.length > shown) {
      var more = el('button', 'search-results__more', msg.more);
      more.type = 'button';
      more.addEventListener('click', function () { show(hits, shown + PAGE, terms, query, true); });
      out.appendChild(more);
    }
  }

  var announce = 0;
  function report(text, now) {
    clearTimeout(announce);
    // Let typing settle before a screen reader hears the count.
    if (now) { say(text); } else { announce = setTimeout(function () { say(text); }, 500); }
  }

  var current = 0;
  function show(hits, shown, terms, query, focusNew) {
    var id = current;
    var need = {};
    hits.slice(0, shown).forEach(function (h) { need[Math.floor(h[0] / M.chunk)] = true; });
    return Promise.all(Object.keys(need).map(function (n) { return load('d', +n); })).then(function () {
      if (id !== current) { return; }
      var before = focusNew ? out.querySelectorAll('.search-result').length : 0;
      render(hits, shown, terms, query);
      var first = focusNew && out.querySelectorAll('.search-result')[before];
      if (first) { first.querySelector('a').focus(); }
    });
  }

  function run(now) {
    var started = performance.now();
    var query = input.value;
    var id = ++current;
    var terms = queryTerms(query);
    if (!terms.length) {
      out.textContent = '';
      report('', true);
      return Promise.resolve();
    }
    var steps = plan(terms, !/\s$/.test(query));
    var need = {};
    steps.forEach(function (p) {
      if (p.exact >= 0) { need[p.exact] = true; }
      for (var s = p.from; s >= 0 && s <= p.to; s++) { need[s] = true; }
    });
    return Promise.all(Object.keys(need).map(function (n) { return load('t', +n); })).then(function () {
      if (id !== current) { return null; }
      var hits = rank(steps);
      var q = query.trim();
      report(hits.length === 0 ? fill(msg.none, 0, q)
        : fill(hits.length === 1 ? msg.one : msg.many, hits.length, q), now);
      if (!hits.length) { out.textContent = ''; return null; }
      return show(hits, PAGE, terms, q, false);
    }).then(function () {
      if (id === current) { window.carehubSearch.timings.push(performance.now() - started); }
    }, function () {
      if (id === current) { out.textContent = ''; report(msg.error, true); }
    });
  }

  var remember = 0;
  function rememberQuery() {
    clearTimeout(remember);
    remember = setTimeout(function () {
      try {
        var u = new URL(location.href);
        if (input.value.trim()) { u.searchParams.set('q', input.value.trim()); } else { u.searchParams.delete('q'); }
        history.replaceState(null, '', u.href);
      } catch (e) { /* some browsers refuse this for file:// pages */ }
    }, 600);
  }

  input.addEventListener('input', function () { run(false); rememberQuery(); });
  if (input.form) {
    input.form.addEventListener('submit', function (e) { e.preventDefault(); run(true); });
  }
  var q = new URLSearchParams(location.search).get('q');
  if (q) { input.value = q; }
  if (input.value) { run(true); }
  window.carehubSearch.run = run;
}());
