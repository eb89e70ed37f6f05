// Anchors TextQuote/TextPosition selectors the way the Hypothesis client does, for comparison.
//
// Reads {"text": "...", "cases": [{"exact", "prefix", "suffix", "start", "end"}]} as JSON on
// stdin (offsets in UTF-16 code units, as in JavaScript) and writes
// {"ms": <time spent anchoring>, "results": [[start, end] | null, ...]} on stdout.
//
// Our own reading of Hypothesis's approach, not its code: trust the position when the text
// there is still the quote; otherwise take every exact occurrence of the quote, or, if there
// is none, every approximate one with at most min(256, length / 2) errors (found with the
// approx-string-match package, Myers' algorithm), and keep the candidate with the best
// weighted score of quote similarity (50), prefix (20), suffix (20) and position (2).
import search from "approx-string-match";

const WEIGHTS = { quote: 50, prefix: 20, suffix: 20, position: 2 };

function candidates(text, quote) {
  const found = [];
  for (let at = text.indexOf(quote); at !== -1; at = text.indexOf(quote, at + 1)) {
    found.push({ start: at, end: at + quote.length, errors: 0 });
  }
  if (found.length > 0) return found;
  return search(text, quote, Math.min(256, Math.floor(quote.length / 2)));
}

// How well `expected` matches somewhere in `window`: 1 - fewest errors / its length.
function contextSimilarity(window, expected) {
  if (expected.length === 0 || window.length === 0) return 0;
  const matches = search(window, expected, expected.length);
  if (matches.length === 0) return 0;
  const fewest = Math.min(...matches.map((match) => match.errors));
  return 1 - fewest / expected.length;
}

function score(text, selector, match) {
  const { exact, prefix = "", suffix = "", start } = selector;
  const parts = {
    quote: 1 - match.errors / exact.length,
    prefix: prefix
      ? contextSimilarity(text.slice(Math.max(0, match.start - prefix.length), match.start), prefix)
      : 1,
    suffix: suffix ? contextSimilarity(text.slice(match.end, match.end + suffix.length), suffix) : 1,
    position: typeof start === "number" ? 1 - Math.abs(match.start - start) / text.length : 1,
  };
  let total = 0;
  let weights = 0;
  for (const [name, weight] of Object.entries(WEIGHTS)) {
    total += weight * parts[name];
    weights += weight;
  }
  return total / weights;
}

function anchor(text, selector) {
  const { exact, start, end } = selector;
  if (!exact) return null;
  if (typeof start === "number" && typeof end === "number" && text.slice(start, end) === exact) {
    return [start, end];
  }
  let best = null;
  let bestScore = -Infinity;
  for (const match of candidates(text, exact)) {
    const value = score(text, selector, match);
    if (value > bestScore) {
      best = match;
      bestScore = value;
    }
  }
  return best ? [best.start, best.end] : null;
}

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const { text, cases } = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const began = performance.now();
const results = cases.map((selector) => anchor(text, selector));
const ms = performance.now() - began;
process.stdout.write(JSON.stringify({ ms, results }));
