// footprint web calculator: the only script, loaded from this server (no inline script).
// It adds "Copy" buttons beside the command and the permalink; everything else works
// without it (native form controls, server-rendered results).
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var target = document.getElementById(button.getAttribute("data-copy"));
    if (!target || !navigator.clipboard) { button.hidden = true; return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(target.textContent.trim()).then(function () {
        button.textContent = "Copied";
      });
    });
  });
});
