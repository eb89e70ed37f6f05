"""The reader page: its composition, its per-viewer cache, the `<mark>`s in the article body,
and the layers that contribute to it (see `layers`). Knows `text`; knows no app."""
