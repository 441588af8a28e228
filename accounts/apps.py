from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "People"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save

        from accounts.backends import member_row_written

        # Every write of a member's row, whoever makes it (see accounts/backends.py).
        model = get_user_model()
        post_save.connect(member_row_written, sender=model, dispatch_uid="member_saved")
        post_delete.connect(member_row_written, sender=model, dispatch_uid="member_deleted")
