from types import SimpleNamespace

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from django.conf import settings
from django.http import HttpRequest

from accounts import services
from accounts.models import User


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # allauth's mails greet from the Sites framework's "example.com"; use the site's own
        # name and the host the member actually used.
        request = allauth_context.request
        site = SimpleNamespace(
            name=settings.SITE_NAME, domain=request.get_host() if request is not None else ""
        )
        super().send_mail(template_prefix, email, {"current_site": site, **context})

    def confirm_email(self, request: HttpRequest, email_address: EmailAddress) -> bool:
        confirmed = super().confirm_email(request, email_address)
        if confirmed:
            # Reload: allauth may just have made this address the primary one.
            user = User.objects.get(pk=email_address.user_id)
            services.user_mark_email_verified(user=user, email=email_address.email)
            if getattr(request, "user", None) is not None and request.user.pk == user.pk:
                request.user.email_verified = user.email_verified
        return confirmed

    def save_user(self, request: HttpRequest, user: User, form, commit: bool = True) -> User:
        user = super().save_user(request, user, form, commit=False)
        services.user_apply_signup_profile(user=user, data=form.cleaned_data)
        if commit:
            user.save()
        return user
