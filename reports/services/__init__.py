"""Writes: every change to domain rows goes through a function here, one module per domain.
Callers import the module: `from reports.services import reports as report_services`."""
