// Live suggestions and mailto link: one debounced request to the preview endpoint,
// which builds both on the server (the same code as without JavaScript).
(function () {
  var form = document.getElementById("composer");
  if (!form || !window.fetch) return;
  var hints = JSON.parse(document.getElementById("product-hints").textContent);
  var timer = null, seq = 0;
  function fields() { return new URLSearchParams(new FormData(form)); }
  function showHints() {
    var h = hints[form.product.value] || {};
    document.querySelectorAll(".product-hint").forEach(function (el) { el.textContent = h[el.dataset.item] ? " " + h[el.dataset.item] : ""; });
  }
  function render(data) {
    document.getElementById("mailto-link").href = data.mailto;
    document.getElementById("mail-preview").textContent = data.body;
    var list = document.getElementById("suggestions");
    list.textContent = "";
    data.suggestions.forEach(function (s) {
      var li = document.createElement("li"), a = document.createElement("a");
      a.href = s.url; a.textContent = s.title; a.target = "_blank"; a.rel = "noopener";
      li.appendChild(a); list.appendChild(li);
    });
    var web = document.getElementById("web-form-fields");
    if (web) {
      web.textContent = "";
      fields().forEach(function (v, k) { var i = document.createElement("input"); i.type = "hidden"; i.name = k; i.value = v; web.appendChild(i); });
    }
  }
  function refresh() {
    var mine = ++seq;
    fetch(form.dataset.preview + "?" + fields().toString(), {headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })  // 429: keep what is shown
      .then(function (data) { if (data && mine === seq) render(data); });
  }
  form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(refresh, 300); });
  form.addEventListener("change", function () { showHints(); refresh(); });
  showHints();
  refresh();
})();
