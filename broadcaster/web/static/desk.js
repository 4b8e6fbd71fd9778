// The web desk's only script (no inline scripts: strict CSP). A panel with data-live="/events"
// listens to the station's server-sent events and asks htmx to refresh itself on a change.
document.addEventListener("DOMContentLoaded", function () {
  var live = document.querySelector("[data-live]");
  if (!live || !window.EventSource) { return; }
  var source = new EventSource(live.getAttribute("data-live"));
  source.addEventListener("change", function () {
    document.body.dispatchEvent(new Event("station-change"));
  });
  // the output level meter follows its own event (no panel reload for every measurement)
  source.addEventListener("level", function (e) {
    var level = null;
    try { level = JSON.parse(e.data); } catch (err) { return; }
    var none = document.getElementById("level-none");
    var rows = document.querySelectorAll("[data-level]");
    for (var i = 0; i < rows.length; i++) { rows[i].hidden = level === null; }
    if (none) { none.hidden = level !== null; }
    if (level === null) { return; }
    ["rms", "peak"].forEach(function (k) {
      var m = document.getElementById("level-" + k);
      var out = document.getElementById("level-" + k + "-text");
      if (m) { m.value = Math.max(-60, level[k]); }
      if (out) { out.textContent = level[k].toFixed(1); }
    });
  });
});
