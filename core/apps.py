from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core: users, units and reference data")

    def ready(self) -> None:
        from core import signals  # noqa: F401
        from core.retention_rules import register_core_rules
        from core.security import audit_actor, two_factor, user_cache

        register_core_rules()
        # The units of a region, by name (the county panel on every employer page).
        from core.choice_cache import invalidate_on
        from core.models import Municipality, SsykGroup, Unit

        invalidate_on("region-units", Unit)
        # Every municipality's point and name, and the SSYK groups' labels (the weekly list).
        invalidate_on("municipality-points", Municipality)
        invalidate_on("ssyk-labels", SsykGroup)
        audit_actor.connect()
        two_factor.connect()
        user_cache.connect()
