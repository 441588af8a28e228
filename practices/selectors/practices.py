from practices.models import Practice


def practice_list_for_author(*, author, viewer):
    qs = Practice.objects.for_user(viewer).filter(author=author)
    return qs.select_related("author")


def home_page(*, user) -> dict:
    latest = list(Practice.objects.visible().select_related("author")[:6])
    return {"latest": latest}
