/* Staff pages, progressive: every page works without this file.
   - Queue ([data-bulk]): a "select all on this page" box at the top and bottom of the grid
     (without JS the "approve the whole page" button does the same through the server).
   - Review ([data-shortcuts]): keyboard shortcuts, listed on the page. Nothing fires while
     focus is in a text field, a select, or with Ctrl/Alt/Meta held.
   Texts come from data-* attributes that the templates translate; loaded as an external
   file (the CSP allows script-src 'self'). */
(function () {
  "use strict";

  var bulk = document.querySelector("form[data-bulk]");
  if (bulk) {
    var boxes = bulk.querySelectorAll(".pick input[type=checkbox]");
    var bars = bulk.querySelectorAll(".bulk-bar");
    var alls = [];
    function sync() {
      var on = 0;
      boxes.forEach(function (b) { if (b.checked) on++; });
      alls.forEach(function (a) {
        a.checked = on > 0 && on === boxes.length;
        a.indeterminate = on > 0 && on < boxes.length;
      });
    }
    if (boxes.length) {
      bars.forEach(function (bar) {
        var label = document.createElement("label");
        label.className = "pick-all";
        var box = document.createElement("input");
        box.type = "checkbox";
        box.addEventListener("change", function () {
          boxes.forEach(function (b) { b.checked = box.checked; });
          sync();
        });
        label.appendChild(box);
        label.appendChild(document.createTextNode(" " + (bulk.dataset.selectAll || "")));
        bar.insertBefore(label, bar.firstChild);
        alls.push(box);
      });
      boxes.forEach(function (b) { b.addEventListener("change", sync); });
      sync();
    }
  }
})();
