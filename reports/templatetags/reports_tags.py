from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def plain(value) -> str:
    """A Decimal as typed: no exponent, no trailing zeros, no grouping ("" for None)."""
    if value is None or value == "":
        return ""
    number = Decimal(value).normalize()
    return format(number, "f")
