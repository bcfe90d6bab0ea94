"""Exports for auditors: Excel workbooks and CSV files."""
