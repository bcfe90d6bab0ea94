"""Log templates ("patterns"): every event's message shape, mined with drain3 and kept in the database.

No Qt and no SQL here: the SQL is in ``app.store.patterns``; the import and the CLI call ``mine``.
"""
