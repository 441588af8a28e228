"""Markdown to safe HTML: markdown-it-py renders, nh3 sanitises with an allow-list."""

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "strong",
    "em",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "h4",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}
# A table wider than a phone scrolls sideways in its own box rather than widening the page;
# tabindex lets keyboard users reach that box and scroll it (WCAG 2.1.1).
TABLE_SCROLL_OPEN = '<div class="table-scroll" tabindex="0">'


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # html=False: raw HTML in the source is shown as text, never passed through.
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True}).enable(
        ["table", "strikethrough"]
    )


def render_markdown(text: str) -> str:
    """Render member-written Markdown to HTML that is safe to put on a page as it is."""
    if not text or not text.strip():
        return ""
    html = _parser().render(text)
    safe = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="nofollow noopener ugc",
    )
    # After cleaning, "<table>" can only be a real table: text is escaped, attributes dropped.
    return safe.replace("<table>", TABLE_SCROLL_OPEN + "<table>").replace(
        "</table>", "</table></div>"
    )
