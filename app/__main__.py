"""``python -m app`` does what the ``issue-ledger`` console script does."""

from app.cli.main import main

if __name__ == "__main__":
    main()
