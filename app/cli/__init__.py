"""The ``issue-ledger`` command line; the same services the GUI calls."""
