"""Reads: every query that fetches domain rows for a user goes through a module here (one per
domain). Callers import the module: `from reports.selectors import reports as report_selectors`."""
