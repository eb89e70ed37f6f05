// The site menu on phones is a <details> element and works without this file; this closes it
// when the reader clicks elsewhere or presses Escape, as a menu should.
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    document.querySelectorAll("[data-site-menu][open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.open = false;
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var menu = document.querySelector("[data-site-menu][open]");
    if (!menu) return;
    menu.open = false;
    menu.querySelector("summary").focus();
  });
})();
