"""Helpers shared by several handlers, so no handler borrows from another.

- ``quoting``: which ticket a quoted message is about (claims, ratings, withdrawals,
  duplicates).
- ``figures``: figures and durations as staff read them (统计, scheduled reports).
"""
