// The report form (/events/new): GPS, picking a point on the grid map, searching the lists
// for the item, photo previews, and shrinking large phone photos before upload.
// Served as a static file: the Content-Security-Policy forbids inline scripts.
(function () {
  'use strict';
  var form = document.getElementById('report-form');
  if (!form) { return; }
  var zh = (document.documentElement.lang || 'zh').indexOf('zh') === 0;
  function t(a, b) { return zh ? a : b; }
  var lon = document.getElementById('lon');
  var lat = document.getElementById('lat');
  var locText = document.getElementById('loc-text');
  var map = document.getElementById('pick-map');
  var marker = document.getElementById('pick-map-marker');

  function num(el, name) { return parseFloat(el.getAttribute('data-' + name)); }

  // Projection: the map is linear in longitude and latitude over its bounding box.
  function toMap(lo, la) {
    if (!map) { return null; }
    var x0 = num(map, 'min-lon'), x1 = num(map, 'max-lon');
    var y0 = num(map, 'min-lat'), y1 = num(map, 'max-lat');
    if (lo < x0 || lo > x1 || la < y0 || la > y1) { return null; }
    return {
      x: (lo - x0) / (x1 - x0) * num(map, 'width'),
      y: (y1 - la) / (y1 - y0) * num(map, 'height')
    };
  }

  function fromMap(x, y) {
    var x0 = num(map, 'min-lon'), x1 = num(map, 'max-lon');
    var y0 = num(map, 'min-lat'), y1 = num(map, 'max-lat');
    return {
      lon: x0 + x / num(map, 'width') * (x1 - x0),
      lat: y1 - y / num(map, 'height') * (y1 - y0)
    };
  }

  function setPoint(lo, la, label) {
    lon.value = lo.toFixed(6);
    lat.value = la.toFixed(6);
    locText.textContent = lon.value + ', ' + lat.value + (label ? ' · ' + label : '');
    locText.classList.add('chosen');
    var p = toMap(lo, la);
    if (marker) {
      if (p) {
        marker.setAttribute('cx', p.x.toFixed(1));
        marker.setAttribute('cy', p.y.toFixed(1));
        marker.setAttribute('visibility', 'visible');
      } else {
        marker.setAttribute('visibility', 'hidden');
      }
    }
  }

  if (map) {
    map.addEventListener('click', function (ev) {
      var ctm = map.getScreenCTM();
      if (!ctm) { return; }
      var pt = map.createSVGPoint();
      pt.x = ev.clientX;
      pt.y = ev.clientY;
      var p = pt.matrixTransform(ctm.inverse());
      var g = fromMap(p.x, p.y);
      var target = ev.target;
      var name = target && target.getAttribute ? target.getAttribute('data-name') : null;
      setPoint(g.lon, g.lat, name || '');
    });
  }

  var gps = document.getElementById('gps-btn');
  if (gps) {
    gps.addEventListener('click', function () {
      if (!navigator.geolocation) {
        locText.textContent = t('此设备不支持定位，请在地图上点选', 'This device cannot locate itself; tap the map');
        return;
      }
      locText.textContent = t('正在定位…', 'Locating…');
      navigator.geolocation.getCurrentPosition(function (pos) {
        setPoint(pos.coords.longitude, pos.coords.latitude,
          t('GPS 精度约 ', 'GPS ±') + Math.round(pos.coords.accuracy) + t(' 米', ' m'));
      }, function (err) {
        locText.textContent = t('定位失败，请在地图上点选：', 'Could not locate; tap the map: ') + err.message;
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  }

  // List search through the public search API; without it the button submits the form and
  // the server shows the same choices.
  var q = document.getElementById('item-q');
  var searchBtn = document.getElementById('item-search');
  var results = document.getElementById('item-results');
  function option(value, name, units, checked) {
    var label = document.createElement('label');
    label.className = 'item-opt';
    var input = document.createElement('input');
    input.type = 'radio';
    input.name = 'item';
    input.value = value;
    input.checked = !!checked;
    label.appendChild(input);
    var span = document.createElement('span');
    span.textContent = ' ' + name;
    label.appendChild(span);
    if (units) {
      var small = document.createElement('small');
      small.className = 'muted';
      small.textContent = ' ' + units;
      label.appendChild(small);
    }
    return label;
  }
  function search() {
    var text = q.value.trim();
    if (!text) { return; }
    var chosen = form.querySelector('input[name=item]:checked');
    var keep = chosen && chosen.value ? chosen.parentNode : null;
    fetch('/api/v1/lists/search?limit=8&q=' + encodeURIComponent(text), { credentials: 'same-origin' })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (hits) {
        while (results.firstChild) { results.removeChild(results.firstChild); }
        results.appendChild(option('', t('暂不选择', 'None for now'), '', !keep));
        if (keep) { results.appendChild(keep); }
        hits.forEach(function (h) {
          var value = h.id + '@' + h.version;
          if (keep && keep.querySelector('input').value === value) { return; }
          var units = (h.primary || []).join('、') + ' / ' + (h.supporting || []).join('、');
          results.appendChild(option(value, h.name, units, false));
        });
        if (!hits.length) {
          var p = document.createElement('p');
          p.className = 'muted';
          p.textContent = t('没有找到匹配的清单事项', 'No matching list item');
          results.appendChild(p);
        }
      })
      .catch(function () { searchBtn.setAttribute('data-fallback', '1'); searchBtn.click(); });
  }
  if (q && searchBtn && results && window.fetch) {
    searchBtn.addEventListener('click', function (ev) {
      if (searchBtn.getAttribute('data-fallback')) { return; }
      ev.preventDefault();
      search();
    });
    q.addEventListener('keydown', function (ev) {
      if (ev.key === 'Enter') { ev.preventDefault(); search(); }
    });
  }

  // Routing suggestions while typing: the title and description are sent (debounced) to
  // POST /api/v1/route and the best items offered as choices. Without script the
  // "suggest from the description" button asks the server for the same.
  var title = document.getElementById('f-title');
  var desc = document.getElementById('f-description');
  var suggest = document.getElementById('route-suggest');
  var suggestBtn = document.getElementById('item-suggest');
  var timer = null, asked = '';
  function routeNow() {
    var text = ((title && title.value) || '') + '\n' + ((desc && desc.value) || '');
    if (!text.trim() || text === asked) { return; }
    asked = text;
    fetch('/api/v1/route', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: text, k: 3 })
    })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (out) {
        if (text !== asked) { return; }
        var chosen = form.querySelector('input[name=item]:checked');
        var keep = chosen ? chosen.value : '';
        Array.prototype.forEach.call(suggest.querySelectorAll('label.item-opt'), function (l) {
          if (!l.querySelector('input').checked) { suggest.removeChild(l); }
        });
        (out.suggestions || []).forEach(function (sg) {
          var value = sg.item + '@' + sg.version;
          if (value === keep) { return; }
          var units = (sg.lead ? sg.lead.name : '—') +
            (sg.co && sg.co.length ? ' / ' + sg.co.map(function (u) { return u.name; }).join('、') : '');
          var words = (sg.reason.matched_words || []).concat(sg.reason.model_words || []).slice(0, 4);
          var label = option(value, sg.name, units + (words.length ? ' · ' + words.join('、') : ''), false);
          label.classList.add('suggested');
          suggest.appendChild(label);
        });
        suggest.hidden = !suggest.querySelector('label.item-opt');
      })
      .catch(function () { asked = ''; });
  }
  if (suggest && window.fetch && (title || desc)) {
    if (suggestBtn) { suggestBtn.hidden = true; }
    [title, desc].forEach(function (el) {
      if (!el) { return; }
      el.addEventListener('input', function () {
        clearTimeout(timer);
        timer = setTimeout(routeNow, 600);
      });
    });
  }

  // Previews (data: URLs; the policy allows no blob: images) and shrinking photos over 1.5 MB
  // to at most 2000 px so several fit in one upload.
  var photos = document.getElementById('f-photos');
  var previews = document.getElementById('photo-previews');
  var MAX_BYTES = 1536 * 1024, MAX_SIDE = 2000;
  function shrink(file) {
    return new Promise(function (resolve) {
      if (file.size <= MAX_BYTES || !/^image\/(jpeg|png|webp)$/.test(file.type)) { resolve(file); return; }
      var reader = new FileReader();
      reader.onerror = function () { resolve(file); };
      reader.onload = function () {
        var img = new Image();
        img.onerror = function () { resolve(file); };
        img.onload = function () {
          var k = Math.min(1, MAX_SIDE / Math.max(img.width, img.height));
          var c = document.createElement('canvas');
          c.width = Math.round(img.width * k);
          c.height = Math.round(img.height * k);
          c.getContext('2d').drawImage(img, 0, 0, c.width, c.height);
          c.toBlob(function (b) {
            if (!b || b.size >= file.size) { resolve(file); return; }
            resolve(new File([b], file.name.replace(/\.\w+$/, '') + '.jpg', { type: 'image/jpeg' }));
          }, 'image/jpeg', 0.85);
        };
        img.src = reader.result;
      };
      reader.readAsDataURL(file);
    });
  }
  function preview(file) {
    var reader = new FileReader();
    reader.onload = function () {
      var img = document.createElement('img');
      img.className = 'ev-thumb';
      img.alt = file.name;
      img.src = reader.result;
      previews.appendChild(img);
    };
    reader.readAsDataURL(file);
  }
  if (photos && previews) {
    photos.addEventListener('change', function () {
      while (previews.firstChild) { previews.removeChild(previews.firstChild); }
      var files = Array.prototype.slice.call(photos.files || []);
      files.forEach(preview);
      if (!window.DataTransfer || !window.Promise) { return; }
      Promise.all(files.map(shrink)).then(function (out) {
        if (!out.some(function (f, i) { return f !== files[i]; })) { return; }
        try {
          var dt = new DataTransfer();
          out.forEach(function (f) { dt.items.add(f); });
          photos.files = dt.files;
        } catch (e) { /* keep the originals */ }
      });
    });
  }
}());
