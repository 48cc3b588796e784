/* pairaid's small behaviours, from a file so that the Content-Security-Policy can forbid
   inline scripts (script-src 'self') and inline styles (style-src 'self'). */
(function () {
  "use strict";

  // Bars and table columns sized in percent: data-width="42" (style="" is refused by CSP;
  // setting the style from a script file is not).
  function sizeBars(root) {
    root.querySelectorAll("[data-width]").forEach(function (el) {
      var width = parseFloat(el.getAttribute("data-width"));
      if (!isNaN(width)) { el.style.width = Math.max(0, Math.min(width, 100)) + "%"; }
    });
  }

  // A button that asks first: data-confirm="确定……？"
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-confirm]") : null;
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  function ready() {
    sizeBars(document);
    // An import still running, on a page without htmx: reload until it is done.
    if (!window.htmx && document.querySelector("[data-reload-until-done]")) {
      setTimeout(function () { window.location.reload(); }, 1500);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
  // Parts of the page that htmx swaps in.
  document.addEventListener("htmx:load", function (event) { sizeBars(event.target); });
})();
