// The monthly report's "Print" button (the page prints the same without it: Ctrl+P).
document.addEventListener("DOMContentLoaded", function () {
  var button = document.getElementById("print");
  if (button) { button.addEventListener("click", function () { window.print(); }); }
});
