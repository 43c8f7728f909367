// Live updates for the work desks and the event page. Listens to /desk/live (server-sent
// events) and, when something the viewer may see has changed, shows a banner offering to
// refresh. The desks render the banner themselves (in the page's language); elsewhere it is
// made here. No inline script: this file is served from /static/live.js.
(function () {
  "use strict";
  if (!("EventSource" in window)) {
    return;
  }
  var cfg = document.getElementById("live");
  var params = [];
  var only = null;
  if (cfg) {
    var from = cfg.getAttribute("data-from");
    if (from) {
      params.push("from=" + encodeURIComponent(from));
    }
    only = cfg.getAttribute("data-event");
  } else {
    var m = /^\/events\/(\d+)\/?$/.exec(window.location.pathname);
    if (!m) {
      return;
    }
    only = m[1];
  }
  if (only) {
    params.push("event=" + encodeURIComponent(only));
  }

  var zh = (document.documentElement.getAttribute("lang") || "zh").indexOf("en") !== 0;
  var banner = document.getElementById("live-banner");
  var seen = {};
  var count = 0;

  function refresh(ev) {
    if (ev) {
      ev.preventDefault();
    }
    // Drop the message of a one-click action (?done=...) but keep the page.
    if (cfg) {
      window.location.assign(window.location.pathname);
    } else {
      window.location.reload();
    }
  }

  function makeBanner() {
    var b = document.createElement("div");
    b.id = "live-banner";
    b.className = "live-banner";
    b.setAttribute("role", "status");
    var t = document.createElement("span");
    t.textContent = zh ? "有新动态" : "New activity";
    var n = document.createElement("span");
    n.id = "live-count";
    t.appendChild(n);
    var a = document.createElement("a");
    a.id = "live-refresh";
    a.href = "";
    a.textContent = zh ? "点击刷新" : "refresh";
    b.appendChild(t);
    b.appendChild(document.createTextNode(" "));
    b.appendChild(a);
    var main = document.querySelector("main") || document.body;
    main.insertBefore(b, main.firstChild);
    return b;
  }

  function show(reload) {
    if (!banner) {
      banner = makeBanner();
    }
    var n = document.getElementById("live-count");
    if (n) {
      n.textContent = reload ? "" : (zh ? "（" + count + "）" : " (" + count + ")");
    }
    var a = document.getElementById("live-refresh");
    if (a && !a.getAttribute("data-bound")) {
      a.setAttribute("data-bound", "1");
      a.addEventListener("click", refresh);
    }
    banner.hidden = false;
    banner.classList.add("show");
  }

  var es = new EventSource("/desk/live" + (params.length ? "?" + params.join("&") : ""));
  es.addEventListener("entry", function (msg) {
    var d;
    try {
      d = JSON.parse(msg.data);
    } catch (e) {
      return;
    }
    if (only && String(d.event) !== String(only)) {
      return;
    }
    if (seen[d.seq]) {
      return;
    }
    seen[d.seq] = true;
    count += 1;
    show(false);
  });
  es.addEventListener("reload", function () {
    show(true);
  });
})();
