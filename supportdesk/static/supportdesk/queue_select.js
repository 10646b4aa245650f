// Row selection for the queue's bulk actions: x ticks the row under the cursor (j / k move
// it, see agent.js), a click on a box ticks one, Shift+click ticks the range from the last
// box clicked; the header box ticks the whole page. The boxes belong to #bulk-form.
(function () {
  "use strict";
  var form = document.getElementById("bulk-form");
  if (!form) { return; }
  var all = document.getElementById("pick-all");
  var last = null;
  function boxes() { return Array.prototype.slice.call(document.querySelectorAll("#queue tbody input[name=ticket]")); }
  function refresh() {
    var list = boxes();
    var n = 0;
    list.forEach(function (b) {
      b.closest("tr").classList.toggle("picked", b.checked);
      if (b.checked) { n += 1; }
    });
    document.getElementById("bulk-count").textContent = String(n);
    form.classList.toggle("active", n > 0);
    if (all) { all.checked = n > 0 && n === list.length; all.indeterminate = n > 0 && n < list.length; }
  }
  function typing(el) {
    return el && (el.tagName === "INPUT" && el.type !== "checkbox" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable);
  }
  document.addEventListener("click", function (ev) {
    var box = ev.target;
    if (!box.matches || !box.matches("#queue tbody input[name=ticket]")) { return; }
    var list = boxes();
    var at = list.indexOf(box);
    if (ev.shiftKey && last !== null && last !== at) {
      var from = Math.min(last, at), to = Math.max(last, at);
      for (var i = from; i <= to; i += 1) { list[i].checked = box.checked; }
    }
    last = at;
    refresh();
  });
  if (all) {
    all.addEventListener("change", function () {
      boxes().forEach(function (b) { b.checked = all.checked; });
      refresh();
    });
  }
  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || typing(document.activeElement)) { return; }
    if (ev.key !== "x") { return; }
    var row = document.querySelector("#queue tbody tr.selected");
    var box = row && row.querySelector("input[name=ticket]");
    if (!box) { return; }
    ev.preventDefault();
    box.checked = !box.checked;
    last = boxes().indexOf(box);
    refresh();
  });
  form.addEventListener("submit", function (ev) {
    if (!boxes().some(function (b) { return b.checked; })) {
      ev.preventDefault();
      alert(form.dataset.none);
    }
  });
  refresh();
})();
