"""Your reading: a per-reader reading list (saved, reading, archived) with read progress,
the library's tabs and cards, and top highlights."""
