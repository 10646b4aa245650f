// The canned-answer picker of the reply box (replies/_canned_picker.html).
// Ctrl+K (⌘K) anywhere on the ticket page, or "c" outside a text field, opens it; typing
// filters (htmx asks the server, which fills the placeholders for this ticket); ↑/↓ choose,
// Enter or a click inserts at the cursor of the reply; Escape closes. Choosing a macro also
// arms "Send and apply", which posts the reply to the macro's URL.
(function () {
  "use strict";
  var picker = document.getElementById("canned-picker");
  var search = document.getElementById("canned-search");
  var results = document.getElementById("canned-results");
  var reply = document.getElementById("reply-text");
  if (!picker || !search || !results || !reply) { return; }
  var note = document.getElementById("canned-note");
  var macroInput = document.getElementById("canned-macro");
  var armed = document.getElementById("macro-armed");
  var sendReply = document.getElementById("send-reply");

  function typing(el) {
    return el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable);
  }
  function options() { return Array.prototype.slice.call(results.querySelectorAll("[data-canned]")); }
  function current() { return results.querySelector("[data-canned][aria-selected='true']"); }
  function select(el) {
    options().forEach(function (o) { o.setAttribute("aria-selected", o === el ? "true" : "false"); });
    if (el) { el.scrollIntoView({ block: "nearest" }); search.setAttribute("aria-activedescendant", el.id); }
  }
  function say(text, isError) {
    note.textContent = text;
    note.classList.toggle("error", !!isError);
  }
  function open() {
    picker.hidden = false;
    search.focus();
    search.select();
    if (window.htmx) { window.htmx.trigger(search, "canned-open"); }
  }
  function close(focusReply) {
    picker.hidden = true;
    if (focusReply) { reply.focus(); }
  }
  function insert(text) {
    var start = reply.selectionStart, end = reply.selectionEnd, value = reply.value;
    if (typeof start !== "number") { start = end = value.length; }
    reply.value = value.slice(0, start) + text + value.slice(end);
    var caret = start + text.length;
    reply.focus();
    reply.setSelectionRange(caret, caret);
    reply.dispatchEvent(new Event("input", { bubbles: true }));
  }
  function arm(el) {
    macroInput.value = el.dataset.canned;
    document.getElementById("macro-title").textContent = el.dataset.title;
    document.getElementById("macro-actions").textContent = el.dataset.actions.trim();
    armed.hidden = false;
    if (sendReply) { sendReply.hidden = true; }
  }
  function disarm() {
    macroInput.value = "";
    armed.hidden = true;
    if (sendReply) { sendReply.hidden = false; }
  }
  function choose(el) {
    if (!el) { return; }
    if (el.dataset.unknown) {
      say(picker.dataset.unknownMessage + " " + el.dataset.unknown, true);
      return;
    }
    if (el.dataset.text) { insert(el.dataset.text); } else { reply.focus(); }
    if (el.dataset.macro) { arm(el); } else { disarm(); }
    say(el.dataset.missing ? picker.dataset.missingMessage + " " + el.dataset.missing : "", !!el.dataset.missing);
    close(false);
  }

  search.addEventListener("keydown", function (ev) {
    var list = options(), i = list.indexOf(current());
    if (ev.key === "ArrowDown") { ev.preventDefault(); select(list[Math.min(i + 1, list.length - 1)]); }
    else if (ev.key === "ArrowUp") { ev.preventDefault(); select(list[Math.max(i - 1, 0)]); }
    else if (ev.key === "Enter") { ev.preventDefault(); ev.stopPropagation(); choose(current()); }
    else if (ev.key === "Escape") { ev.preventDefault(); ev.stopPropagation(); close(true); }
  });
  results.addEventListener("click", function (ev) {
    var el = ev.target.closest && ev.target.closest("[data-canned]");
    if (el) { choose(el); }
  });
  results.addEventListener("htmx:afterSwap", function () {
    if (!current()) { select(options()[0]); }
  });
  document.getElementById("canned-open").addEventListener("click", open);
  document.getElementById("macro-cancel").addEventListener("click", disarm);
  document.addEventListener("keydown", function (ev) {
    var k = (ev.key || "").toLowerCase();
    if ((ev.ctrlKey || ev.metaKey) && !ev.altKey && !ev.shiftKey && (k === "k" || ev.code === "KeyK")) {
      ev.preventDefault();
      open();
    } else if (!ev.ctrlKey && !ev.metaKey && !ev.altKey && (k === "c" || ev.code === "KeyC") && !typing(document.activeElement)) {
      ev.preventDefault();
      open();
    }
  });
})();
