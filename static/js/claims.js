// Gloss claims on the reader page: the Quotes panel scrolls to its quote, a claim showing
// readers' context brings its context box forward. Links work without this file (they are
// plain #fragment links); this only adds smooth scrolling, focus and the phone drawer.
(function () {
  "use strict";

  var reader = document.querySelector("[data-reader]");
  if (!reader) return;
  var panel = document.getElementById("notes-panel");

  function flash(element, className) {
    element.classList.remove(className);
    void element.offsetWidth; // restart the animation
    element.classList.add(className);
    window.setTimeout(function () { element.classList.remove(className); }, 2500);
  }

  function jumpToQuote(pk) {
    var marks = document.querySelectorAll("[data-article-body] mark[data-quote]");
    var first = null;
    marks.forEach(function (mark) {
      if (mark.dataset.quote.split(" ").indexOf(pk) === -1) return;
      first = first || mark;
      flash(mark, "is-flash");
    });
    if (!first) return false;
    flash(first, "show-speaker");
    // On narrow screens the notes margin is a drawer (the stylesheet decides): close it.
    if (panel && window.getComputedStyle(panel).position === "fixed") {
      panel.classList.remove("drawer-open");
    }
    document.querySelectorAll(".quote-item.is-active").forEach(function (item) {
      item.classList.remove("is-active");
    });
    var item = document.getElementById("quote-item-" + pk);
    if (item) item.classList.add("is-active");
    first.scrollIntoView({ block: "center", behavior: "smooth" });
    // Quote marks are not focusable (a selection could not start inside them): keyboard focus
    // stays on the panel's link, and the mark shows its speaker for a moment.
    return true;
  }

  function showContext(ids) {
    var box = null;
    ids.forEach(function (id) { box = box || document.getElementById("context-" + id); });
    if (!box) return;
    // Not "is-active": annotate.js clears that class when it opens the note cards.
    document.querySelectorAll(".context-item.context-active").forEach(function (item) {
      item.classList.remove("context-active");
    });
    box.classList.add("context-active");
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
    if (mark && window.getSelection().isCollapsed) showContext(window.Gloss.noteIdsOf(mark));
  });

  document.addEventListener("keydown", function (event) {
    var mark = event.target.closest && event.target.closest("mark.hl-context");
    if (mark && (event.key === "Enter" || event.key === " ")) showContext(window.Gloss.noteIdsOf(mark));
  });
})();
