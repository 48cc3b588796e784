// While an amount in 元 is typed, show what it is in 万元 beneath the field.
// Fields opt in with data-money="yuan" (web.forms.AmountField); data-unit is the unit's
// name in the page's language. No inline handlers, so it runs under a strict
// Content-Security-Policy (script-src 'self'). Exact: BigInt fen, rounded half-up.
(function () {
  "use strict";
  var PLAIN = /^\s*(\d+)(?:\.(\d{0,2}))?\s*$/;

  function wan(text) {
    var match = PLAIN.exec(text.replace(/[,，\s]/g, ""));
    if (!match) {
      return null;
    }
    var fen = BigInt(match[1]) * 100n + BigInt(((match[2] || "") + "00").slice(0, 2));
    var hundredths = (fen + 5000n) / 10000n; // 万元 with two places, half-up
    var whole = (hundredths / 100n).toString();
    var cents = (hundredths % 100n).toString().padStart(2, "0");
    return whole + "." + cents;
  }

  function attach(input) {
    var hint = document.createElement("small");
    hint.className = "money-wan";
    hint.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", hint);
    function update() {
      var value = input.value ? wan(input.value) : null;
      hint.textContent = value === null ? "" : "= " + value + " " + (input.dataset.unit || "万元");
    }
    input.addEventListener("input", update);
    update();
  }

  function start() {
    document.querySelectorAll("input[data-money='yuan']").forEach(attach);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
