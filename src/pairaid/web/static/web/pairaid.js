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

  var NARROW = "(max-width: 720px)";

  // Lists become cards on a phone: each cell is labelled with its column's heading.
  function labelCells(root) {
    root.querySelectorAll("table").forEach(function (table) {
      var heads = Array.prototype.map.call(
        table.querySelectorAll("thead th"),
        function (th) { return th.textContent.replace(/\s+/g, " ").trim(); }
      );
      if (!heads.length) { return; }
      table.querySelectorAll("tbody tr").forEach(function (row) {
        Array.prototype.forEach.call(row.children, function (cell, i) {
          if (cell.hasAttribute("data-label")) { return; }
          cell.setAttribute("data-label", cell.colSpan > 1 ? "" : (heads[i] || ""));
        });
      });
    });
  }

  // The menu and the list filters fold into one control on a phone (open elsewhere).
  function foldOnPhone(root) {
    if (!window.matchMedia || !window.matchMedia(NARROW).matches) { return; }
    root.querySelectorAll("details[data-menu], details[data-fold]").forEach(function (el) {
      if (!el.hasAttribute("data-keep-open")) { el.removeAttribute("open"); }
    });
  }

  // Printing: the figures' rules (口径) are printed with them.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll(".figure .rule details:not([open])").forEach(function (el) {
      el.setAttribute("open", "");
      el.setAttribute("data-opened-for-print", "");
    });
  });
  window.addEventListener("afterprint", function () {
    document.querySelectorAll("[data-opened-for-print]").forEach(function (el) {
      el.removeAttribute("open");
      el.removeAttribute("data-opened-for-print");
    });
  });

  // A long chooser (select[data-chooser="pairing"|"region"|"project"|"organisation"]) gets
  // a box above it: typing asks /search/choices/ (name, code or pinyin) and puts the
  // answers into the select. Without JavaScript the plain select remains.
  function chooser(select) {
    if (select.hasAttribute("data-chooser-ready")) { return; }
    select.setAttribute("data-chooser-ready", "");
    var box = document.createElement("input");
    box.type = "search";
    box.className = "chooser-search";
    box.placeholder = select.getAttribute("data-chooser-placeholder") || "";
    box.setAttribute("aria-label", box.placeholder);
    box.setAttribute("autocomplete", "off");
    select.parentNode.insertBefore(box, select);
    var timer = null;
    var asked = 0;
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }
    });
    box.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = box.value.trim();
        if (!q) { return; }
        var mine = ++asked;
        var url = select.getAttribute("data-chooser-url") + "?kind=" +
          encodeURIComponent(select.getAttribute("data-chooser")) + "&q=" + encodeURIComponent(q);
        fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
          .then(function (answer) { return answer.ok ? answer.json() : { results: [] }; })
          .then(function (data) {
            if (mine !== asked) { return; }
            var keep = Array.prototype.filter.call(select.options, function (o) {
              return o.value === "";
            });
            select.innerHTML = "";
            keep.forEach(function (o) { select.appendChild(o); });
            data.results.forEach(function (row) {
              var option = document.createElement("option");
              option.value = row.id;
              option.textContent = row.label;
              select.appendChild(option);
            });
            if (data.results.length) {
              select.value = String(data.results[0].id);
              select.dispatchEvent(new Event("change", { bubbles: true }));
            }
          });
      }, 250);
    });
  }

  function enhance(root) {
    labelCells(root);
    root.querySelectorAll("select[data-chooser]").forEach(chooser);
  }

  function ready() {
    sizeBars(document);
    enhance(document);
    foldOnPhone(document);
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
  document.addEventListener("htmx:load", function (event) {
    sizeBars(event.target);
    enhance(event.target);
  });
})();
