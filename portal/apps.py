from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"

    def ready(self) -> None:
        from core.choice_cache import invalidate_on
        from core.models import Industry, Municipality, OcnModule, OcnProgramme, Unit
        from employers.models import Site, TaskProfile
        from placements.models import Project

        # The match filter's municipalities: where the profiles a user sees are.
        invalidate_on("profile-municipalities", Site, TaskProfile)
        # The profile form's OCN modules, each named with its programme.
        invalidate_on("ocn-module-choices", OcnModule, OcnProgramme)
        # The statistics filter's projects.
        invalidate_on("statistics-projects", Project)
        # The employer list's filter: the unit's municipalities and the industries' sections.
        invalidate_on("unit-municipalities", Municipality, Unit, Unit.municipalities.through)
        invalidate_on("industry-sections", Industry)
