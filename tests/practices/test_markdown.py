"""Markdown as members write it: rendered, cleaned with an allow-list, tables made scrollable."""

from practices.markdown import render_markdown

TABLE = "| School year | Tandems |\n|---|---:|\n| 2023/24 | 12 |\n| 2024/25 | 19 |\n"


def test_a_table_scrolls_in_a_box_that_the_keyboard_reaches():
    html = render_markdown(f"Results:\n\n{TABLE}")
    assert html.count('<div class="table-scroll" tabindex="0"><table>') == 1
    assert html.count("</table></div>") == 1
    assert '<td align="right">19</td>' in html or "<td>19</td>" in html


def test_written_html_cannot_forge_the_box_or_escape_it():
    html = render_markdown('<div class="table-scroll" tabindex="0"><table><tr><td>x</td></tr>')
    assert "<div" not in html and "<table" not in html
    assert "&lt;div" in html
    html = render_markdown("Text with `<table>` in code and <table> in prose.")
    assert "table-scroll" not in html
    assert "&lt;table&gt;" in html


def test_scripts_and_event_handlers_are_dropped():
    html = render_markdown(
        "<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>"
    )
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html


MEMBERS = {"amira-haddad": "/members/3/", "jonas-berg": "/members/4/"}


def test_a_members_handle_links_to_their_profile():
    html = render_markdown("Thanks @amira-haddad and **@Jonas-Berg**!", mentions=MEMBERS)
    assert (
        '<a href="/members/3/" class="mention" rel="nofollow noopener ugc">@amira-haddad</a>'
        in html
    )
    assert '<strong><a href="/members/4/" class="mention"' in html


def test_handles_in_code_in_links_in_addresses_or_of_nobody_stay_text():
    html = render_markdown(
        "`@amira-haddad` [ask @jonas-berg](https://example.org) amira@example.org @nobody",
        mentions=MEMBERS,
    )
    assert 'class="mention"' not in html
    assert "<code>@amira-haddad</code>" in html
    assert '<a href="https://example.org" rel="nofollow noopener ugc">ask @jonas-berg</a>' in html


def test_a_mention_next_to_markup_stays_escaped():
    html = render_markdown("@jonas-berg<script>alert(1)</script>", mentions=MEMBERS)
    assert html.startswith('<p><a href="/members/4/" class="mention"')
    assert "&lt;script&gt;" in html and "<script>" not in html


def test_without_members_to_link_nothing_changes():
    text = "Ask @amira-haddad."
    assert render_markdown(text) == "<p>Ask @amira-haddad.</p>\n"
