// Gloss share control: copy a note's link, or hand it to the system share sheet.
// Everything else in the control (the link field, the QR code, the link to the original)
// works without JavaScript. Cards come and go with htmx swaps, so this listens on the
// document and shows its buttons through a class on <html>, never per card.
(function () {
  "use strict";

  if (window.glossShare) return; // the script may be included more than once
  window.glossShare = true;

  var root = document.documentElement;
  root.classList.add("share-js");
  if (typeof navigator.share === "function") root.classList.add("share-native");

  var timers = new WeakMap();

  // Shown beside the button; read out through the page's one live region (base.html).
  function announce(box, message) {
    var status = box.querySelector("[data-share-status]");
    if (!status) return;
    status.textContent = message;
    window.clearTimeout(timers.get(status));
    timers.set(status, window.setTimeout(function () { status.textContent = ""; }, 5000));
    var region = document.getElementById("toast");
    if (!region) return;
    var said = document.createElement("div");
    said.className = "visually-hidden";
    said.textContent = message;
    region.replaceChildren(said);
  }

  function copyWithSelection(field) {
    field.focus();
    field.select();
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }

  function copy(button) {
    var box = button.closest("[data-share]");
    var field = box && box.querySelector("[data-share-url]");
    if (!field) return;
    var copied = function () {
      button.textContent = "Copied";
      button.classList.add("is-done");
      announce(box, "Copied. The link is on your clipboard.");
      window.setTimeout(function () {
        button.textContent = "Copy link";
        button.classList.remove("is-done");
      }, 2500);
    };
    var manual = function () {
      field.focus();
      field.select();
      announce(box, "Press Ctrl+C (⌘C on a Mac) to copy the selected link.");
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(copied, function () {
        if (copyWithSelection(field)) copied();
        else manual();
      });
    } else if (copyWithSelection(field)) {
      copied();
    } else {
      manual();
    }
  }

  function share(button) {
    var box = button.closest("[data-share]");
    var field = box && box.querySelector("[data-share-url]");
    if (!field) return;
    navigator.share({
      title: button.dataset.shareTitle || document.title,
      text: button.dataset.shareText || "",
      url: field.value,
    }).catch(function (error) {
      if (error && error.name !== "AbortError") announce(box, "Sharing failed: copy the link instead.");
    });
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    var copyButton = target.closest("[data-share-copy]");
    if (copyButton) { copy(copyButton); return; }
    var shareButton = target.closest("[data-share-native]");
    if (shareButton) { share(shareButton); return; }
    var field = target.closest("[data-share-url]");
    if (field) field.select();
  });

  // Opening the control puts the keyboard on the copy button (or the field without one) and
  // brings the panel into view.
  document.addEventListener("toggle", function (event) {
    var box = event.target;
    if (!(box instanceof HTMLDetailsElement) || !box.matches("[data-share]") || !box.open) return;
    var first = box.querySelector("[data-share-copy]") || box.querySelector("[data-share-url]");
    if (first && box.contains(document.activeElement)) first.focus({ preventScroll: true });
    // In the notes drawer on a phone the panel may open below the fold.
    var panel = box.querySelector(".share-panel");
    if (panel) panel.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }, true);

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var box = event.target instanceof Element && event.target.closest("[data-share][open]");
    if (!box) return;
    box.open = false;
    box.querySelector("summary").focus();
  });

  // After an import through htmx, bring the report into view for keyboard and screen readers.
  document.addEventListener("htmx:afterSettle", function () {
    var report = document.querySelector("[data-import-report]");
    if (report && !report.dataset.seen) {
      report.dataset.seen = "1";
      report.focus();
    }
  });
})();
