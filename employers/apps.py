from django.apps import AppConfig


class EmployersConfig(AppConfig):
    name = "employers"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from core.choice_cache import invalidate_on
        from employers import models
        from employers.retention import register_employer_rules

        # Changes to employers are audited; a merge adds its own entry saying what moved where.
        auditlog.register(models.Employer)
        auditlog.register(models.TaskProfile, exclude_fields=["updated_at"])
        register_employer_rules()
        # An employer's possible duplicates (its page) are cached until employers or marks change.
        invalidate_on("employer-duplicates", models.Employer, models.NotDuplicate)
