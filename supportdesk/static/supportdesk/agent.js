// Keyboard shortcuts of the agent pages.
// Queue: j / k move the selection, Enter opens the ticket, / focuses the search box.
// Ticket: r focuses the reply, n the note, Escape leaves a text field.
(function () {
  "use strict";
  function typing(el) {
    return el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable);
  }
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("#queue tbody tr[data-href]")); }
  function select(list, i) {
    list.forEach(function (r) { r.classList.remove("selected"); });
    if (list[i]) { list[i].classList.add("selected"); list[i].scrollIntoView({ block: "nearest" }); }
  }
  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
    if (ev.key === "Escape" && typing(document.activeElement)) { document.activeElement.blur(); return; }
    if (typing(document.activeElement)) { return; }
    var list = rows();
    var current = list.findIndex(function (r) { return r.classList.contains("selected"); });
    var focus = function (id) { var el = document.getElementById(id); if (el) { ev.preventDefault(); el.focus(); } };
    if (ev.key === "j" && list.length) { select(list, Math.min(current + 1, list.length - 1)); }
    else if (ev.key === "k" && list.length) { select(list, Math.max(current - 1, 0)); }
    else if (ev.key === "Enter" && current >= 0) { window.location.href = list[current].dataset.href; }
    else if (ev.key === "/") { focus("id_q"); }
    else if (ev.key === "r") { focus("reply-text"); }
    else if (ev.key === "n") { focus("note-text"); }
  });
  document.addEventListener("click", function (ev) {
    var row = ev.target.closest && ev.target.closest("#queue tbody tr[data-href]");
    if (row && !ev.target.closest("a, button, input")) { window.location.href = row.dataset.href; }
  });
})();

// Who is on it: the presence strip of the ticket page (#presence) polls with htmx; this adds
// which box the agent is typing in (reported for a few seconds after the last keystroke) and
// tells the server when the page is left.
(function () {
  "use strict";
  var BOXES = { "reply-text": "reply", "note-text": "note", "ask-text": "ask" };
  var TYPING_MS = 5000;
  var typedBox = "";
  var typedAt = 0;
  function strip() { return document.getElementById("presence"); }
  document.addEventListener("input", function (ev) {
    var box = ev.target && BOXES[ev.target.id];
    var el = strip();
    if (!box || !el) { return; }
    var wasTyping = typedBox === box && Date.now() - typedAt < TYPING_MS;
    typedBox = box;
    typedAt = Date.now();
    if (!wasTyping && window.htmx) { window.htmx.trigger(el, "sd-typing"); }
  });
  document.addEventListener("htmx:configRequest", function (ev) {
    if (ev.detail.elt !== strip()) { return; }
    ev.detail.parameters.typing = typedBox && Date.now() - typedAt < TYPING_MS ? typedBox : "";
  });
  window.addEventListener("pagehide", function () {
    var el = strip();
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (!el || !token || !navigator.sendBeacon) { return; }
    var data = new FormData();
    data.append("csrfmiddlewaretoken", token.value);
    navigator.sendBeacon(el.dataset.leaveUrl, data);
  });
})();
