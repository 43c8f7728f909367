// The patrol page (/patrol): records the GPS track while a patrol is open. Points are kept
// in localStorage in batches with an id, so a phone without signal keeps them and sends them
// later (also after the patrol has ended); the server receives each batch id once, so a batch
// sent twice is harmless. Served as a static file: the Content-Security-Policy forbids inline
// scripts.
(function () {
  'use strict';
  var sync = document.getElementById('patrol-sync');
  if (!sync) { return; }
  var zh = (document.documentElement.lang || 'zh').indexOf('zh') === 0;
  function t(a, b) { return zh ? a : b; }
  var csrf = sync.getAttribute('data-csrf');
  var box = document.getElementById('patrol-open');
  var current = box ? box.getAttribute('data-patrol') : null;
  var status = document.getElementById('sync-status');
  var PREFIX = 'tiaokuai.patrol.';
  var BATCH = 20;

  function load(id) {
    try { return JSON.parse(localStorage.getItem(PREFIX + id)) || { next: 1, open: [], batches: [] }; }
    catch (e) { return { next: 1, open: [], batches: [] }; }
  }
  function save(id, q) {
    try {
      if (q.open.length === 0 && q.batches.length === 0 && id !== current) {
        localStorage.removeItem(PREFIX + id);
      } else {
        localStorage.setItem(PREFIX + id, JSON.stringify(q));
      }
    } catch (e) { /* storage full: keep going */ }
  }
  function waiting(q) {
    var n = q.open.length;
    q.batches.forEach(function (b) { n += b.points.length; });
    return n;
  }
  function show(msg) {
    if (!status) { return; }
    if (msg) { status.textContent = msg; return; }
    var n = current ? waiting(load(current)) : 0;
    status.textContent = n === 0
      ? t('轨迹已全部上传', 'Track fully uploaded')
      : t('待上传 ' + n + ' 个轨迹点', n + ' points waiting to upload');
  }

  // Seals the open points into a batch with its own id.
  function seal(id) {
    var q = load(id);
    if (q.open.length === 0) { return; }
    q.batches.push({ id: 'b' + q.next + '-' + Date.now(), points: q.open });
    q.next += 1;
    q.open = [];
    save(id, q);
  }

  var sending = false;
  function flush(id, done) {
    var q = load(id);
    if (sending || q.batches.length === 0) { if (done) { done(); } return; }
    sending = true;
    var b = q.batches[0];
    fetch('/api/v1/patrols/' + encodeURIComponent(id) + '/points', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify({ batch: b.id, points: b.points })
    }).then(function (r) {
      sending = false;
      // Received (or received before): drop it. A refused batch would never pass.
      if (r.ok || r.status === 422 || r.status === 409 || r.status === 404 || r.status === 403) {
        var q2 = load(id);
        q2.batches = q2.batches.filter(function (x) { return x.id !== b.id; });
        save(id, q2);
        show();
        flush(id, done);
      } else { show(); if (done) { done(); } }
    }).catch(function () {
      sending = false;
      show(t('离线：轨迹已保存在本机，联网后自动上传', 'Offline: the track is kept on this phone and sent later'));
      if (done) { done(); }
    });
  }

  function flushAll() {
    var ids = [];
    for (var i = 0; i < localStorage.length; i++) {
      var k = localStorage.key(i);
      if (k && k.indexOf(PREFIX) === 0) { ids.push(k.substring(PREFIX.length)); }
    }
    ids.forEach(function (id) { seal(id); });
    (function next() {
      var id = ids.shift();
      if (id) { flush(id, next); }
    }());
  }

  window.addEventListener('online', flushAll);
  flushAll();
  if (!current) { return; }

  function add(pos) {
    var p = { t: Date.now(), lon: pos.coords.longitude, lat: pos.coords.latitude };
    if (pos.coords.accuracy) { p.acc = Math.round(pos.coords.accuracy); }
    var q = load(current);
    q.open.push(p);
    save(current, q);
    var lon = document.getElementById('finding-lon');
    var lat = document.getElementById('finding-lat');
    if (lon && lat) { lon.value = p.lon.toFixed(6); lat.value = p.lat.toFixed(6); }
    if (q.open.length >= BATCH) { seal(current); flush(current); }
    show();
  }

  if (navigator.geolocation) {
    navigator.geolocation.watchPosition(add, function () {
      show(t('无法定位：请允许定位权限', 'Cannot locate: allow location access'));
    }, { enableHighAccuracy: true, maximumAge: 10000, timeout: 30000 });
  } else {
    show(t('此设备不支持定位', 'This device cannot locate itself'));
  }
  setInterval(function () { seal(current); flush(current); }, 30000);
  show();

  // Before ending, send what is kept (if the network allows); the end goes through anyway,
  // and points sent later still count when their time lies inside the patrol.
  var end = document.getElementById('end-form');
  if (end) {
    end.addEventListener('submit', function (ev) {
      if (end.getAttribute('data-flushed')) { return; }
      ev.preventDefault();
      seal(current);
      flush(current, function () {
        end.setAttribute('data-flushed', '1');
        end.submit();
      });
    });
  }
}());
