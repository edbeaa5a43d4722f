// Netra: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";
  // After htmx swaps in a page that reports errors, move focus to the summary so keyboard and
  // screen-reader users land on what needs fixing.
  function focusErrors() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  }
  document.addEventListener("DOMContentLoaded", focusErrors);
  document.addEventListener("htmx:afterSettle", focusErrors);
})();
