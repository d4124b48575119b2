"""What a person reads on a page, and the enum codes that must never be part of it."""

from __future__ import annotations

import importlib
import inspect
import re
from html.parser import HTMLParser

from django.db import models
from django.utils import translation

CHOICE_MODULES = ("core.choices", "employers.choices", "matching.choices", "placements.choices")
# Attributes a person reads (or hears from a screen reader); other attribute values are not text.
READ_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
# Not read as prose: scripts and styles, and <code> (a column name or code shown on purpose, e.g. the
# import's accepted column names next to their Swedish labels).
SKIPPED = ("script", "style", "template", "code")


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED:
            self._skip += 1
        self.parts.extend(v for k, v in attrs if k in READ_ATTRIBUTES and v)

    def handle_endtag(self, tag):
        if tag in SKIPPED and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def _catalogue_words(language: str) -> set[str]:
    """Every word of the UI's own translated text: a code that is also such a word (e.g. "studier")
    cannot be told from prose, so it is not checked."""
    from django.utils.translation import trans_real

    catalog = trans_real.translation(language)._catalog
    return {
        w.lower()
        for _key, text in catalog.items()
        if isinstance(text, str)
        for w in re.findall(r"\w+", text)
    }


def enum_codes(language: str = "sv") -> dict[str, str]:
    """code → its label, for every choice whose code a reader would not take for its label."""
    codes: dict[str, str] = {}
    words = _catalogue_words(language)
    with translation.override(language):
        for name in CHOICE_MODULES:
            for _, cls in inspect.getmembers(importlib.import_module(name), inspect.isclass):
                if not issubclass(cls, models.TextChoices) or cls is models.TextChoices:
                    continue
                for value, label in cls.choices:
                    label = str(label)
                    if (
                        len(value) >= 2
                        and value.lower() not in label.lower()
                        and value.lower() not in words
                    ):
                        codes[value] = label
    return codes


def raw_codes_in(html: str, codes: dict[str, str]) -> set[str]:
    text = visible_text(html)
    words = set(re.findall(r"(?<![\w/.-])[a-z][a-z0-9_]*(?![\w/.-])", text))
    return {code for code in codes if code in words}
