"""Views by topic: the drafting editor and exports, the metrics library."""

from .editor import *  # noqa: F403
from .metrics import *  # noqa: F403
from .review import *  # noqa: F403
