"""Importing technical logs: sources, encodings, format detection, parsing and loading.

``app.ingest.service`` is the entry point the CLI and the GUI share.
"""
