"""The two custom vocabularies (99) the export uses, and where they are published."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from lxml import etree

from duikou.geo.models import Division
from duikou.programmes.models import Category, Programme

from .codes import LANGUAGE, XML_LANG
from .elements import clean_text, with_narrative


def vocabulary_uris(programme: Programme, base_url: str = "") -> dict[str, str]:
    """Where the two custom vocabularies (99) are published: divisions and the programme's categories."""
    base = (settings.PUBLIC_URL or base_url).rstrip("/")
    return {
        "divisions": base + reverse("reports:iati_divisions"),
        "categories": base + reverse("reports:iati_categories", args=[programme.code]),
    }


def codelist(name: str, title: str, items: list[tuple[str, str, str | None]], url: str) -> bytes:
    """A custom vocabulary in the IATI codelist format: (code, name, category code) per item."""
    root = etree.Element("codelist", {"name": name, XML_LANG: LANGUAGE, "complete": "1"})
    metadata = etree.SubElement(root, "metadata")
    with_narrative(metadata, "name", title)
    etree.SubElement(metadata, "url").text = url
    entries = etree.SubElement(root, "codelist-items")
    for code, item_name, category in items:
        item = etree.SubElement(entries, "codelist-item")
        etree.SubElement(item, "code").text = clean_text(code)
        with_narrative(item, "name", item_name)
        if category:
            etree.SubElement(item, "category").text = clean_text(category)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def division_codelist(url: str) -> bytes:
    """Every division by its code (GB/T 2260, or the platform's own key for XPCC units without one)."""
    divisions = Division.objects.select_related("parent").order_by("code")
    items = [(d.code, d.full_name, d.parent.code if d.parent else None) for d in divisions]
    return codelist("DuikouDivision", "对口支援受援地行政区划（GB/T 2260 及兵团自编代码）", items, url)


def category_codelist(programme: Programme, url: str) -> bytes:
    items = [(c.code, c.name, None) for c in Category.objects.filter(programme=programme)]
    return codelist(f"DuikouCategory-{programme.code}", f"{programme.name}项目类别", items, url)
