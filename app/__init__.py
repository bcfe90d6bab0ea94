"""Issue Ledger: a desktop ledger of technical issues for BPO operations."""

__version__ = "0.1.0"
APP_NAME = "Issue Ledger"
