/* carehub: find a service. Progressive enhancement (ES2017, no libraries).
   Without this script the page lists every service. With it, the filter form
   appears and narrows the table in place; the filters live in the address
   (?service=...&postcode=MK6) so a result can be shared or bookmarked.
   Every message comes from data-* attributes the template fills from the
   theme's strings table. */
(function () {
  'use strict';

  var form = document.getElementById('finder');
  var table = document.getElementById('find-table');
  var status = document.getElementById('finder-status');
  if (!form || !table || !status || !window.URLSearchParams) { return; }

  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var postcodeInput = form.elements.postcode;
  var postcodeError = document.getElementById('f-postcode-error');
  var single = ['service', 'condition', 'setting']; // <select>: one value
  var multi = ['rating', 'funding', 'route'];       // checkboxes: any of
  var attr = { service: 'services', condition: 'conditions', setting: 'settings', rating: 'rating', funding: 'funding', route: 'routes' };
  var msg = form.dataset;

  function words(s) {
    return (s || '').trim().split(/\s+/).filter(Boolean);
  }

  // "MK6 4AB", "mk64ab", "MK6" or "mk10" -> "MK6" / "MK10"; "" if not a postcode.
  function district(value) {
    var v = (value || '').toUpperCase().replace(/[^A-Z0-9 ]/g, '').trim();
    if (!v) { return ''; }
    var m = v.match(/^([A-Z]{1,2}[0-9][A-Z0-9]?)\s*[0-9][A-Z]{2}$/) || // full postcode
            v.match(/^([A-Z]{1,2}[0-9][A-Z0-9]?)(\s+[0-9][A-Z]?)?$/);   // district, maybe sector
    return m ? m[1] : null;
  }

  function readState() {
    var state = {};
    single.forEach(function (name) {
      var el = form.elements[name];
      if (el && el.value) { state[name] = [el.value]; }
    });
    multi.forEach(function (name) {
      var picked = Array.prototype.filter.call(form.querySelectorAll('input[name="' + name + '"]'), function (box) {
        return box.checked;
      }).map(function (box) { return box.value; });
      if (picked.length) { state[name] = picked; }
    });
    return state;
  }

  function writeForm(params) {
    single.forEach(function (name) {
      var el = form.elements[name];
      if (!el) { return; }
      var v = params.get(name) || '';
      el.value = Array.prototype.some.call(el.options, function (o) { return o.value === v; }) ? v : '';
    });
    multi.forEach(function (name) {
      var wanted = params.getAll(name);
      Array.prototype.forEach.call(form.querySelectorAll('input[name="' + name + '"]'), function (box) {
        box.checked = wanted.indexOf(box.value) !== -1;
      });
    });
    if (postcodeInput) { postcodeInput.value = params.get('postcode') || ''; }
  }

  function fill(template, values) {
    return String(template || '').replace(/\{(\w+)\}/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : all;
    });
  }

  function apply(updateUrl) {
    var state = readState();
    var raw = postcodeInput ? postcodeInput.value.trim() : '';
    var area = district(raw);
    if (postcodeError) {
      postcodeError.textContent = area === null ? msg.postcodeInvalid : (area ? fill(msg.postcodeActive, { postcode: area }) : '');
    }

    var shown = 0;
    rows.forEach(function (row) {
      var ok = Object.keys(state).every(function (name) {
        var have = words(row.getAttribute('data-' + attr[name]));
        return state[name].some(function (v) { return have.indexOf(v) !== -1; });
      });
      if (ok && area) {
        ok = words(row.getAttribute('data-areas').toUpperCase()).indexOf(area) !== -1;
      }
      row.hidden = !ok;
      if (ok) { shown += 1; }
    });

    status.textContent = shown === 0 ? msg.countNone
      : fill(shown === 1 ? msg.countOne : msg.countMany, { count: shown });

    if (updateUrl && window.history && history.replaceState) {
      var params = new URLSearchParams();
      Object.keys(state).forEach(function (name) {
        state[name].forEach(function (v) { params.append(name, v); });
      });
      if (raw) { params.set('postcode', area || raw); }
      var query = params.toString();
      history.replaceState(null, '', location.pathname + (query ? '?' + query : '') + location.hash);
    }
  }

  writeForm(new URLSearchParams(location.search));
  form.hidden = false;

  var timer = 0;
  form.addEventListener('change', function () { apply(true); });
  form.addEventListener('input', function (e) {
    if (e.target !== postcodeInput) { return; }
    clearTimeout(timer);
    timer = setTimeout(function () { apply(true); }, 400);
  });
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    clearTimeout(timer);
    apply(true);
    status.focus({ preventScroll: false });
  });
  var reset = document.getElementById('finder-reset');
  if (reset) {
    reset.addEventListener('click', function (e) {
      e.preventDefault();
      writeForm(new URLSearchParams(''));
      apply(true);
      if (postcodeInput) { postcodeInput.focus(); }
    });
  }

  status.setAttribute('tabindex', '-1');
  apply(false);
}());
