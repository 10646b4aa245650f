// Files in the ticket page's reply, note and forward boxes: choose or drop several files,
// see them listed with their sizes, remove one, and watch the upload's progress. The server
// checks the limits again; here they only spare the agent a long upload that would be refused.
(function () {
  "use strict";
  function size(n) {
    if (n >= 1048576) { return (n / 1048576).toFixed(1) + " MB"; }
    if (n >= 1024) { return Math.round(n / 1024) + " KB"; }
    return n + " B";
  }
  function setup(box) {
    var form = box.closest("form");
    var input = box.querySelector("input[type=file]");
    var list = box.querySelector(".attach-list");
    var error = box.querySelector(".attach-error");
    var progress = box.querySelector(".upload-progress");
    var zone = box.querySelector(".dropzone");
    var maxFile = parseInt(box.dataset.maxFile, 10);
    var maxTotal = parseInt(box.dataset.maxTotal, 10);

    function showError(text) { error.textContent = text; error.hidden = !text; }
    function check() {
      var total = 0;
      for (var i = 0; i < input.files.length; i++) {
        var f = input.files[i];
        if (f.size > maxFile) { return box.dataset.msgTooLarge.replace("{name}", f.name); }
        total += f.size;
      }
      return total > maxTotal ? box.dataset.msgTotal : "";
    }
    function render() {
      list.textContent = "";
      Array.prototype.forEach.call(input.files, function (f, i) {
        var li = document.createElement("li");
        li.className = "attach-file";
        li.textContent = f.name + " (" + size(f.size) + ") ";
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "link";
        remove.textContent = box.dataset.msgRemove;
        remove.addEventListener("click", function () { drop(i); });
        li.appendChild(remove);
        list.appendChild(li);
      });
      showError(check());
    }
    function replace(files) {
      var dt = new DataTransfer();
      files.forEach(function (f) { dt.items.add(f); });
      input.files = dt.files;
      render();
    }
    function drop(index) {
      replace(Array.prototype.filter.call(input.files, function (_f, i) { return i !== index; }));
    }
    input.addEventListener("change", render);
    ["dragenter", "dragover"].forEach(function (name) {
      form.addEventListener(name, function (ev) { ev.preventDefault(); zone.classList.add("over"); });
    });
    form.addEventListener("dragleave", function () { zone.classList.remove("over"); });
    form.addEventListener("drop", function (ev) {
      ev.preventDefault();
      zone.classList.remove("over");
      if (ev.dataTransfer && ev.dataTransfer.files.length) {
        replace(Array.prototype.slice.call(input.files).concat(Array.prototype.slice.call(ev.dataTransfer.files)));
      }
    });
    form.addEventListener("submit", function (ev) {
      if (!input.files.length) { return; }  // no upload: the ordinary form post
      ev.preventDefault();
      var problem = check();
      if (problem) { showError(problem); return; }
      var xhr = new XMLHttpRequest();
      var button = form.querySelector("button[type=submit]");
      xhr.open("POST", form.action);
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) { progress.hidden = false; progress.value = Math.round(100 * e.loaded / e.total); }
      });
      xhr.addEventListener("load", function () {
        var page = new DOMParser().parseFromString(xhr.responseText, "text/html");
        var refused = page.querySelector("#composer .error[role=alert]:not([hidden])");
        if (xhr.status === 200 && !refused && xhr.responseURL) {
          // The page the redirect led to, as a plain form post would show it (with its
          // "Reply sent." message, which a second request would not show again).
          window.history.replaceState(null, "", xhr.responseURL.split("#")[0] + "#conversation");
          document.open();
          document.write(xhr.responseText);
          document.close();
          return;
        }
        progress.hidden = true;
        if (button) { button.disabled = false; }
        showError(refused ? refused.textContent : box.dataset.msgFailed);
      });
      xhr.addEventListener("error", function () {
        progress.hidden = true;
        if (button) { button.disabled = false; }
        showError(box.dataset.msgFailed);
      });
      if (button) { button.disabled = true; }
      xhr.send(new FormData(form));
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll(".attach"), setup);

  // "Forward" on a message: the forward box opens with that message chosen.
  document.addEventListener("click", function (ev) {
    var button = ev.target.closest && ev.target.closest(".forward-this");
    if (!button) { return; }
    var details = document.getElementById("forward-box");
    document.getElementById("forward-message").value = button.dataset.message;
    details.open = true;
    details.scrollIntoView({ block: "nearest" });
    document.getElementById("forward-to").focus();
  });
})();
