from accounts.models import User


def member_get(*, pk: int) -> User | None:
    return User.objects.filter(pk=pk, is_active=True).first()


def member_practices(*, member: User, viewer):
    from practices.selectors import practice_list_for_author

    return practice_list_for_author(author=member, viewer=viewer)
