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


@register.filter
def with_pk(pattern: str, pk) -> str:
    """A URL reversed once per page with pk 0 ("/blocks/0/save/"), for object `pk`: one string
    replace instead of a {% url %} per block (selectors.editor.editor_urls)."""
    return pattern.replace("/0/", f"/{pk}/", 1)
