"""Parts of a page kept for every reader of one kind: `{% load pages %}`.

    {% shared block %}
      … the same for every reader of this kind …
      {% per_reader %}… this reader's own (their follow box) …{% endper_reader %}
    {% endshared %}

`block` is a practices.fragments.SharedBlock: the HTML kept for this kind of reader, or how
to keep what is rendered now (the view's selector decides the key and whether the reader
may share it; practices/selectors/pages.py). The shared part is rendered with stand-ins for
the CSRF token and the reader's id, and a mark where each per_reader part goes; on every
request only the per_reader parts are rendered, and put in with the reader's own token and
id. A per_reader part therefore uses only what the view passed to the template (nothing set
by a {% with %} or a loop inside the shared part), and does not sit in a loop. Where the
reader's path is needed in a loop (a form's `next`), `{% reader_path %}` puts a stand-in there
instead, which is filled in like the token.
"""

from __future__ import annotations

import re

from django import template
from django.utils.safestring import SafeString

from practices.fragments import CSRF_STAND_IN, PATH_STAND_IN, SharedBlock, fill_in

register = template.Library()

_MARKING = "_shared_marking"
_MARK = "per0reader0part0{}0e5d2"
# A block kept before the template changed may hold a mark no part answers now.
_STALE_MARK = re.compile(r"per0reader0part0\d+0e5d2")


class PerReaderNode(template.Node):
    index = 0

    def __init__(self, nodelist: template.NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        if context.get(_MARKING):
            return _MARK.format(self.index)
        return self.nodelist.render(context)


class SharedNode(template.Node):
    def __init__(self, block: template.base.FilterExpression, nodelist: template.NodeList):
        self.block = block
        self.nodelist = nodelist
        self.parts = nodelist.get_nodes_by_type(PerReaderNode)
        for index, part in enumerate(self.parts):
            part.index = index

    def render(self, context: template.Context) -> SafeString:
        block = self.block.resolve(context)
        if not isinstance(block, SharedBlock):
            block = SharedBlock()
        html = block.html
        if html is None:
            with context.push({_MARKING: True, "csrf_token": CSRF_STAND_IN}):
                html = self.nodelist.render(context)
            if block.keep is not None:
                block.keep(html)
        for part in self.parts:
            mark = _MARK.format(part.index)
            if mark in html:
                html = html.replace(mark, part.nodelist.render(context))
        if "per0reader0part0" in html:
            html = _STALE_MARK.sub("", html)
        return fill_in(html, request=getattr(context, "request", None))


@register.simple_tag(takes_context=True)
def reader_path(context: template.Context) -> str:
    """The path of this request (a form's `next`), or its stand-in inside a shared part."""
    if context.get(_MARKING):
        return PATH_STAND_IN
    request = getattr(context, "request", None)
    return request.get_full_path() if request is not None else ""


@register.tag
def shared(parser: template.base.Parser, token: template.base.Token) -> SharedNode:
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("{% shared %} takes one argument, the SharedBlock.")
    nodelist = parser.parse(("endshared",))
    parser.delete_first_token()
    return SharedNode(parser.compile_filter(bits[1]), nodelist)


@register.tag
def per_reader(parser: template.base.Parser, token: template.base.Token) -> PerReaderNode:
    nodelist = parser.parse(("endper_reader",))
    parser.delete_first_token()
    return PerReaderNode(nodelist)
