import factory
from django.utils import timezone

from accounts.models import Role, User
from practices.models import Area, OrganisationType, Practice, Stage, Status
from practices.services.practices import practice_slug


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"member{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Member {n}")
    handle = factory.Sequence(lambda n: f"member-{n}")
    role = Role.TEACHER
    organisation = "Stadtteilschule Nord"
    city = "Hamburg"
    country = "DE"
    email_verified = True
    password = factory.PostGenerationMethodCall("set_password", "exchange-test")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()
            from allauth.account.models import EmailAddress

            EmailAddress.objects.get_or_create(
                user=obj,
                email=obj.email,
                defaults={"verified": obj.email_verified, "primary": True},
            )


class PracticeFactory(factory.django.DjangoModelFactory):
    """A published practice written straight to the table; tests of the writes use the services."""

    class Meta:
        model = Practice
        skip_postgeneration_save = True

    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Practice number {n}")
    slug = factory.LazyAttribute(lambda o: practice_slug(o.title))
    summary = "A short account of what was done and for whom."
    description = "We met every week."
    rendered = factory.LazyAttribute(lambda o: {"description": f"<p>{o.description}</p>"})
    country = "DE"
    city = "Hamburg"
    organisation = "Stadtteilschule Nord"
    organisation_type = OrganisationType.SCHOOL
    area = Area.EDUCATION
    stage = Stage.RUNNING
    status = Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)
    last_activity_at = factory.LazyAttribute(lambda o: o.published_at)

    @factory.post_generation
    def tags(obj, create, extracted, **kwargs):  # noqa: N805
        if create and extracted:
            obj.tags.set(list(extracted))
