"""Every Russian catalogue is complete and its compiled .mo matches the .po it came from."""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1]
CATALOGUES = sorted(PACKAGE.rglob("locale/ru/LC_MESSAGES/django.po"))


def read_po(path: Path) -> dict[tuple[str | None, str], list[str]]:
    """(msgctxt, msgid) -> msgstr forms; enough of the PO format for what makemessages writes."""
    entries: dict[tuple[str | None, str], list[str]] = {}
    current: dict[str, str] = {}
    field = ""

    def flush() -> None:
        if "msgid" in current and current["msgid"] and "#fuzzy" not in current:
            forms = [v for k, v in sorted(current.items()) if k.startswith("msgstr")]
            entries[(current.get("msgctxt"), current["msgid"])] = forms
        current.clear()

    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#,") and "fuzzy" in line:
            current["#fuzzy"] = "1"
        elif line.startswith("#") or not line.strip():
            if line.strip() == "" and current:
                flush()
            continue
        elif line.startswith('"'):
            current[field] += ast.literal_eval(line)
        else:
            field, _, value = line.partition(" ")
            if field == "msgctxt" and "msgid" in current:
                flush()
            current[field] = ast.literal_eval(value)
    flush()
    return entries


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_catalogue_is_translated_and_compiled(po: Path) -> None:
    entries = read_po(po)
    assert entries, "empty catalogue"
    untranslated = [key for key, forms in entries.items() if not all(forms)]
    assert not untranslated, f"untranslated: {untranslated[:5]}"
    with po.with_suffix(".mo").open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    for (context, msgid), forms in entries.items():
        if len(forms) > 1:
            continue
        got = compiled.pgettext(context, msgid) if context else compiled.gettext(msgid)
        assert got == forms[0], f"{po.with_suffix('.mo')} is stale for {msgid!r}: run compilemessages"
