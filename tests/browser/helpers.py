"""Real mouse selections: find where words are drawn, then drag across them."""

from __future__ import annotations

FIND_RECTS = """([exact, occurrence]) => {
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
  range.setStart(first[0], first[1]); range.setEnd(first[0], first[1] + 1);
  const a = range.getBoundingClientRect();
  range.setStart(last[0], last[1] - 1); range.setEnd(last[0], last[1]);
  const b = range.getBoundingClientRect();
  return {x1: a.left + 1, y1: a.top + a.height / 2, x2: b.right - 1, y2: b.top + b.height / 2};
}"""


def drag_select(page, exact: str, occurrence: int = 0) -> None:
    page.locator("[data-article-body]").get_by_text(exact[:20]).first.scroll_into_view_if_needed()
    rects = page.evaluate(FIND_RECTS, [exact, occurrence])
    page.mouse.move(rects["x1"], rects["y1"])
    page.mouse.down()
    page.mouse.move((rects["x1"] + rects["x2"]) / 2, (rects["y1"] + rects["y2"]) / 2, steps=4)
    page.mouse.move(rects["x2"], rects["y2"], steps=4)
    page.mouse.up()


def selected_text(page) -> str:
    return page.evaluate("window.getSelection().toString()")
