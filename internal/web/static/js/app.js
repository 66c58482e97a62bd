// khuyencong: small progressive enhancements. Every page works without
// this file; no inline handlers are used (the CSP forbids them).
(function () {
  "use strict";
  document.addEventListener("click", function (ev) {
    var t = ev.target.closest ? ev.target.closest("[data-print]") : null;
    if (t) {
      ev.preventDefault();
      window.print();
    }
  });
  // After an htmx swap, move focus to the swapped region's heading or
  // table so keyboard and screen-reader users notice the new content.
  document.addEventListener("htmx:afterSwap", function (ev) {
    var el = ev.detail && ev.detail.target;
    if (el && el.id === "results") {
      var c = document.getElementById("est-count");
      if (c) { c.setAttribute("aria-live", "polite"); }
    }
  });
})();
