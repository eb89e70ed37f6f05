// Search: "/" focuses the search box, the header box's quick results open and close. The box
// is a plain GET form without JavaScript; htmx fetches the quick results.
(function () {
  function searchBox() {
    var page = document.getElementById("search-page-q");
    if (page) return page;
    var header = document.getElementById("site-search-q");
    return header && header.offsetParent !== null ? header : null;
  }

  function preview() { return document.getElementById("site-search-preview"); }

  function closePreview() {
    var panel = preview();
    if (panel) panel.hidden = true;
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      var panel = preview();
      if (panel && !panel.hidden) {
        // The first Escape closes the quick results and keeps the words (Chromium's search
        // box would clear them); a second one clears the box as usual.
        event.preventDefault();
        closePreview();
        document.getElementById("site-search-q").focus();
      }
      return;
    }
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest("input, textarea, select, [contenteditable]")) return;
    var box = searchBox();
    event.preventDefault();
    if (box) {
      box.focus();
      box.select();
    } else {
      // Phones: the header has a link, not a box.
      var link = document.querySelector(".site-search-link");
      if (link) window.location.href = link.href;
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var panel = preview();
    if (event.detail.target !== panel) return;
    panel.hidden = !panel.textContent.trim() || document.activeElement === document.body;
  });

  document.addEventListener("focusin", function (event) {
    var panel = preview();
    if (!panel) return;
    if (event.target.closest("[data-site-search]")) {
      if (panel.textContent.trim() && document.getElementById("site-search-q").value.trim()) {
        panel.hidden = false;
      }
    } else {
      closePreview();
    }
  });

  document.addEventListener("click", function (event) {
    if (!event.target.closest("[data-site-search]")) closePreview();
  });
})();
