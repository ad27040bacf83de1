from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib import admin

        from core import lookups  # noqa: F401  registers `field__any`
        from core.admin_audit import audit_every_admin

        # After every app's admin module (django.contrib.admin, first in INSTALLED_APPS,
        # imports them in its own ready()).
        audit_every_admin(admin.site)
