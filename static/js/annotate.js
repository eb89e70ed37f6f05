// Gloss reader: turns a text selection into an annotation and links marks to notes.
// The server renders everything (marks, notes, forms); this file only captures
// selections, opens the annotate form, and moves focus between marks and notes.
(function () {
  "use strict";

  var reader = document.querySelector("[data-reader]");
  if (!reader) return;
  document.documentElement.classList.add("js");

  var CONTEXT = 32;
  var toolbar = document.querySelector("[data-selection-toolbar]");
  var quickForm = document.querySelector("[data-quick-highlight]");
  var panel = document.getElementById("notes-panel");
  var current = null; // the selection the toolbar acts on

  // URLs come from the page (rendered with {% url %}); PUBLIC_ID stands for a note's id.
  function urlFor(template, publicId) {
    return template.replace("PUBLIC_ID", encodeURIComponent(publicId));
  }

  // On narrow screens the notes margin is a drawer; the stylesheet alone decides when.
  function isDrawer() {
    return Boolean(panel) && window.getComputedStyle(panel).position === "fixed";
  }

  function body() { return document.getElementById("article-body"); }

  // A mark's data-ids number into the body's data-note-keys (the notes' public ids): a piece
  // of text under many overlapping notes stays small.
  function noteKeys() { return (body().dataset.noteKeys || "").split(" "); }
  function noteIdsOf(mark) {
    var keys = noteKeys();
    return (mark.dataset.ids || "").split(" ").filter(Boolean).map(function (n) {
      return keys[Number(n)];
    });
  }
  window.Gloss = { noteIdsOf: noteIdsOf };

  // JavaScript counts UTF-16 units; the server counts code points.
  function codePoints(text) {
    var count = 0;
    for (var i = 0; i < text.length; i++) {
      var unit = text.charCodeAt(i);
      if (unit < 0xd800 || unit > 0xdbff || i + 1 === text.length) count++;
      else { count++; i++; }
    }
    return count;
  }

  function lastCodePoints(text, n) { return Array.from(text).slice(-n).join(""); }
  function firstCodePoints(text, n) { return Array.from(text).slice(0, n).join(""); }

  function offsetIn(root, node, offset) {
    var range = document.createRange();
    range.setStart(root, 0);
    range.setEnd(node, offset);
    return range.toString().length;
  }

  function readSelection() {
    var selection = window.getSelection();
    var root = body();
    if (!root || !selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
    var range = selection.getRangeAt(0);
    if (!root.contains(range.commonAncestorContainer)) return null;
    var text = root.textContent;
    var start = offsetIn(root, range.startContainer, range.startOffset);
    var end = offsetIn(root, range.endContainer, range.endOffset);
    while (start < end && /\s/.test(text[start])) start++;
    while (end > start && /\s/.test(text[end - 1])) end--;
    if (end <= start) return null;
    var before = text.slice(0, start);
    var exact = text.slice(start, end);
    var startPoints = codePoints(before);
    return {
      exact: exact,
      prefix: lastCodePoints(before.slice(-2 * CONTEXT), CONTEXT),
      suffix: firstCodePoints(text.slice(end, end + 2 * CONTEXT), CONTEXT),
      start: String(startPoints),
      end: String(startPoints + codePoints(exact)),
      rect: range.getBoundingClientRect(),
    };
  }

  // The page's one polite live region (base.html): toasts, and what a screen reader should hear.
  function announce(message, visible) {
    var region = document.getElementById("toast");
    if (!region) return;
    var said = document.createElement("div");
    said.className = visible ? "toast" : "visually-hidden";
    said.textContent = message;
    region.replaceChildren(said);
  }

  function showToolbar(selected) {
    if (!toolbar) return;
    current = selected;
    var wasHidden = toolbar.hidden;
    toolbar.hidden = false;
    if (wasHidden && !reattaching) {
      announce("Words selected. Press A to annotate, H to highlight, " +
        "Q to mark a quote, C to mark a claim.", false);
    }
    document.documentElement.classList.add("has-selection-toolbar");
    placeToolbar(selected.rect);
  }

  // Near the words, in viewport terms. The stylesheet says where (--toolbar-place): above the
  // words for a mouse; below them on a touch screen, whose own selection menu sits above (with
  // room for the selection handles). Words near the bottom of a touch screen scroll up to make
  // room below them when the page can scroll that far; otherwise the toolbar goes above, clear
  // of that menu.
  function placeToolbar(rect) {
    var below = getComputedStyle(toolbar).getPropertyValue("--toolbar-place").trim() === "below";
    var header = document.querySelector(".site-header");
    var ceiling = (header ? header.getBoundingClientRect().bottom : 0) + 8;
    var height = toolbar.offsetHeight;
    var top;
    if (below) {
      top = rect.bottom + 16;
      var short = top + height - (window.innerHeight - 8);
      var scrollable = document.documentElement.scrollHeight - window.innerHeight - window.scrollY;
      if (short > 0 && short <= scrollable && rect.top - short >= ceiling) {
        window.scrollBy(0, short);
        top -= short;
      } else if (short > 0 && rect.top - height - 64 >= ceiling) {
        top = rect.top - height - 64;
      }
    } else {
      top = rect.top - height - 10;
      if (top < ceiling) top = rect.bottom + 10;
    }
    var width = document.documentElement.clientWidth;
    var left = rect.left + rect.width / 2 - toolbar.offsetWidth / 2;
    left = Math.max(8, Math.min(left, width - toolbar.offsetWidth - 8));
    toolbar.style.top = window.scrollY + top + "px";
    toolbar.style.left = window.scrollX + left + "px";
  }

  function hideToolbar() {
    if (toolbar) toolbar.hidden = true;
    document.documentElement.classList.remove("has-selection-toolbar");
  }

  // The default for new notes of the group the switcher shows, if any.
  function groupDefault() {
    var switcher = document.querySelector("[data-group-switcher]");
    var chosen = switcher && switcher.selectedOptions[0];
    return (chosen && chosen.dataset.defaultVisibility) || "";
  }

  function token() {
    var bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }

  // Re-attach mode: the author picked "Re-attach…" on an orphaned note; the next
  // selection offers only "Re-attach the note here".
  var reattaching = null;
  var visibilityChoice = toolbar && toolbar.querySelector("[data-highlight-visibility]");

  function setReattaching(publicId) {
    reattaching = publicId;
    if (!toolbar) return;
    toolbar.querySelectorAll("button[data-action]").forEach(function (button) {
      button.hidden = (button.dataset.action === "reattach") !== Boolean(publicId);
    });
    if (visibilityChoice) visibilityChoice.hidden = Boolean(publicId);
  }

  function act(kind) {
    var selected = current || readSelection();
    if (!selected || !toolbar) return;
    hideToolbar();
    if (kind === "reattach") {
      var url = urlFor(toolbar.dataset.reattachUrl, reattaching);
      setReattaching(null);
      window.getSelection().removeAllRanges();
      htmx.ajax("POST", url, {
        target: "#article-body", swap: "outerHTML",
        values: { exact: selected.exact, prefix: selected.prefix, suffix: selected.suffix,
                  start: selected.start, end: selected.end },
      });
      return;
    }
    if (kind === "highlight") {
      ["exact", "prefix", "suffix", "start", "end"].forEach(function (name) {
        quickForm.elements[name].value = selected[name];
      });
      quickForm.elements.submission_token.value = token();
      // Reading in a group: the group's default; else the reader's own, shown in the toolbar.
      var group = groupDefault();
      quickForm.elements.visibility.value = group || visibilityChoice.elements.visibility.value;
      window.getSelection().removeAllRanges();
      htmx.trigger(quickForm, "submit");
      return;
    }
    var params = new URLSearchParams({
      exact: selected.exact, prefix: selected.prefix, suffix: selected.suffix,
      start: selected.start, end: selected.end, kind: kind,
      visibility: groupDefault() || toolbar.dataset.defaultVisibility || "public",
    });
    openDrawer();
    htmx.ajax("GET", toolbar.dataset.annotateUrl + "?" + params.toString(), {
      target: "#annotate-panel", swap: "innerHTML",
    }).then(function () {
      var note = document.querySelector("#annotate-panel textarea[name=note]");
      if (note) note.focus();
      var form = document.querySelector("#annotate-panel form");
      if (form) form.scrollIntoView({ block: "nearest" });
    });
  }

  function onSelectionDone() {
    window.setTimeout(function () {
      var selected = readSelection();
      if (selected) showToolbar(selected);
      // Choosing the highlights' visibility may drop the selection; the toolbar kept it.
      else if (toolbar && toolbar.contains(document.activeElement)) return;
      else { current = null; hideToolbar(); }
    }, 10);
  }

  function inToolbar(event) {
    return Boolean(toolbar) && event.target instanceof Node && toolbar.contains(event.target);
  }

  document.addEventListener("mouseup", function (event) {
    if (inToolbar(event)) return;
    onSelectionDone();
  });
  document.addEventListener("touchend", function (event) {
    if (!inToolbar(event)) onSelectionDone();
  });
  // On a touch screen the words are chosen with a long press and the selection handles, which
  // the page may not hear as touches: follow the selection itself, once it has settled.
  var settling = null;
  document.addEventListener("selectionchange", function () {
    if (!toolbar || getComputedStyle(toolbar).getPropertyValue("--toolbar-place").trim() !== "below") return;
    window.clearTimeout(settling);
    settling = window.setTimeout(onSelectionDone, 250);
  });
  document.addEventListener("keyup", function (event) {
    if (event.shiftKey || event.key === "Shift") onSelectionDone();
  });

  if (toolbar) {
    // Pressing a button must not drop the selection it acts on (the visibility menu still opens).
    toolbar.addEventListener("mousedown", function (event) {
      if (!event.target.closest("select, option")) event.preventDefault();
    });
    toolbar.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-action]");
      if (button) act(button.dataset.action);
    });
  }

  // ---- Marks and notes ----

  function marksFor(id) {
    var number = String(noteKeys().indexOf(id));
    return Array.from(document.querySelectorAll("mark.hl")).filter(function (mark) {
      return mark.dataset.ids.split(" ").indexOf(number) !== -1;
    });
  }

  function clearActive() {
    document.querySelectorAll(".is-active").forEach(function (el) { el.classList.remove("is-active"); });
  }

  // Cards beyond the first page load on demand, from the annotation's permalink.
  function loadMissingCards(ids) {
    var missing = ids.filter(function (id) { return !document.getElementById("note-" + id); });
    var notes = document.getElementById("notes");
    if (!notes) return Promise.resolve();
    return Promise.all(missing.map(function (id) {
      return htmx.ajax("GET", urlFor(notes.dataset.noteUrl, id), {
        target: "#notes", swap: "afterbegin",
      });
    }));
  }

  // From a mark: on a phone the words go near the top and the drawer opens part way below
  // them with the note at its top (a full drawer would cover the words it is about).
  function openNotes(ids, focusFirst, mark) {
    loadMissingCards(ids).then(function () {
      var card = document.getElementById("note-" + ids[0]);
      if (mark && card && isDrawer()) {
        showNotes(ids, false, true);
        mark.scrollIntoView({ block: "start" });
        peekDrawer(card);
        if (focusFirst) card.focus({ preventScroll: true });
        return;
      }
      showNotes(ids, focusFirst);
    });
  }

  function showNotes(ids, focusFirst, keepDrawerClosed) {
    clearActive();
    var first = null;
    ids.forEach(function (id) {
      var card = document.getElementById("note-" + id);
      if (card) { card.classList.add("is-active"); first = first || card; }
      marksFor(id).forEach(function (mark) { mark.classList.add("is-active"); });
    });
    if (first) {
      var drawerClosed = keepDrawerClosed && isDrawer();
      if (!keepDrawerClosed) openDrawer();
      if (!drawerClosed) first.scrollIntoView({ block: "nearest", behavior: "smooth" });
      if (focusFirst) first.focus({ preventScroll: true });
    }
  }

  function jumpToMark(id) {
    var mark = document.getElementById("hl-" + id);
    if (!mark) return;
    closeDrawer();
    clearActive();
    marksFor(id).forEach(function (m) { m.classList.add("is-active"); });
    mark.scrollIntoView({ block: "center", behavior: "smooth" });
    mark.focus({ preventScroll: true });
  }

  function stepMark(direction) {
    var marks = Array.from(document.querySelectorAll("mark.hl[id]"));
    if (!marks.length) return;
    var index = marks.indexOf(document.activeElement);
    var next = index === -1 ? (direction > 0 ? 0 : marks.length - 1)
      : (index + direction + marks.length) % marks.length;
    marks[next].focus();
    marks[next].scrollIntoView({ block: "center", behavior: "smooth" });
  }

  function openDrawer() {
    if (!isDrawer()) return;
    panel.classList.remove("drawer-peek");
    panel.classList.add("drawer-open");
  }
  function closeDrawer() { if (panel) panel.classList.remove("drawer-open", "drawer-peek"); }

  // Part way open (the stylesheet says how far), with `card` at its top: the words above it
  // stay in view. Touching the drawer opens it all the way.
  function peekDrawer(card) {
    panel.classList.add("drawer-open", "drawer-peek");
    var heading = panel.querySelector(".notes-panel-header");
    panel.scrollTop = card.offsetTop - (heading ? heading.offsetHeight : 0) - 8;
  }

  document.addEventListener("click", function (event) {
    var mark = event.target.closest("mark.hl");
    if (mark && window.getSelection().isCollapsed) {
      openNotes(noteIdsOf(mark), false, mark);
      return;
    }
    var jump = event.target.closest("[data-jump-to-mark]");
    if (jump) { event.preventDefault(); jumpToMark(jump.dataset.jumpToMark); return; }
    if (event.target.closest("[data-open-drawer]")) { panel.classList.toggle("drawer-open"); return; }
    if (event.target.closest("[data-close-drawer]")) { closeDrawer(); return; }
    if (event.target.closest("[data-cancel-annotate]") && event.target.closest("#annotate-panel")) {
      event.preventDefault();
      document.getElementById("annotate-panel").innerHTML = "";
      return;
    }
    var reattach = event.target.closest("[data-reattach]");
    if (reattach) {
      event.preventDefault();
      setReattaching(reattach.dataset.reattach);
      closeDrawer();
      announce("Select the words to attach the note to. Escape cancels.", true);
      return;
    }
    var add = event.target.closest("[data-add-source]");
    if (add) {
      var fieldset = add.closest("fieldset");
      var rows = fieldset.querySelector("[data-source-rows]");
      if (rows.children.length < Number(fieldset.dataset.maxSources)) {
        rows.appendChild(fieldset.querySelector("[data-source-template]").content.cloneNode(true));
        rows.lastElementChild.querySelector("input").focus();
      }
      return;
    }
    var toggle = event.target.closest("[data-toggle-highlights]");
    if (toggle) {
      var hidden = document.body.classList.toggle("hide-highlights");
      toggle.setAttribute("aria-pressed", String(hidden));
      toggle.textContent = hidden ? "Show highlights" : "Hide highlights";
    }
  });

  document.addEventListener("keydown", function (event) {
    var typing = event.target.closest("input, textarea, select, [contenteditable]");
    if (event.key === "Escape") {
      hideToolbar();
      setReattaching(null);
      var panelForm = document.querySelector("#annotate-panel form");
      if (panelForm) document.getElementById("annotate-panel").innerHTML = "";
      closeDrawer();
      return;
    }
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    var mark = event.target.closest && event.target.closest("mark.hl");
    if (mark && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      openNotes(noteIdsOf(mark), true, mark);
      return;
    }
    var shortcuts = { a: "note", h: "highlight", q: "quote", c: "claim" };
    if (reattaching && event.key === "Enter" && (current || readSelection())) {
      event.preventDefault();
      act("reattach");
    } else if (!reattaching && shortcuts[event.key] && (current || readSelection())) {
      event.preventDefault();
      act(shortcuts[event.key]);
    } else if (event.key === "n" || event.key === "j") {
      stepMark(1);
    } else if (event.key === "p" || event.key === "k") {
      stepMark(-1);
    }
  });

  document.body.addEventListener("htmx:afterSettle", function () {
    var count = document.getElementById("note-count");
    var fab = document.querySelector("[data-fab-count]");
    if (count && fab) fab.textContent = count.textContent;
  });

  if (panel) {
    // The header's Notes button says whether the drawer is open, whatever opened or closed it.
    new MutationObserver(function () {
      var open = panel.classList.contains("drawer-open");
      document.querySelectorAll("[data-open-drawer]").forEach(function (button) {
        button.setAttribute("aria-expanded", String(open));
      });
    }).observe(panel, { attributes: true, attributeFilter: ["class"] });
    panel.addEventListener("click", function (event) {
      if (panel.classList.contains("drawer-peek") && !event.target.closest("[data-close-drawer]")) {
        panel.classList.remove("drawer-peek");
      }
    });
  }

  // A permalink opens at its highlight with its note active, both in view: beside each other
  // on a wide screen; on a phone the words near the top and the note in the drawer, part way
  // open below them.
  if (reader.dataset.target) {
    var target = reader.dataset.target;
    window.requestAnimationFrame(function () {
      var mark = document.getElementById("hl-" + target);
      var drawer = isDrawer();
      if (mark) mark.scrollIntoView({ block: drawer ? "start" : "center" });
      loadMissingCards([target]).then(function () {
        showNotes([target], false, true);
        var card = document.getElementById("note-" + target);
        if (mark && card && drawer) peekDrawer(card);
      });
    });
  }
})();
