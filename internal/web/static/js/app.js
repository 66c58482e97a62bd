// khuyencong: small progressive enhancements. Every page works without
// this file; no inline handlers are used (the CSP forbids them).
(function () {
  "use strict";
  // Forms marked data-confirm (record deletions) ask before they post.
  document.addEventListener("submit", function (ev) {
    var f = ev.target;
    var msg = f && f.getAttribute ? f.getAttribute("data-confirm") : null;
    if (msg && !window.confirm(msg)) { ev.preventDefault(); }
  });
  document.addEventListener("click", function (ev) {
    var t = ev.target.closest ? ev.target.closest("[data-print]") : null;
    if (t) {
      ev.preventDefault();
      window.print();
    }
  });
  // A list filter the server refuses (422) still replaces the results
  // region, which then carries the message; htmx swaps no 4xx by default.
  document.addEventListener("htmx:beforeSwap", function (ev) {
    var d = ev.detail;
    if (d && d.xhr && d.xhr.status === 422 && d.target && d.target.id === "results") {
      d.shouldSwap = true;
      d.isError = false;
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
