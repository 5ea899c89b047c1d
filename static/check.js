// The text check: equivalents of a marked term show on hover and keyboard focus
// (a pop-up; Escape hides it). Without this script they stand beside each term.
(function () {
  "use strict";
  document.documentElement.classList.add("check-js");
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll(".found:hover, .found:focus-within").forEach(function (el) {
      el.classList.add("dismissed");
    });
  });
  function reopen(event) {
    var found = event.target.closest && event.target.closest(".found");
    if (found) found.classList.remove("dismissed");
  }
  document.addEventListener("focusin", reopen);
  document.addEventListener("mouseover", reopen);
})();
