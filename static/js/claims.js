// Gloss claims on the reader page: the Quotes panel scrolls to its quote, a claim showing
// readers' context brings its context box forward. Links work without this file (they are
// plain #fragment links); this only adds smooth scrolling, focus and the phone drawer.
(function () {
  "use strict";

  var reader = document.querySelector("[data-reader]");
  if (!reader) return;
  var panel = document.getElementById("notes-panel");
  var phone = window.matchMedia("(max-width: 959px)");

  function flash(element) {
    element.classList.remove("is-flash");
    void element.offsetWidth; // restart the animation
    element.classList.add("is-flash");
  }

  function jumpToQuote(pk) {
    var marks = document.querySelectorAll("[data-article-body] mark[data-quote]");
    var first = null;
    marks.forEach(function (mark) {
      if (mark.dataset.quote.split(" ").indexOf(pk) === -1) return;
      first = first || mark;
      flash(mark);
    });
    if (!first) return false;
    if (panel && phone.matches) panel.classList.remove("drawer-open");
    document.querySelectorAll(".quote-item.is-active").forEach(function (item) {
      item.classList.remove("is-active");
    });
    var item = document.getElementById("quote-item-" + pk);
    if (item) item.classList.add("is-active");
    first.scrollIntoView({ block: "center", behavior: "smooth" });
    if (!first.hasAttribute("tabindex")) first.setAttribute("tabindex", "-1");
    first.focus({ preventScroll: true });
    return true;
  }

  function showContext(ids) {
    var box = null;
    ids.forEach(function (id) { box = box || document.getElementById("context-" + id); });
    if (!box) return;
    document.querySelectorAll(".context-item.is-active").forEach(function (item) {
      item.classList.remove("is-active");
    });
    box.classList.add("is-active");
    // After annotate.js has opened the note cards, bring the context box into view instead.
    window.setTimeout(function () {
      box.scrollIntoView({ block: "nearest", behavior: "smooth" });
    }, 60);
  }

  document.addEventListener("click", function (event) {
    var jump = event.target.closest("[data-quote-jump]");
    if (jump) {
      if (jumpToQuote(jump.dataset.quoteJump)) event.preventDefault();
      return;
    }
    var mark = event.target.closest("mark.hl-context");
    if (mark && window.getSelection().isCollapsed) showContext(mark.dataset.ids.split(" "));
  });

  document.addEventListener("keydown", function (event) {
    var mark = event.target.closest && event.target.closest("mark.hl-context");
    if (mark && (event.key === "Enter" || event.key === " ")) showContext(mark.dataset.ids.split(" "));
  });
})();
