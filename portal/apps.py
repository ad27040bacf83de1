from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal"

    def ready(self) -> None:
        # Each area's views module registers its navigation entries when imported.
        import portal.urls  # noqa: F401
