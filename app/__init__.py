"""Issue Ledger: a desktop ledger of technical issues for BPO operations."""

import os as _os

__version__ = "0.1.0"
APP_NAME = "Issue Ledger"

# numpy (under matplotlib) starts one OpenBLAS thread per core, and those threads spin while
# the dashboard imports and draws: 0.12 s of CPU taken from the GUI, SQL and drawing threads
# on a two-core machine. Nothing here does linear algebra large enough to gain from them.
_os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
