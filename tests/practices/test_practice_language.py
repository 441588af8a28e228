"""The language a practice is written in: chosen on the form, shown, marked up, filtered by."""

import pytest

from practices.models import Practice

pytestmark = pytest.mark.django_db


def test_a_new_practice_defaults_to_the_language_of_the_interface(member_client):
    html = member_client.get("/practices/new/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert '<option value="de" selected>' in html
    html = member_client.get("/practices/new/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<option value="en" selected>' in html


def test_any_european_language_can_be_chosen_but_not_an_unknown_one(
    member_client, practice_factory, member
):
    practice = practice_factory(author=member, language="en")
    url = f"/practices/{practice.pk}/edit/"
    form = member_client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    for code in ("it", "pl", "uk", "ar"):
        assert code in dict(form.fields["language"].choices)
    data.update(
        language="xx",
        tags="language",
        target_groups=[g.pk for g in practice.target_groups.all()],
        links="",
        action="draft",
    )
    data["still_running"] = "on"
    response = member_client.post(url, data)
    assert response.status_code == 200
    assert "language" in response.context["form"].errors
    practice.refresh_from_db()
    assert practice.language == "en"


def test_the_page_says_which_language_and_marks_the_text_up_with_it(client, practice_factory):
    practice = practice_factory(language="it", title="Tandem tra insegnanti")
    html = client.get(practice.get_absolute_url()).content.decode()
    assert "<dt>Written in</dt><dd>Italian</dd>" in html
    assert '<h1 id="practice-title" lang="it">Tandem tra insegnanti</h1>' in html
    assert 'class="summary" lang="it"' in html


def test_the_list_filters_by_language_with_counts(client, practice_factory):
    practice_factory(language="fr", title="Café des parents")
    practice_factory(language="fr", title="Tandems d'enseignants")
    practice_factory(language="de", title="Elterncafé")
    response = client.get("/practices/", {"language": "fr"})
    titles = [p.title for p in response.context["listing"].page.items]
    assert sorted(titles) == ["Café des parents", "Tandems d'enseignants"]
    facet = {c.value: c.count for c in response.context["listing"].facets["language"]}
    assert facet == {"fr": 2, "de": 1}
    html = response.content.decode()
    assert '<option value="fr" selected>French (2)</option>' in html


def test_an_unknown_language_filter_is_a_field_error_not_an_empty_list(client, practice_factory):
    practice_factory(language="fr")
    response = client.get("/practices/", {"language": "klingon"})
    assert response.status_code == 200
    assert Practice.objects.count() == 1
    assert "language" in response.context["listing"].filterset.form.errors
