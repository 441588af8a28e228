from django.apps import AppConfig


class PracticesConfig(AppConfig):
    name = "practices"
    verbose_name = "Practices"

    def ready(self) -> None:
        # Django's place for connecting receivers: the models are loaded by now.
        from practices import receivers

        receivers.connect()
