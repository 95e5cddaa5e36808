"""Writes: every change to domain rows goes through a function here (one module per domain)."""

from .exports import *  # noqa: F403
from .metrics import *  # noqa: F403
from .reports import *  # noqa: F403
from .reports import MAX_TEXT, REPORT_FIELDS  # noqa: F401
