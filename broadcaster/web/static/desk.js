// The web desk's only script (no inline scripts: strict CSP). A panel with data-live="/events"
// listens to the station's server-sent events and asks htmx to refresh itself on a change.
document.addEventListener("DOMContentLoaded", function () {
  var live = document.querySelector("[data-live]");
  if (!live || !window.EventSource) { return; }
  var source = new EventSource(live.getAttribute("data-live"));
  source.addEventListener("change", function () {
    document.body.dispatchEvent(new Event("station-change"));
  });
});
