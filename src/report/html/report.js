// Filtering and sorting of the findings table. The state lives in the URL's fragment
// (#q=text&severity=critical,high&sort=-location&open=3), so a filtered view can be shared and tested.
(function () {
  "use strict";
  var table = document.getElementById("findings");
  if (!table) return;
  var q = document.getElementById("q");
  var shown = document.getElementById("shown");
  var boxes = Array.prototype.slice.call(document.querySelectorAll("input[name=severity]"));
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var sort = "";

  function bodies() { return Array.prototype.slice.call(table.tBodies); }

  function apply() {
    var words = q.value.toLowerCase().split(/\s+/).filter(Boolean);
    var wanted = {};
    boxes.forEach(function (b) { if (b.checked) wanted[b.value] = true; });
    var n = 0;
    bodies().forEach(function (body) {
      var text = body.getAttribute("data-search");
      var ok = wanted[body.getAttribute("data-severity")] === true &&
        words.every(function (w) { return text.indexOf(w) !== -1; });
      body.hidden = !ok;
      if (ok) n++;
    });
    shown.textContent = String(n);
  }

  function sortBy(spec) {
    var descending = spec.charAt(0) === "-";
    var key = descending ? spec.slice(1) : spec;
    var col = -1;
    heads.forEach(function (th, i) {
      th.removeAttribute("aria-sort");
      if (th.getAttribute("data-sort") === key) col = i;
    });
    if (col < 0) { sort = ""; return; }
    sort = spec;
    heads[col].setAttribute("aria-sort", descending ? "descending" : "ascending");
    var value = function (body) {
      var cell = body.rows[0].cells[col];
      return cell.getAttribute("data-key") || cell.textContent;
    };
    var order = bodies().map(function (body, i) { return [value(body), i, body]; });
    order.sort(function (a, b) {
      var c = a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
      return (descending ? -c : c) || a[1] - b[1];
    });
    order.forEach(function (entry) { table.appendChild(entry[2]); });
  }

  function readHash() {
    var params = new URLSearchParams(location.hash.replace(/^#/, ""));
    q.value = params.get("q") || "";
    var severity = params.get("severity");
    var wanted = severity ? severity.toLowerCase().split(",") : null;
    boxes.forEach(function (b) { b.checked = !wanted || wanted.indexOf(b.value) !== -1; });
    if (params.get("sort")) sortBy(params.get("sort"));
    var open = (params.get("open") || "").split(",");
    bodies().forEach(function (body) {
      var n = body.id.replace("finding-", "");
      if (open.indexOf("all") !== -1 || open.indexOf(n) !== -1) body.querySelector("details").open = true;
    });
    apply();
  }

  function writeHash() {
    var params = new URLSearchParams();
    if (q.value) params.set("q", q.value);
    var on = boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
    if (on.length < boxes.length) params.set("severity", on.join(","));
    if (sort) params.set("sort", sort);
    var hash = params.toString();
    try {
      history.replaceState(null, "", hash ? "#" + hash : location.pathname + location.search);
    } catch (e) { /* some browsers refuse it for file: URLs; the filter still works */ }
  }

  q.addEventListener("input", function () { apply(); writeHash(); });
  boxes.forEach(function (b) { b.addEventListener("change", function () { apply(); writeHash(); }); });
  heads.forEach(function (th) {
    th.querySelector("button").addEventListener("click", function () {
      var key = th.getAttribute("data-sort");
      sortBy(th.getAttribute("aria-sort") === "ascending" ? "-" + key : key);
      writeHash();
    });
  });
  window.addEventListener("hashchange", readHash);
  readHash();
})();
