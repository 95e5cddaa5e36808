"""Writes: every change to domain rows goes through a function here (one module per domain)."""

from .audit import *  # noqa: F403
from .exports import *  # noqa: F403
from .metrics import *  # noqa: F403
from .reports import *  # noqa: F403
from .reports import MAX_TEXT, REPORT_FIELD_PARTS, REPORT_FIELDS  # noqa: F401
from .workflow import *  # noqa: F403
