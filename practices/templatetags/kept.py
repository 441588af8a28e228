"""`{% kept fragment %}…{% endkept %}`: a part of a page kept in the cache (`{% load kept %}`).

`fragment` is a practices.caching.fragments.Kept (a Fragment kept in the cache under the
page's stamp, or a ProcessPart kept in the process), or None for a reader who gets the part
rendered for them alone. The part is printed from the cache if it was there; otherwise it is
rendered and kept. It is rendered without a CSRF token (a form inside it gets none) and must
show nothing that is one reader's own: what is, goes outside the block. Like Django's
`{% cache %}`, with the key, the stamp and the reader's kind decided by the page assembly
(practices/pages.py) and every fragment of a page read in one round trip.
"""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from practices.caching.fragments import Kept

register = template.Library()


class KeptNode(template.Node):
    def __init__(self, fragment: template.base.FilterExpression, nodelist: template.NodeList):
        self.fragment = fragment
        self.nodelist = nodelist

    def render(self, context: template.Context) -> SafeString | str:
        fragment = self.fragment.resolve(context)
        if not isinstance(fragment, Kept):
            return self.nodelist.render(context)
        if fragment.html is None:
            with context.push(csrf_token=""):
                fragment.html = self.nodelist.render(context)
            fragment.keep(fragment.html)
        # The template engine's own output, escaped when it was rendered.
        return mark_safe(fragment.html)  # noqa: S308


@register.tag
def kept(parser: template.base.Parser, token: template.base.Token) -> KeptNode:
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("{% kept %} takes one argument, the fragment.")
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptNode(parser.compile_filter(bits[1]), nodelist)
