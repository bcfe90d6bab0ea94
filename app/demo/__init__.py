"""Realistic, deterministic demo data for trying the app and for benchmarks."""
