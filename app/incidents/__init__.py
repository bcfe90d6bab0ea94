"""Incident services: the writes (create, edit, move, link, delete) and the policies they follow, without Qt.

Below the importers, the CLI and the GUI, which all call it; above the analysis and the store.
"""
