from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from accounts import services


class AccountAdapter(DefaultAccountAdapter):
    def confirm_email(self, request: HttpRequest, email_address):
        super().confirm_email(request, email_address)
        services.user_mark_email_verified(user=email_address.user, email=email_address.email)

    def save_user(self, request: HttpRequest, user, form, commit: bool = True):
        user = super().save_user(request, user, form, commit=False)
        data = form.cleaned_data
        user.display_name = data["display_name"].strip()
        user.role = data["role"]
        user.organisation = data.get("organisation", "").strip()
        user.city = data.get("city", "").strip()
        user.country = data.get("country", "")
        if commit:
            user.save()
        return user
