// Runs in <head> before first paint so a remembered theme never flashes.
(function () {
  var KEY = "gloss-theme";
  var root = document.documentElement;
  // Controls that need JavaScript carry data-needs-js; gloss.css hides them until this runs.
  root.classList.add("js");
  try {
    var saved = localStorage.getItem(KEY);
    if (saved === "light" || saved === "dark") root.dataset.theme = saved;
  } catch (e) { /* storage may be disabled; the system theme applies */ }

  document.addEventListener("click", function (event) {
    if (!event.target.closest("[data-theme-toggle]")) return;
    var current = root.dataset.theme ||
      (matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light");
    var next = current === "dark" ? "light" : "dark";
    root.dataset.theme = next;
    try { localStorage.setItem(KEY, next); } catch (e) { /* not remembered, still switched */ }
  });
})();
