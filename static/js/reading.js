// Gloss reading list: keeps the reader's place in an article and the library's keys.
// On the reader page it opens where the reader left off and reports, debounced, how far
// they are as they scroll (the form [data-reading-progress] posts it through htmx). In the
// library: 1 / 2 / 3 switch tabs, j / k move between cards, s saves and e archives.
// Everything here has a server-side equivalent: buttons that post, links that navigate.
(function () {
  "use strict";

  function typing(event) {
    var target = event.target;
    return Boolean(target.closest && target.closest("input, textarea, select, [contenteditable]")) ||
      event.ctrlKey || event.metaKey || event.altKey;
  }

  function press(root, selector) {
    var button = root && root.querySelector(selector);
    if (button) button.click();
    return Boolean(button);
  }

  // ---- The reader page: resume, and report progress --------------------------------------
  var form = document.querySelector("[data-reading-progress]");
  var body = document.querySelector("[data-article-body]");
  if (form && body) readerPage(form);

  function readerPage(form) {
    var reader = document.querySelector("[data-reader]");
    var header = document.querySelector(".site-header");
    var positionInput = form.querySelector("[name=position]");
    var seenInput = form.querySelector("[name=seen]");
    var sent = positionInput.value;
    var ready = false;

    function articleBody() { return document.querySelector("[data-article-body]"); }

    // The server counts code points; the DOM counts UTF-16 units.
    function codePoints(text) {
      var count = 0;
      for (var i = 0; i < text.length; i++) {
        var unit = text.charCodeAt(i);
        if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) i++;
        count++;
      }
      return count;
    }

    function total() { return codePoints(articleBody().textContent); }

    function topEdge() {
      var bottom = header ? header.getBoundingClientRect().bottom : 0;
      return Math.max(bottom, 0) + 8;
    }

    function caretAt(x, y) {
      if (document.caretPositionFromPoint) {
        var position = document.caretPositionFromPoint(x, y);
        return position && { node: position.offsetNode, offset: position.offset };
      }
      if (document.caretRangeFromPoint) {
        var range = document.caretRangeFromPoint(x, y);
        return range && { node: range.startContainer, offset: range.startOffset };
      }
      return null;
    }

    // The offset of the words drawn at height y of the window (between paragraphs, the next
    // line of text below it).
    function offsetAt(y) {
      var root = articleBody();
      var rect = root.getBoundingClientRect();
      if (rect.top >= y) return 0;
      if (rect.bottom <= y) return total();
      var x = rect.left + Math.min(16, rect.width / 4);
      for (var step = 0; step < 20; step++) {
        var caret = caretAt(x, y + step * 12);
        if (caret && caret.node.nodeType === Node.TEXT_NODE && root.contains(caret.node)) {
          var range = document.createRange();
          range.setStart(root, 0);
          range.setEnd(caret.node, caret.offset);
          return codePoints(range.toString());
        }
      }
      return null;
    }

    function pointAt(offset) {
      var walker = document.createTreeWalker(articleBody(), NodeFilter.SHOW_TEXT);
      var node, seen = 0;
      while ((node = walker.nextNode())) {
        var length = codePoints(node.data);
        if (seen + length > offset && /\S/.test(node.data)) {
          var units = 0, points = 0;
          while (points < offset - seen && units < node.data.length) {
            var unit = node.data.charCodeAt(units);
            units += unit >= 0xd800 && unit <= 0xdbff ? 2 : 1;
            points++;
          }
          return { node: node, offset: Math.min(units, node.data.length) };
        }
        seen += length;
      }
      return null;
    }

    function resume() {
      var position = parseInt(form.dataset.resume || "0", 10);
      var permalink = reader && reader.dataset.target;
      if (!position || permalink || window.location.hash) return;
      var point = pointAt(position);
      if (!point) return;
      var range = document.createRange();
      range.setStart(point.node, point.offset);
      range.setEnd(point.node, Math.min(point.offset + 1, point.node.data.length));
      var top = range.getBoundingClientRect().top;
      window.scrollTo({ top: window.scrollY + top - topEdge(), behavior: "instant" });
      announce();
    }

    // "Back where you left off", in the page's polite toast region, with a way back up.
    function announce() {
      var region = document.getElementById("toast");
      if (!region) return;
      var toast = document.createElement("div");
      toast.className = "toast";
      var text = document.createElement("span");
      text.textContent = "Back where you left off.";
      var top = document.createElement("a");
      top.href = "#main";
      top.textContent = "Start from the top";
      top.addEventListener("click", function (event) {
        event.preventDefault();
        window.scrollTo({ top: 0 });
        toast.remove();
      });
      toast.append(text, " ", top);
      region.replaceChildren(toast);
      setTimeout(function () { toast.remove(); }, 8000);
    }

    function report() {
      if (!ready) return;
      var position = offsetAt(topEdge());
      if (position === null) return;
      var bottom = document.documentElement.clientHeight - 8;
      var seen = offsetAt(bottom);
      positionInput.value = String(position);
      seenInput.value = String(seen === null ? position : Math.max(seen, position));
      if (positionInput.value === sent) return;
      sent = positionInput.value;
      form.dataset.unsent = "true";
      if (window.htmx) window.htmx.trigger(form, "reading-progress");
    }

    var timer = null;
    window.addEventListener("scroll", function () {
      clearTimeout(timer);
      timer = setTimeout(report, 300);
    }, { passive: true });
    form.addEventListener("htmx:afterRequest", function () { delete form.dataset.unsent; });

    // Leaving before the debounced post went out: send it on the way out.
    function flush() {
      if (!form.dataset.unsent || !navigator.sendBeacon) return;
      var data = new FormData(form);
      data.append("beacon", "1");
      navigator.sendBeacon(form.action, data);
      delete form.dataset.unsent;
    }
    window.addEventListener("pagehide", flush);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") flush();
    });

    resume();
    // Scrolling caused by resuming is not the reader's progress. From here on the page reports
    // where the reader is, and says so on the form (what the browser tests wait for).
    setTimeout(function () {
      ready = true;
      form.dataset.listening = "";
    }, 400);

    document.addEventListener("keydown", function (event) {
      if (typing(event)) return;
      if (document.querySelector("[data-selection-toolbar]:not([hidden])")) return;
      var controls = document.getElementById("reading-controls");
      if (event.key === "s") {
        if (press(controls, "[data-reading-action=saved], [data-reading-action=remove]")) event.preventDefault();
      } else if (event.key === "e") {
        if (press(controls, "[data-reading-action=read]")) event.preventDefault();
      }
    });
  }

  // ---- The library: tabs and cards by keyboard -------------------------------------------
  var results = document.getElementById("results");
  if (!results || form) return;

  function cards() { return Array.from(document.querySelectorAll(".article-card")); }

  function focusedCard() {
    return document.activeElement && document.activeElement.closest &&
      document.activeElement.closest(".article-card");
  }

  function step(direction) {
    var all = cards();
    if (!all.length) return;
    var index = all.indexOf(focusedCard());
    var next = index < 0 ? (direction > 0 ? 0 : all.length - 1) :
      Math.min(all.length - 1, Math.max(0, index + direction));
    var link = all[next].querySelector(".card-title a");
    if (link) {
      link.focus();
      link.scrollIntoView({ block: "nearest" });
    }
  }

  document.addEventListener("keydown", function (event) {
    if (typing(event)) return;
    var tab = document.querySelector('[data-shelf-tab][data-shortcut="' + event.key + '"]');
    if (tab && event.key.length === 1) {
      event.preventDefault();
      tab.click();
      return;
    }
    if (event.key === "j") { event.preventDefault(); step(1); }
    else if (event.key === "k") { event.preventDefault(); step(-1); }
    else if (event.key === "s" || event.key === "e") {
      var card = focusedCard();
      if (!card) return;
      var selector = event.key === "s" ?
        "[data-reading-action=saved], [data-reading-action=remove]" :
        "[data-reading-action=archived]";
      var keep = card.querySelector(".card-title a");
      if (press(card, selector)) {
        event.preventDefault();
        // The swapped buttons replace the focused one: keep the focus on the card's title.
        if (keep) keep.focus();
      }
    }
  });
})();
