"""Importing incident logs: BPO spreadsheets (CSV/XLSX), ServiceNow exports (one row per
incident or one row per update) and Jira CSV.

Read the table (``reader``), map headers to fields (``columns``), decide each date
column's format from the whole column (``dates``), map values (``values``), build a
plan with a per-row verdict (``plan``), then apply it in one transaction (``apply``).
"""
