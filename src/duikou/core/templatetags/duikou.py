"""Template filters for Chinese number conventions: 万元 / 亿元 with 千分位, percentages."""

from decimal import Decimal

from django import template

from duikou.core.money import format_amount

register = template.Library()


@register.filter
def money(value, unit="auto"):
    """Yuan → "1,234.56万元" or "159.62亿元" (auto picks 亿元 from one 亿 up)."""
    return format_amount(value, unit)


@register.filter
def percent(value, places=1):
    """A fraction 0–1 → "80.0%"; None → "—"."""
    if value is None or value == "":
        return "—"
    return f"{Decimal(value) * 100:.{int(places)}f}%"


@register.filter
def thousands(value):
    """12345 → "12,345"."""
    if value is None:
        return "—"
    return f"{int(value):,}"


@register.filter
def normalize(value):
    """A measured value without trailing zeros: Decimal("12.5000") → "12.5", Decimal("300.0000") → "300"."""
    if value is None:
        return "—"
    value = Decimal(value).normalize()
    return f"{value:,f}"
