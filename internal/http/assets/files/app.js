// hansei: the little JavaScript there is. Pages work without it; it makes
// the incident page follow events live and counts intents down.
"use strict";
(function () {
  // Countdowns: "in 4 min 12 s" until an intent's window ends, in the
  // reader's words: the page gives the formats, with {m} and {s} where
  // the numbers go.
  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-countdown]").forEach(function (el) {
      var left = Math.round((Date.parse(el.dataset.countdown) - now) / 1000);
      if (left <= 0) { el.textContent = el.dataset.expired || "window over"; return; }
      var m = Math.floor(left / 60), s = left % 60;
      var format = m > 0 ? (el.dataset.formatMs || "in {m} min {s} s") : (el.dataset.formatS || "in {s} s");
      el.textContent = format.replace("{m}", m).replace("{s}", s);
    });
  }
  tick();
  setInterval(tick, 1000);

  // The incident page: the event stream says that something happened, and
  // we fetch the changed parts as HTML rendered by the server, so there is
  // one way to draw an event. EventSource reconnects by itself and sends
  // Last-Event-ID; fetching everything after the newest shown event means
  // nothing is missed across a dropped connection.
  var page = document.querySelector(".incident[data-live]");
  if (!page || !window.EventSource) return;
  var n = page.dataset.incident;
  var last = Number(page.dataset.last);
  var conn = document.getElementById("conn");
  var busy = false, again = false;

  function swap(doc, id) {
    var fresh = doc.getElementById(id), old = document.getElementById(id);
    if (!fresh || !old) return;
    // Keep what the viewer is typing: do not replace a form they are in.
    if (old.contains(document.activeElement) && document.activeElement.form) return;
    old.innerHTML = fresh.innerHTML;
  }

  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    fetch("/incidents/" + n + "/live", { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString("<body>" + html + "</body>", "text/html");
        swap(doc, "live-intents");
        swap(doc, "live-facts");
        var list = document.getElementById("events");
        var items = Array.prototype.slice.call(doc.querySelectorAll("#events > li"));
        items.reverse().forEach(function (li) { // oldest of the new first
          var seq = Number(li.dataset.seq);
          if (seq > last) {
            li.classList.add("new");
            list.insertBefore(document.importNode(li, true), list.firstChild);
            last = seq;
          }
        });
        page.dataset.last = last;
        tick();
      })
      .catch(function () { again = true; })
      .finally(function () { busy = false; if (again) { again = false; setTimeout(refresh, 300); } });
  }

  // Frames are named by event type; data-types lists them all.
  var es = new EventSource("/incidents/" + n + "/events?after=" + last);
  es.onmessage = refresh;
  (page.dataset.types || "").split(" ").forEach(function (t) { if (t) es.addEventListener(t, refresh); });
  es.onopen = function () { conn.hidden = true; refresh(); };
  es.onerror = function () {
    conn.hidden = false;
    conn.textContent = conn.dataset.msg || "Connection lost; reconnecting…";
  };
})();
