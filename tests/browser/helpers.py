"""Selections as a reader makes them: a mouse drag across the words, or what a touch leaves."""

from __future__ import annotations

FIND_RANGE = """([exact, occurrence]) => {
  const root = document.querySelector('[data-article-body]');
  const text = root.textContent;
  let start = -1;
  for (let i = 0; i <= occurrence; i++) start = text.indexOf(exact, start + 1);
  if (start < 0) throw new Error('not on the page: ' + exact);
  const end = start + exact.length;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let seen = 0, node, range = document.createRange(), first = null, last = null;
  while ((node = walker.nextNode())) {
    const length = node.data.length;
    if (first === null && start < seen + length) first = [node, start - seen];
    if (last === null && end <= seen + length) { last = [node, end - seen]; break; }
    seen += length;
  }
  range.setStart(first[0], first[1]); range.setEnd(last[0], last[1]);
  return range;
}"""

FIND_RECTS = (
    """([exact, occurrence]) => {
  const range = ("""
    + FIND_RANGE
    + """)([exact, occurrence]);
  const first = [range.startContainer, range.startOffset];
  const last = [range.endContainer, range.endOffset];
  range.setStart(first[0], first[1]); range.setEnd(first[0], first[1] + 1);
  const a = range.getBoundingClientRect();
  range.setStart(last[0], last[1] - 1); range.setEnd(last[0], last[1]);
  const b = range.getBoundingClientRect();
  return {x1: a.left + 1, y1: a.top + a.height / 2, x2: b.right - 1, y2: b.top + b.height / 2};
}"""
)


# Brings the words to a third of the way down the window unless all of them are in view below
# the sticky header. (Scrolling their paragraph "into view if needed" did nothing when the
# page opened where the reader left off, partway down that paragraph, with the words above
# the window: the drag then started off screen.)
SHOW_WORDS = (
    """([exact, occurrence]) => {
  const range = ("""
    + FIND_RANGE
    + """)([exact, occurrence]);
  const box = range.getBoundingClientRect();
  const header = document.querySelector('.site-header');
  const top = header ? header.getBoundingClientRect().bottom : 0;
  if (box.top < top || box.bottom > window.innerHeight) {
    window.scrollBy({top: box.top - window.innerHeight / 3, behavior: 'instant'});
  }
}"""
)


def drag_select(page, exact: str, occurrence: int = 0) -> None:
    page.evaluate(SHOW_WORDS, [exact, occurrence])
    rects = page.evaluate(FIND_RECTS, [exact, occurrence])
    page.mouse.move(rects["x1"], rects["y1"])
    page.mouse.down()
    page.mouse.move((rects["x1"] + rects["x2"]) / 2, (rects["y1"] + rects["y2"]) / 2, steps=4)
    page.mouse.move(rects["x2"], rects["y2"], steps=4)
    page.mouse.up()


def selected_text(page) -> str:
    return page.evaluate("window.getSelection().toString()")


SELECT = (
    """([exact, occurrence]) => {
  const range = ("""
    + FIND_RANGE
    + """)([exact, occurrence]);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}"""
)


def touch_select(page, exact: str, occurrence: int = 0) -> None:
    """What a long press and the selection handles leave behind on a touch screen: a selection
    (the page hears `selectionchange`, as it does on a phone; no mouse events)."""
    page.evaluate(SHOW_WORDS, [exact, occurrence])
    page.evaluate(SELECT, [exact, occurrence])


class Traffic:
    """Every response a page (or all its context's pages: `everywhere`) gets from the moment
    this is made, and a wait for quiet."""

    def __init__(self, page, *, everywhere: bool = False) -> None:
        self.page = page
        self.pending = 0
        self.answers: list[tuple[str, str, int]] = []  # (method, url, status)
        self.source = page.context if everywhere else page
        self.listeners = {
            "request": self._started,
            "requestfinished": self._ended,
            "requestfailed": self._ended,
            "response": self._answered,
        }
        for event, listener in self.listeners.items():
            self.source.on(event, listener)

    def stop(self) -> None:
        for event, listener in self.listeners.items():
            self.source.remove_listener(event, listener)

    def _started(self, request) -> None:
        self.pending += 1

    def _ended(self, request) -> None:
        self.pending -= 1

    def _answered(self, response) -> None:
        self.answers.append((response.request.method, response.url, response.status))

    def wait_quiet(self, quiet_ms: int = 250, timeout_ms: int = 10_000) -> None:
        """Until no request has been in flight for `quiet_ms` (htmx swaps settle within it)."""
        waited = quiet = 0
        while quiet < quiet_ms:
            if waited > timeout_ms:
                raise AssertionError(f"still {self.pending} requests in flight")
            self.page.wait_for_timeout(50)
            waited += 50
            quiet = quiet + 50 if self.pending <= 0 else 0

    def failures(self) -> list[tuple[str, str, int]]:
        return [answer for answer in self.answers if answer[2] >= 400]
