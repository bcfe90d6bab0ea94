"""Live collection: sources that follow files and folders, syslog listeners, and the loop that runs them.

No Qt here: ``issue-ledger watch`` and the window run the same ``runner.Runner``.

* ``runner``  - ``Runner(db, once=False).run()`` / ``.stop()``: every enabled source, one per database (lock).
* ``reader``  - a file or folder source: detect the format once, parse, store a batch per transaction.
* ``files``   - the follower: offsets, fingerprints, rotation, partial lines (no SQL, no parsing).
* ``network`` - a udp/tcp source: ``syslog_net.SyslogReceiver`` (``datagram`` parses, ``framing`` splits TCP
  streams), its messages queued and stored a batch a transaction like a file source's lines.
* ``hooks``   - ``register(fn)``: ``fn(db, import_id, first_event_id, last_event_id)`` after every batch.
* ``lock``    - ``CollectorLock`` on ``<db>.collector.lock``; ``CollectorBusy`` names the holder's pid.
* ``service`` - adding, listing, removing, enabling and disabling sources (CLI and window).
"""
