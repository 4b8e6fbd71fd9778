// Search of the public archive without a server: each entry carries its text folded to plain
// lower-case letters (data-search); what is typed is folded the same way, accents optional.
(function () {
  "use strict";
  function fold(s) {
    return s.replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase().normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "").replace(/\s+/g, " ").trim();
  }
  function apply(box) {
    var words = fold(box.value).split(" ").filter(Boolean);
    var shown = 0;
    document.querySelectorAll("section.day").forEach(function (day) {
      var inDay = 0;
      day.querySelectorAll("li[data-search]").forEach(function (li) {
        var text = li.getAttribute("data-search");
        var hit = words.every(function (w) { return text.indexOf(w) >= 0; });
        li.hidden = !hit;
        if (hit) { inDay += 1; }
      });
      day.hidden = inDay === 0;
      shown += inDay;
    });
    var none = document.getElementById("no-match");
    if (none) { none.hidden = shown > 0 || words.length === 0; }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("q");
    if (!box) { return; }
    var q = new URLSearchParams(window.location.search).get("q");
    if (q) { box.value = q; }
    box.addEventListener("input", function () { apply(box); });
    box.form.addEventListener("submit", function (e) { e.preventDefault(); apply(box); });
    apply(box);
  });
})();
