from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "matching"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from matching import models

        auditlog.register(
            models.Participant,
            m2m_fields={"desired_occupations", "desired_industries"},
            mask_fields=["personnummer"],
        )
        for model in (
            models.ParticipantSkill,
            models.ParticipantLanguage,
            models.ParticipantAdaptationNeed,
            models.PhaseChange,
            models.OcnCase,
            models.OcnCaseEvent,
            models.KgaAssessment,
            models.KgaScore,
            models.Consent,
            models.InvitedRecipient,
        ):
            auditlog.register(model)
        # Token and code hashes are never written to the log.
        auditlog.register(models.ConsentInvitation, exclude_fields=["token_hash", "code_hash"])
        auditlog.register(models.PersonalLink, exclude_fields=["token_hash"])
