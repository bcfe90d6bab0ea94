"""The frozen build's entry point: the same ``issue-ledger`` command as the console script."""

import sys

from app.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
