from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core: users, units and reference data")

    def ready(self) -> None:
        from core import signals  # noqa: F401
        from core.retention_rules import register_core_rules
        from core.security import two_factor, user_cache

        register_core_rules()
        two_factor.connect()
        user_cache.connect()
