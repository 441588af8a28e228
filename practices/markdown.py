"""Markdown to safe HTML: markdown-it-py renders, nh3 sanitises with an allow-list."""

import re
from collections.abc import Mapping
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

# "@amira-haddad", not "amira@example.org" nor "/@x": a handle starts after a non-word.
MENTION_PATTERN = re.compile(r"(?<![\w@./-])@([a-z0-9_][a-z0-9_-]{0,39})", re.IGNORECASE)

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
ALLOWED_CLASSES = {"a": {"mention"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}
# A table wider than a phone scrolls sideways in its own box rather than widening the page;
# tabindex lets keyboard users reach that box and scroll it (WCAG 2.1.1).
TABLE_SCROLL_OPEN = '<div class="table-scroll" tabindex="0">'


def mention_handle(match: re.Match) -> str:
    """The handle a MENTION_PATTERN match names, as stored: lower-case, no trailing dash."""
    return match.group(1).lower().rstrip("-")


def _link_mentions(state: StateCore) -> None:
    """@handles of members (env["mentions"]: handle -> profile URL) become links to their
    profiles, in plain text only: not in code, nor inside a link the writer made."""
    mentions: Mapping[str, str] = state.env.get("mentions") or {}
    if not mentions:
        return
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        in_link = 0
        for token in block.children:
            in_link += {"link_open": 1, "link_close": -1}.get(token.type, 0)
            if token.type != "text" or in_link or "@" not in token.content:
                children.append(token)
                continue
            text, start = token.content, 0
            for match in MENTION_PATTERN.finditer(text):
                url = mentions.get(mention_handle(match))
                if url is None:
                    continue
                if match.start() > start:
                    children.append(_text(text[start : match.start()]))
                link = Token("link_open", "a", 1, attrs={"href": url, "class": "mention"})
                children += [link, _text(match.group(0)), Token("link_close", "a", -1)]
                start = match.end()
            if start < len(text):
                children.append(_text(text[start:]))
        block.children = children


def _text(content: str) -> Token:
    return Token("text", "", 0, content=content)


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # html=False: raw HTML in the source is shown as text, never passed through.
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True}).enable(
        ["table", "strikethrough"]
    )
    parser.core.ruler.push("mentions", _link_mentions)
    return parser


def render_markdown(text: str, *, mentions: Mapping[str, str] | None = None) -> str:
    """Render member-written Markdown to HTML that is safe to put on a page as it is.
    `mentions`: the handles that name members, with the URL each links to."""
    if not text or not text.strip():
        return ""
    html = _parser().render(text, {"mentions": mentions or {}})
    safe = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="nofollow noopener ugc",
    )
    # After cleaning, "<table>" can only be a real table: text is escaped, attributes dropped.
    return safe.replace("<table>", TABLE_SCROLL_OPEN + "<table>").replace(
        "</table>", "</table></div>"
    )
