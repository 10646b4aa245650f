"""Article bodies: Markdown rendered to HTML, then sanitised (supervisors write it,
but an imported vendor FAQ is not trusted HTML)."""

from __future__ import annotations

import html

import markdown
import nh3

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "code", "pre",
    "blockquote", "a", "img", "table", "thead", "tbody", "tr", "th", "td", "kbd",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}}


def render_markdown(body: str) -> str:
    """Safe HTML for an article body."""
    raw = markdown.markdown(body, extensions=["tables", "fenced_code", "sane_lists"], output_format="html")
    return nh3.clean(raw, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, link_rel="noopener nofollow",
                     url_schemes={"http", "https", "mailto"})


def markdown_to_text(body: str) -> str:
    """The words of an article body without markup (for the index and snippets)."""
    cleaned = nh3.clean(render_markdown(body).replace("</p>", "</p>\n").replace("</li>", "</li>\n"), tags=set())
    return html.unescape(cleaned).strip()
