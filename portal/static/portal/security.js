// Behaviour that used to be inline (issue 13: the Content-Security-Policy allows no inline script
// or style). Kept tiny and declarative: pages mark elements with data attributes.
(function () {
  "use strict";
  function apply(root) {
    // <select data-autosubmit> submits its form when changed (language menu).
    root.querySelectorAll("select[data-autosubmit]").forEach(function (el) {
      if (el.dataset.bound) return;
      el.dataset.bound = "1";
      el.addEventListener("change", function () { el.form.submit(); });
    });
    // <button data-print> prints the page.
    root.querySelectorAll("[data-print]").forEach(function (el) {
      if (el.dataset.bound) return;
      el.dataset.bound = "1";
      el.addEventListener("click", function () { window.print(); });
    });
    // Bars and progress: <span data-width="42"> gets width 42 % (CSSOM, allowed by the CSP).
    root.querySelectorAll("[data-width]").forEach(function (el) {
      var value = Math.max(0, Math.min(100, parseFloat(el.dataset.width) || 0));
      el.style.width = value + "%";
    });
  }
  document.addEventListener("DOMContentLoaded", function () { apply(document); });
  document.addEventListener("htmx:load", function (event) { apply(event.target); });
})();
