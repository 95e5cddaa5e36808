"""Small request helpers shared by the views."""


def parse_int(value: str | None) -> int:
    """An id or number from a request parameter; -1 (matches nothing) when it is not an integer."""
    try:
        return int(value or "")
    except (TypeError, ValueError):
        return -1
