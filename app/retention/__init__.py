"""Retention: which events age out under which policy, archived to verifiable files before they are purged.

No Qt here: the CLI, ``watch`` and the window's worker call the same functions.
"""
