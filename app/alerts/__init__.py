"""Alert rules and their firings, without Qt (issue 17, item 4).

A rule (``app.domain.alerts.Rule``) is a saved filter, optionally a mined pattern,
with a condition (count in a sliding window, rate spike, new pattern, heartbeat),
a severity, a cooldown per host and actions. Entry points:

- ``app.alerts.rules``: ``add``, ``remove``, ``set_enabled``, ``get`` (audited).
- ``app.alerts.engine``: ``evaluate_range(db, first_id, last_id)`` after each committed
  batch of a collector, ``evaluate_import`` (the import service runs it), ``tick(db, now)``
  for heartbeats, ``replay(db, rule, since, until)`` for ``rules test``.
- ``app.store.alerts``: ``list_rules`` and ``firings(db, after_id=...)`` for the window.

For the window (built later): a Firings page lists ``firings`` (rule, time, count,
host, action, incident); tray notifications show firings with ``notify`` set that are
newer than the last id shown (``firings(db, after_id=last)``), polled like other pages
refresh. A Rules page edits through ``app.alerts.rules``. Run these through the
window's DbOp workers: they read and write SQLite.
"""
