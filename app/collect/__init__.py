"""Live collection: receiving and following logs as they are written (no Qt)."""
