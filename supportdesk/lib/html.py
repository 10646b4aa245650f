"""HTML from the outside world: sanitising for display and conversion to readable text."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import nh3

# Formatting that survives sanitising; no style/class (CSS can overlay or hide UI),
# no forms, no frames, no scripts.  Images may point at cid: parts of the same mail.
_ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "div", "dl",
    "dt", "em", "font", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins",
    "kbd", "li", "ol", "p", "pre", "q", "s", "small", "span", "strike", "strong", "sub",
    "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "tt", "u", "ul",
}
_ALLOWED_ATTRIBUTES = {
    # On every tag: the writing direction (Arabic or Hebrew mail reads right to left; Gmail
    # writes dir="ltr" on its every div) and the language (which glyphs CJK text takes).
    "*": {"dir", "lang"},
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan", "align", "valign"},
    "th": {"colspan", "rowspan", "align", "valign"},
    "blockquote": {"type", "cite"},
    "font": {"color"},
    "ol": {"start"},
}
_URL_SCHEMES = {"http", "https", "mailto", "tel", "cid"}


def sanitize_html(html: str) -> str:
    """Safe HTML for showing a mail to agents: no scripts, handlers, styles or unsafe URLs."""
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


_BLOCK = frozenset({
    "address", "article", "aside", "blockquote", "center", "dd", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
    "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table",
    "tbody", "tfoot", "thead", "tr", "ul",
})
# Blocks that end a paragraph (a blank line); other blocks only end a line.
_PARAGRAPH = frozenset({"p", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
                        "ol", "pre", "table", "ul"})
_SKIP = frozenset({"script", "style", "head", "title", "noscript", "template", "xml", "object"})
_WS = re.compile(r"[ \t\r\n\f\u200b]+")
_MANY_BLANK = re.compile(r"\n{3,}")


class _TextExtractor(HTMLParser):
    """Collects readable text: blocks become lines, blockquotes become '> ' lines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.skip = 0
        self.pre = 0
        self.quote = 0
        self.list_depth = 0

    def _flush(self, gap: bool = False) -> None:
        text = "".join(self.current)
        if not self.pre:
            text = _WS.sub(" ", text).strip()
        self.current = []
        prefix = "> " * self.quote
        if text:
            for line in text.split("\n"):
                self.lines.append((prefix + line).rstrip() if prefix else line)
        if gap and self.lines and self.lines[-1] != "":
            self.lines.append("")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip += 1
        elif tag == "br":
            self._line_break()
        elif tag in _BLOCK:
            self._flush(tag in _PARAGRAPH)
            if tag == "blockquote":
                self.quote += 1
            elif tag == "pre":
                self.pre += 1
            elif tag == "li":
                self.current.append("- ")
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt and not self.skip:
                self.current.append(f" [{alt}] ")
        elif tag in ("td", "th") and self.current and not self.current[-1].endswith(" "):
            self.current.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self._line_break()
        elif tag in _BLOCK:
            self._flush()
        elif tag == "img":
            self.handle_starttag(tag, attrs)

    def _line_break(self) -> None:
        text = "".join(self.current)
        if not self.pre:
            text = _WS.sub(" ", text).strip()
        self.current = []
        prefix = "> " * self.quote
        self.lines.append((prefix + text).rstrip() if prefix else text)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK:
            self._flush(tag in _PARAGRAPH)
            if tag == "blockquote":
                self.quote = max(0, self.quote - 1)
            elif tag == "pre":
                self.pre = max(0, self.pre - 1)

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.current.append(data)

    def text(self) -> str:
        self._flush()
        joined = "\n".join(line.replace("\u00a0", " ").rstrip() for line in self.lines)
        return _MANY_BLANK.sub("\n\n", joined).strip("\n")


def html_to_text(html: str) -> str:
    """Readable plain text of an HTML document (Outlook, webmail, phone clients)."""
    parser = _TextExtractor()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError, IndexError):
        # HTMLParser can choke on malformed declarations; keep what was read.
        pass
    return parser.text()
