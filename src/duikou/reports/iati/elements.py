"""Small builders for IATI elements: narratives in Chinese, organisations, amounts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from lxml import etree

from .codes import LANGUAGE, XML_LANG

# XML 1.0 forbids most control characters; spreadsheet text sometimes carries them (_x000B_ …).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Party:
    """An organisation as IATI names it: identifier, OrganisationType code, name."""

    ref: str
    type: str | None
    name: str
    pk: int | None = None


def clean_text(value) -> str:
    return NOT_XML.sub("", str(value))


def narrative(parent, text, *, tag: str = "narrative") -> etree._Element:
    element = etree.SubElement(parent, tag)
    element.text = clean_text(text)
    element.set(XML_LANG, LANGUAGE)
    return element


def with_narrative(parent, tag: str, text, **attributes) -> etree._Element:
    element = etree.SubElement(parent, tag, {key: value for key, value in attributes.items() if value})
    narrative(element, text)
    return element


def org_element(parent, tag: str, party: Party, **attributes) -> etree._Element:
    attributes = {"ref": party.ref, **attributes}
    if party.type:
        attributes["type"] = party.type
    return with_narrative(parent, tag, party.name, **attributes)


def amount_text(value: Decimal) -> str:
    return format(value, "f")
