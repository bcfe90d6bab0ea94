"""Lazy table models over SQL: keyset pages, a small row cache, counts in the background."""
