import io
import re

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from practices.models import Practice, PracticeRevision, Status, TargetGroup
from practices.selectors.comments import thread_for
from practices.services.practices import practice_update_search_vector

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _publish_directly(settings):
    """These tests are about publishing itself; a new member's first practice waiting for
    approval (PRACTICE_APPROVAL_FIRST) is tested in test_moderation_approval.py."""
    settings.PRACTICE_APPROVAL_FIRST = False


def png_bytes(size=(8, 8), fmt="PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, format=fmt)
    return buffer.getvalue()


def form_data(**overrides) -> dict:
    groups = list(
        TargetGroup.objects.filter(slug__in=["parents", "refugees"]).values_list("pk", flat=True)
    )
    data = {
        "title": "Language cafe for parents",
        "summary": "Parents of newly arrived pupils meet every week at school.",
        "challenge": "Parents did not know the school system.",
        "description": "We **met** every Friday with interpreters.",
        "results": "- 40 families came\n- 12 joined the parents' council",
        "resources": "",
        "difficulties": "",
        "transfer_tips": "Start small.",
        "country": "DE",
        "city": "Hamburg",
        "organisation": "Stadtteilschule Nord",
        "organisation_type": "school",
        "target_groups": groups,
        "area": "language",
        "started_on": "2023-01-10",
        "ended_on": "",
        "still_running": "on",
        "stage": "running",
        "language": "en",
        "tags": "Language learning, parents",
        "links": "https://example.org/cafe\nhttp://example.com/report.pdf",
        "action": "draft",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def errors_of(response, field: str) -> list[str]:
    return list(response.context["form"].errors.get(field, []))


# --- The list ------------------------------------------------------------------------------


def test_list_shows_visible_practices_with_their_details(client, practice_factory):
    p = practice_factory(
        title="Mentoring for young refugees",
        summary="Volunteers mentor young refugees.",
        city="Lyon",
        country="FR",
        organisation="Forum Réfugiés",
        area="employment",
        stage="pilot",
        comment_count=3,
        validated_at=timezone.now(),
        tags=["mentoring"],
    )
    practice_factory(title="Secret draft", status=Status.DRAFT, published_at=None)
    practice_factory(title="Hidden one", hidden_at=timezone.now())
    response = client.get("/practices/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{p.get_absolute_url()}"' in html
    for text in ("Mentoring for young refugees", "Volunteers mentor young refugees.", "Lyon, France",
                 "Forum Réfugiés", "Employment", "Pilot", "3 comments", "Validated",
                 'href="/tags/mentoring/"', "1 practice"):  # fmt: skip
        assert text in html, text
    assert "Secret draft" not in html
    assert "Hidden one" not in html
    assert html.count("<h1") == 1


def test_list_searches_and_filters_from_the_query_string(client, practice_factory):
    for practice in (
        practice_factory(title="Homework club", country="DE", area="education"),
        practice_factory(title="Homework help online", country="FR", area="education"),
        practice_factory(title="Job fair", country="FR", area="employment"),
    ):
        practice_update_search_vector(practice_id=practice.pk)
    html = client.get("/practices/?q=homework&country=FR").content.decode()
    assert "Homework help online" in html
    assert "Homework club" not in html and "Job fair" not in html
    assert "matching “homework”" in html
    assert "Country: France" in html


def test_list_filter_options_show_their_counts(client, practice_factory):
    practice_factory(country="DE", area="education")
    practice_factory(country="DE", area="language")
    practice_factory(country="FR", area="language")
    html = client.get("/practices/?area=language").content.decode()
    assert re.search(r'<option value="DE">Germany \(1\)</option>', html)
    assert re.search(r'<option value="language" selected>Language \(2\)</option>', html)
    assert re.search(r'<option value="education">Education \(1\)</option>', html)
    assert '<label for="id_country">Country</label>' in html


def test_list_bad_filter_values_give_a_message_not_an_error(client, practice_factory):
    practice_factory(title="Still listed")
    for query in ("?area=%3Cscript%3E", "?country=ZZ", "?sort=sideways", "?tag=%20%20bad%20slug!",
                  "?q=caf%00e", "?page=%C2%B2", "?page=-3", "?tag=a%00b",
                  "?q=" + "x" * 500, "?page=abc", "?target_group=nobody"):  # fmt: skip
        response = client.get("/practices/" + query)
        assert response.status_code == 200, query
    html = client.get("/practices/?area=%3Cscript%3E").content.decode()
    assert "Some filters could not be used" in html
    assert "<script>" not in html
    assert "Still listed" in html


def test_list_pages_keep_the_filters(client, practice_factory, settings):
    settings.PRACTICES_PER_PAGE = 2
    for i in range(5):
        practice_factory(title=f"German practice {i}", country="DE")
    practice_factory(title="French practice", country="FR")
    html = client.get("/practices/?country=DE&sort=newest").content.decode()
    assert 'href="?country=DE&amp;sort=newest&amp;page=2"' in html
    assert 'href="?country=DE&amp;sort=newest&amp;page=3"' in html
    page3 = client.get("/practices/?country=DE&sort=newest&page=3")
    assert page3.status_code == 200
    assert "German practice 0" in page3.content.decode()
    assert "French practice" not in page3.content.decode()
    assert client.get("/practices/?country=DE&page=4").status_code == 404
    assert client.get("/practices/?page=999999999999999999999999").status_code == 404


def test_list_says_more_than_the_cap(client, practice_factory, settings):
    settings.PRACTICE_COUNT_CAP = 3
    for _ in range(5):
        practice_factory()
    html = client.get("/practices/").content.decode()
    assert "More than 3 practices" in html


def test_list_costs_the_same_queries_at_two_sizes(
    client, practice_factory, member, django_assert_num_queries
):
    groups = list(TargetGroup.objects.all()[:3])

    def add(n: int) -> None:
        for i in range(n):
            p = practice_factory(author=member, country=["DE", "FR"][i % 2], tags=[f"t{i}", "x"])
            p.target_groups.set(groups[: i % 3 + 1])
            practice_update_search_vector(practice_id=p.pk)

    add(3)
    # Target groups, capped count, seven facets, the page's rows, their tags.
    with django_assert_num_queries(11):
        assert client.get("/practices/?q=practice&country=DE").status_code == 200
    cache.clear()
    add(40)
    with django_assert_num_queries(11):
        response = client.get("/practices/?q=practice&country=DE")
    assert response.context["listing"].page.count == 22
    cache.clear()
    with django_assert_num_queries(11):
        assert client.get("/practices/?sort=discussed&page=2").status_code == 200


# --- One practice --------------------------------------------------------------------------


def test_detail_shows_every_field(client, practice_factory, member):
    p = practice_factory(
        author=member,
        title="Interpreters at parent evenings",
        summary="Schools book interpreters.",
        challenge="Parents could not follow.",
        description="We booked **interpreters**.",
        results="Attendance doubled.",
        resources="City budget.",
        difficulties="Rare languages.",
        transfer_tips="Book early.",
        rendered={
            "challenge": "<p>Parents could not follow.</p>",
            "description": "<p>We booked <strong>interpreters</strong>.</p>",
            "results": "<p>Attendance doubled.</p>",
            "resources": "<p>City budget.</p>",
            "difficulties": "<p>Rare languages.</p>",
            "transfer_tips": "<p>Book early.</p>",
        },
        city="Vienna",
        country="AT",
        organisation="Volksschule 3",
        organisation_type="school",
        area="education",
        stage="evaluated",
        still_running=True,
        started_on="2022-09-01",
        links=["https://example.org/report"],
        validated_at=timezone.now(),
        tags=["parents", "interpreting"],
    )
    p.target_groups.set(TargetGroup.objects.filter(slug="parents"))
    response = client.get(p.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "<h1 id=\"practice-title\" lang=\"en\">Interpreters at parent evenings</h1>", "Schools book interpreters.",
        "The challenge it answers", "Parents could not follow.",
        "<strong>interpreters</strong>", "Attendance doubled.", "City budget.", "Rare languages.",
        "Book early.", "Vienna, Austria", "Volksschule 3", "School", "Education", "Evaluated",
        "Migrant parents", "From September 2022, still running", 'href="https://example.org/report"',
        'href="/tags/interpreting/"', "Validated", f'href="{member.get_absolute_url()}"',
        "Amira Haddad", "Teacher or school staff", f'data-practice-id="{p.pk}"',
    ):  # fmt: skip
        assert text in html, text
    assert f"/practices/{p.pk}/edit/" not in html
    assert html.count("<h1") == 1
    assert "Discussion" in html  # the thread partial


def test_detail_redirects_wrong_or_missing_slug_permanently(client, practice_factory):
    p = practice_factory(title="Welcome classes")
    for url in (f"/practices/{p.pk}/", f"/practices/{p.pk}/wrong-slug/"):
        response = client.get(url)
        assert response.status_code == 301
        assert response["Location"] == f"/practices/{p.pk}/welcome-classes/"
    assert client.get(f"/practices/{p.pk}/welcome-classes/").status_code == 200


def test_detail_404s_for_missing_and_other_members_drafts(
    client, client_for, practice_factory, member, other_member
):
    draft = practice_factory(author=member, status=Status.DRAFT, published_at=None)
    assert client.get("/practices/999999/anything/").status_code == 404
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(f"/practices/{draft.pk}/").status_code == 404
    assert client_for(other_member).get(draft.get_absolute_url()).status_code == 404


def test_author_sees_draft_notice_and_controls(client_for, practice_factory, member):
    draft = practice_factory(author=member, status=Status.DRAFT, published_at=None)
    html = client_for(member).get(draft.get_absolute_url()).content.decode()
    assert "Only the author and the moderators can see this practice" in html
    assert f'action="/practices/{draft.pk}/publish/"' in html
    assert f'href="/practices/{draft.pk}/edit/"' in html
    assert f'href="/practices/{draft.pk}/revisions/"' in html
    assert "csrfmiddlewaretoken" in html


def test_moderator_sees_hidden_practice_with_notice_and_edit_controls(
    client_for, practice_factory, moderator
):
    hidden = practice_factory(hidden_at=timezone.now())
    html = client_for(moderator).get(hidden.get_absolute_url()).content.decode()
    assert "A moderator hid this practice" in html
    assert f'href="/practices/{hidden.pk}/edit/"' in html
    assert f'action="/practices/{hidden.pk}/publish/"' not in html


def test_other_members_get_no_controls(client_for, practice_factory, other_member):
    p = practice_factory()
    html = client_for(other_member).get(p.get_absolute_url()).content.decode()
    assert f"/practices/{p.pk}/edit/" not in html
    assert f"/practices/{p.pk}/revisions/" not in html


def test_detail_escapes_what_members_typed(client, practice_factory, user_factory):
    author = user_factory(display_name="<b>Eve</b>", organisation="<i>Org</i>")
    p = practice_factory(
        author=author,
        title="<script>alert('t')</script>",
        slug="evil",
        summary="<img src=x onerror=alert(1)>",
        city="<script>c</script>",
        organisation="<em>o</em>",
        tags=["<script>tag</script>"],
    )
    html = client.get(p.get_absolute_url(), follow=True).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt;" in html
    assert "<img src=x" not in html
    assert "<b>Eve</b>" not in html and "&lt;b&gt;Eve&lt;/b&gt;" in html
    assert "<script>c" not in html and "<em>o</em>" not in html
    assert "<script>tag" not in html


def test_detail_costs_the_same_queries_with_few_or_many_tags(
    client, practice_factory, django_assert_num_queries
):
    few = practice_factory(tags=["one"])
    many = practice_factory(tags=[f"tag {i}" for i in range(10)])
    many.target_groups.set(TargetGroup.objects.all())
    with CaptureQueriesContext(connection) as ctx:
        thread_for(practice=few, user=None)
    thread_queries = len(ctx.captured_queries)
    # The practice, its author, its tags, its target groups; then transfer: adaptations,
    # similar practices, check-ins, "adapted from"; then the thread.
    with django_assert_num_queries(4 + 4 + thread_queries):
        assert client.get(few.get_absolute_url()).status_code == 200
    with django_assert_num_queries(4 + 4 + thread_queries):
        response = client.get(many.get_absolute_url())
    assert response.content.decode().count('href="/tags/tag-') == 10


# --- Create --------------------------------------------------------------------------------


def test_create_needs_login(client):
    response = client.get("/practices/new/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_unverified_member_is_told_to_verify(client_for, user_factory):
    unverified = user_factory(email_verified=False)
    client = client_for(unverified)
    response = client.get("/practices/new/")
    assert response.status_code == 403
    assert "verify your e-mail address" in response.content.decode()
    response = client.post("/practices/new/", form_data())
    assert response.status_code == 403
    assert not Practice.objects.exists()


def test_create_form_is_grouped_and_labelled(member_client):
    html = member_client.get("/practices/new/").content.decode()
    for legend in ("The practice", "Where and who", "When and how far", "Tags and links"):
        assert f"<legend>{legend}</legend>" in html
    assert '<label for="id_title">Title</label>' in html
    assert 'aria-describedby="id_description_helptext"' in html
    assert "Markdown" in html
    assert 'name="target_groups"' in html and 'type="checkbox"' in html
    assert 'value="draft"' in html and 'value="publish"' in html
    assert 'enctype="multipart/form-data"' in html
    assert 'data-autocomplete-url="/api/tags/"' in html
    assert "js/tag-autocomplete.js" in html


def test_create_saves_a_draft_through_the_service(member_client, member):
    response = member_client.post("/practices/new/", form_data())
    practice = Practice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == practice.get_absolute_url()
    assert practice.author == member
    assert practice.status == Status.DRAFT and practice.published_at is None
    assert sorted(practice.tags.names()) == ["language learning", "parents"]
    assert sorted(practice.target_groups.values_list("slug", flat=True)) == ["parents", "refugees"]
    assert practice.links == ["https://example.org/cafe", "http://example.com/report.pdf"]
    assert practice.still_running and practice.ended_on is None
    assert "<strong>met</strong>" in practice.rendered["description"]
    assert practice.revisions.count() == 1


def test_create_and_publish_at_once(member_client):
    member_client.post("/practices/new/", form_data(action="publish"))
    practice = Practice.objects.get()
    assert practice.is_published
    assert (
        "Your practice is published"
        in member_client.get(practice.get_absolute_url()).content.decode()
    )


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "title", "This field is required."),
        ({"title": "x" * 300}, "title", "at most 120 characters (it has 300)"),
        ({"summary": ""}, "summary", "This field is required."),
        ({"description": ""}, "description", "This field is required."),
        ({"country": "XX"}, "country", "Select a valid choice"),
        ({"country": ""}, "country", "This field is required."),
        ({"tags": ", ".join(f"tag{i}" for i in range(11))}, "tags", "At most 10 tags"),
        ({"tags": "ok, " + "y" * 70}, "tags", "at most 50 characters"),
        ({"links": "javascript:alert(1)"}, "links", "not a web address"),
        ({"links": "ftp://example.org/file"}, "links", "not a web address"),
        ({"links": "\n".join(f"https://example.org/{i}" for i in range(11))}, "links", "At most 10 links"),
        ({"area": "astrology"}, "area", "Select a valid choice"),
        ({"started_on": "2024-05-01", "ended_on": "2023-01-01", "still_running": None}, "ended_on", "before the start date"),
        ({"ended_on": "2024-01-01"}, "ended_on", "untick"),
        ({"started_on": "last spring"}, "started_on", "Enter a valid date"),
        ({"description": "x" * 20_001}, "description", "at most 20000 characters"),
        ({"title": "Null\x00byte"}, "title", "Null characters are not allowed"),
        ({"target_groups": ["999999"]}, "target_groups", "Select a valid choice"),
    ],
)  # fmt: skip
def test_create_rejects_bad_input_with_a_field_error(member_client, overrides, field, message):
    response = member_client.post("/practices/new/", form_data(**overrides))
    assert response.status_code == 200
    assert any(message in e for e in errors_of(response, field)), errors_of(response, field)
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    assert "Please correct" in html
    assert not Practice.objects.exists()


def test_error_is_linked_to_its_input(member_client):
    html = member_client.post("/practices/new/", form_data(title="")).content.decode()
    tag = re.search(r"<input[^>]*name=\"title\"[^>]*>", html).group(0)
    assert 'aria-invalid="true"' in tag
    assert "id_title_error" in re.search(r'aria-describedby="([^"]*)"', tag).group(1)
    assert 'href="#id_title"' in html


def test_create_accepts_a_real_image(member_client):
    upload = SimpleUploadedFile("cafe.png", png_bytes(), content_type="image/png")
    response = member_client.post("/practices/new/", {**form_data(), "image": upload})
    assert response.status_code == 302
    practice = Practice.objects.get()
    assert practice.image.name.endswith(".png")
    html = member_client.get(practice.get_absolute_url()).content.decode()
    assert practice.image.url in html


def test_create_rejects_a_file_that_is_not_an_image(member_client):
    upload = SimpleUploadedFile("cv.png", b"%PDF-1.4 not a picture", content_type="image/png")
    response = member_client.post("/practices/new/", {**form_data(), "image": upload})
    assert response.status_code == 200
    assert any("not an image" in e for e in errors_of(response, "image"))
    assert not Practice.objects.exists()


def test_create_rejects_an_image_format_we_do_not_show(member_client):
    upload = SimpleUploadedFile("scan.bmp", png_bytes(fmt="BMP"), content_type="image/bmp")
    response = member_client.post("/practices/new/", {**form_data(), "image": upload})
    assert any("JPEG, PNG, WebP or GIF" in e for e in errors_of(response, "image"))
    assert not Practice.objects.exists()


def test_create_rejects_a_20_mb_upload_with_a_field_error(member_client):
    big = SimpleUploadedFile(
        "huge.png", png_bytes() + b"\0" * (20 * 1024 * 1024), content_type="image/png"
    )
    response = member_client.post("/practices/new/", {**form_data(), "image": big})
    assert response.status_code == 200
    errors = errors_of(response, "image")
    assert any("20.0\xa0MB" in e and "5.0\xa0MB" in e for e in errors), errors
    assert not Practice.objects.exists()


def test_create_keeps_markup_as_text(member_client):
    evil = "<script>alert(1)</script>"
    member_client.post(
        "/practices/new/",
        form_data(
            title=f"Cafe {evil}",
            summary=f"Sum {evil}",
            description=f"Body {evil}",
            city=f"City {evil}",
            tags=f"tag {evil}",
            action="publish",
        ),  # fmt: skip
    )
    practice = Practice.objects.get()
    assert practice.title == f"Cafe {evil}"
    assert "<script>" not in practice.rendered["description"]
    html = Client().get(practice.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "Cafe &lt;script&gt;alert(1)&lt;/script&gt;" in html
    listing = Client().get("/practices/").content.decode()
    assert "<script>alert(1)</script>" not in listing


def test_state_changes_need_a_csrf_token(member, practice_factory):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert client.post("/practices/new/", form_data()).status_code == 403
    draft = practice_factory(author=member, status=Status.DRAFT, published_at=None)
    assert client.post(f"/practices/{draft.pk}/publish/").status_code == 403
    assert client.post(f"/practices/{draft.pk}/edit/", form_data()).status_code == 403
    assert Practice.objects.count() == 1
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


# --- Edit ----------------------------------------------------------------------------------


@pytest.fixture
def own_practice(member_client, member):
    member_client.post("/practices/new/", form_data(action="publish"))
    return Practice.objects.get()


def test_edit_form_is_filled_in(member_client, own_practice):
    response = member_client.get(f"/practices/{own_practice.pk}/edit/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Language cafe for parents"' in html
    assert 'value="language learning, parents"' in html
    assert "https://example.org/cafe\nhttp://example.com/report.pdf" in html
    assert re.search(r'value="\d+"[^>]*checked|checked[^>]*value="\d+"', html)


def test_author_edits_and_a_revision_is_kept(member_client, own_practice):
    response = member_client.post(
        f"/practices/{own_practice.pk}/edit/",
        form_data(
            title="Language cafe for parents and grandparents", tags="parents", action="save"
        ),
    )
    assert response.status_code == 302
    own_practice.refresh_from_db()
    assert own_practice.title == "Language cafe for parents and grandparents"
    assert own_practice.slug == "language-cafe-for-parents-and-grandparents"
    assert list(own_practice.tags.names()) == ["parents"]
    assert own_practice.revisions.count() == 2
    assert response["Location"] == own_practice.get_absolute_url()


def test_edit_with_bad_input_changes_nothing(member_client, own_practice):
    response = member_client.post(
        f"/practices/{own_practice.pk}/edit/",
        form_data(title="y" * 300, tags="a,b,c,d,e,f,g,h,i,j,k"),
    )
    assert response.status_code == 200
    assert errors_of(response, "title") and errors_of(response, "tags")
    own_practice.refresh_from_db()
    assert own_practice.title == "Language cafe for parents"
    assert own_practice.revisions.count() == 1


def test_someone_elses_practice_cannot_be_edited(client_for, other_member, own_practice):
    client = client_for(other_member)
    assert client.get(f"/practices/{own_practice.pk}/edit/").status_code == 403
    assert (
        client.post(f"/practices/{own_practice.pk}/edit/", form_data(title="Mine now")).status_code
        == 403
    )
    own_practice.refresh_from_db()
    assert own_practice.title == "Language cafe for parents"


def test_moderator_may_edit(client_for, moderator, own_practice):
    client = client_for(moderator)
    assert client.get(f"/practices/{own_practice.pk}/edit/").status_code == 200
    response = client.post(
        f"/practices/{own_practice.pk}/edit/", form_data(summary="Tidied by a moderator.")
    )
    assert response.status_code == 302
    own_practice.refresh_from_db()
    assert own_practice.summary == "Tidied by a moderator."
    assert own_practice.revisions.order_by("-number").first().editor == moderator


def test_edit_of_other_members_draft_is_404_and_anonymous_is_sent_to_login(
    client, client_for, practice_factory, member, other_member
):
    draft = practice_factory(author=member, status=Status.DRAFT, published_at=None)
    assert client_for(other_member).get(f"/practices/{draft.pk}/edit/").status_code == 404
    response = client.get(f"/practices/{draft.pk}/edit/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_edit_can_remove_the_image(member_client, member):
    upload = SimpleUploadedFile("cafe.png", png_bytes(), content_type="image/png")
    member_client.post("/practices/new/", {**form_data(), "image": upload})
    practice = Practice.objects.get()
    html = member_client.get(f"/practices/{practice.pk}/edit/").content.decode()
    assert "Remove the current picture" in html
    both = SimpleUploadedFile("new.png", png_bytes(), content_type="image/png")
    response = member_client.post(
        f"/practices/{practice.pk}/edit/", {**form_data(clear_image="on"), "image": both}
    )
    assert any("not both" in e for e in errors_of(response, "clear_image"))
    member_client.post(f"/practices/{practice.pk}/edit/", form_data(clear_image="on"))
    practice.refresh_from_db()
    assert not practice.image
    assert PracticeRevision.objects.filter(practice=practice).count() == 2


def test_draft_saved_and_published_from_the_edit_form(member_client, member):
    member_client.post("/practices/new/", form_data())
    draft = Practice.objects.get()
    assert 'value="publish"' in member_client.get(f"/practices/{draft.pk}/edit/").content.decode()
    member_client.post(f"/practices/{draft.pk}/edit/", form_data(action="publish"))
    draft.refresh_from_db()
    assert draft.is_published


# --- Publish -------------------------------------------------------------------------------


def test_author_publishes_a_draft_by_post(member_client, practice_factory, member):
    draft = practice_factory(author=member, status=Status.DRAFT, published_at=None)
    assert member_client.get(f"/practices/{draft.pk}/publish/").status_code == 405
    response = member_client.post(f"/practices/{draft.pk}/publish/")
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.is_published
    assert "/practices/" in response["Location"]


def test_only_the_author_publishes(client_for, practice_factory, member, other_member, moderator):
    draft = practice_factory(author=member, status=Status.DRAFT, published_at=None)
    assert client_for(other_member).post(f"/practices/{draft.pk}/publish/").status_code == 404
    assert client_for(moderator).post(f"/practices/{draft.pk}/publish/").status_code == 403
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_unverified_author_cannot_publish(client_for, practice_factory, user_factory):
    author = user_factory(email_verified=False)
    draft = practice_factory(author=author, status=Status.DRAFT, published_at=None)
    response = client_for(author).post(f"/practices/{draft.pk}/publish/")
    assert response.status_code == 403
    assert "verify your e-mail address" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


# --- Revisions -----------------------------------------------------------------------------


def test_revisions_show_what_changed(member_client, own_practice):
    member_client.post(
        f"/practices/{own_practice.pk}/edit/",
        form_data(
            summary="Parents of newly arrived pupils meet every month at school.", tags="parents"
        ),
    )
    response = member_client.get(f"/practices/{own_practice.pk}/revisions/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Revision 2" in html and "Revision 1" in html
    assert "<dt>Summary</dt>" in html
    assert "<del>week</del>" in html and "<ins>month</ins>" in html
    assert "<dt>Tags</dt>" in html
    assert "<del>language learning, </del><span>parents</span>" in html
    assert "Amira Haddad" in html


def test_revisions_are_for_the_author_and_moderators(
    client, client_for, other_member, moderator, own_practice
):
    url = f"/practices/{own_practice.pk}/revisions/"
    assert client_for(moderator).get(url).status_code == 200
    assert client_for(other_member).get(url).status_code == 403
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_revisions_of_other_members_draft_are_404(
    client_for, practice_factory, member, other_member
):
    draft = practice_factory(author=member, status=Status.DRAFT, published_at=None)
    assert client_for(other_member).get(f"/practices/{draft.pk}/revisions/").status_code == 404


# --- Admin ---------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client_for, user_factory):
    return client_for(user_factory(is_staff=True, is_superuser=True, moderator=True))


def test_admin_lists_and_searches_practices(admin_client, practice_factory):
    practice_factory(title="Language cafe", validated_at=timezone.now())
    practice_factory(title="Job fair")
    response = admin_client.get("/admin/practices/practice/?q=cafe")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Language cafe" in html and "Job fair" not in html
    filtered = admin_client.get("/admin/practices/practice/?validated_at__isempty=0")
    assert "Language cafe" in filtered.content.decode()
    assert "Job fair" not in filtered.content.decode()


def test_admin_cannot_change_practice_text(admin_client, practice_factory):
    p = practice_factory(title="Original title")
    page = admin_client.get(f"/admin/practices/practice/{p.pk}/change/")
    assert page.status_code == 200
    assert 'name="title"' not in page.content.decode()
    response = admin_client.post(f"/admin/practices/practice/{p.pk}/change/", {"title": "Changed"})
    assert response.status_code == 403
    p.refresh_from_db()
    assert p.title == "Original title"
    assert admin_client.get("/admin/practices/practice/add/").status_code == 403
    assert admin_client.get("/admin/practices/practicerevision/").status_code == 200


def test_admin_adds_official_tags_with_normalised_names(admin_client, practice_factory):
    from practices.models import Tag

    practice_factory(tags=["parents"])
    response = admin_client.post(
        "/admin/practices/tag/add/",
        {"name": "  Language_Learning ", "is_official": "on", "description": "Courses."},
    )
    assert response.status_code == 302
    tag = Tag.objects.get(name="language learning")
    assert tag.is_official and tag.slug == "language-learning"
    clash = admin_client.post("/admin/practices/tag/add/", {"name": "PARENTS"})
    assert clash.status_code == 200
    assert "already exists" in clash.content.decode()
    listing = admin_client.get("/admin/practices/tag/")
    assert listing.status_code == 200
