/* The portal's ticking countdown (optional: without JavaScript the server's text, right to
   the minute at load, stays). Counts from the server's instant at render plus the time
   since the page loaded, so a phone with a wrong clock still counts right. */
(function () {
  "use strict";
  var started = Date.now();
  var nodes = document.querySelectorAll("[data-countdown-until]");
  if (!nodes.length) return;
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var elapsed = Date.now() - started;
    for (var i = 0; i < nodes.length; i++) {
      var el = nodes[i];
      var left = Date.parse(el.getAttribute("data-countdown-until")) -
        Date.parse(el.getAttribute("data-countdown-now")) - elapsed;
      var out = el.querySelector("[data-countdown-value]") || el;
      if (!(left > 0)) { out.textContent = el.getAttribute("data-countdown-closed"); continue; }
      var s = Math.floor(left / 1000);
      var days = Math.floor(s / 86400);
      var clock = pad(Math.floor(s % 86400 / 3600)) + ":" + pad(Math.floor(s % 3600 / 60)) + ":" + pad(s % 60);
      out.textContent = days ? el.getAttribute("data-countdown-days").replace("{d}", days) + " " + clock : clock;
    }
  }
  tick();
  setInterval(tick, 1000);
})();
