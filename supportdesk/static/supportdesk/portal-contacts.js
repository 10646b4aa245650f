// Show the next opening in the visitor's own time zone too (without JavaScript, office and
// Moscow time stay), written like the server's lines: lower-case weekday, the month in words,
// the zone as its UTC offset rather than a zone id.
(function () {
  var el = document.getElementById("next-opening");
  var out = document.getElementById("next-opening-local");
  if (!el || !out || !window.Intl) return;
  var when = new Date(el.dataset.iso);
  var lang = document.documentElement.lang || "ru";
  var day = new Intl.DateTimeFormat(lang, {weekday: "long", day: "numeric", month: "long", year: "numeric"})
    .format(when).replace(/\s*г\.$/, "");
  var time = new Intl.DateTimeFormat(lang, {hour: "2-digit", minute: "2-digit", hourCycle: "h23"}).format(when);
  var minutes = -when.getTimezoneOffset();
  var offset = "UTC" + (minutes < 0 ? "-" : "+") + Math.floor(Math.abs(minutes) / 60) +
    (Math.abs(minutes) % 60 ? ":" + String(Math.abs(minutes) % 60).padStart(2, "0") : "");
  if (lang.indexOf("ru") === 0) day = day.charAt(0).toLowerCase() + day.slice(1);
  out.textContent = " · " + el.dataset.yourTime + ": " + day + ", " + time + " (" + offset + ")";
  out.hidden = false;
})();
