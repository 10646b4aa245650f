"""Outgoing mail from template files an administrator can override.

Each mail is three files in ``replies/mail/<language>/``: ``<name>.subject.txt``,
``<name>.txt`` (plain text, rendered without HTML escaping) and ``<name>.html``. A file of
the same path in ``$SUPPORTDESK_TEMPLATE_DIR`` wins over the shipped one. A language
without its own files falls back to Russian, the default.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template

DEFAULT_LANGUAGE = "ru"
LANGUAGES = ("ru", "en")


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str
    language: str


# Those who write these read Russian more readily than English.
_READ_RUSSIAN = ("uk", "be", "kk")


def mail_language(language: str | None) -> str:
    """The language we write to a customer who writes ``language``: that one when we have mail
    in it; Russian for a writer of Ukrainian, Belarusian or Kazakh and when it is not known
    (no text to judge); English for everyone else (a German or a Japanese reads no Russian)."""
    code = (language or "").lower()[:2]
    if code in LANGUAGES:
        return code
    return DEFAULT_LANGUAGE if not code or code in _READ_RUSSIAN else "en"


def _template(name: str, language: str) -> Any:
    try:
        return get_template(f"replies/mail/{language}/{name}")
    except TemplateDoesNotExist:
        if language == DEFAULT_LANGUAGE:
            raise
        return get_template(f"replies/mail/{DEFAULT_LANGUAGE}/{name}")


def preload() -> None:
    """Compile every mail template now, for a process that forks workers: they share the
    compiled templates instead of each compiling them on its first mail."""
    from django.conf import settings

    for language, _name in settings.LANGUAGES:
        folder = Path(__file__).resolve().parent / "templates" / "replies" / "mail" / language
        for path in sorted(folder.glob("*.*")):
            _template(path.name, language)


def _render_plain(name: str, language: str, context: dict[str, Any]) -> str:
    # The backend wrapper escapes HTML; plain text must not be escaped.
    return str(_template(name, language).template.render(Context(context, autoescape=False)))


def render_mail(name: str, *, language: str, context: dict[str, Any]) -> RenderedMail:
    lang = mail_language(language)
    ctx = {**context, "language": lang}
    subject = " ".join(_render_plain(f"{name}.subject.txt", lang, ctx).split())
    text = _render_plain(f"{name}.txt", lang, ctx).strip() + "\n"
    html = str(_template(f"{name}.html", lang).render(ctx))
    return RenderedMail(subject=subject, text=_tidy(text), html=html, language=lang)


def _tidy(text: str) -> str:
    """Template tags leave blank runs; keep at most one empty line between paragraphs."""
    lines = [line.rstrip() for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if line == "" and out and out[-1] == "":
            continue
        out.append(line)
    return "\n".join(out).strip() + "\n"
