"""The fault campaign's shared parts: running the CLI under kills, the checks after each step, hostile text."""
