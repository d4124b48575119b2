from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "matching"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from matching import engine_version, models, receivers
        from matching.participants.selectors import connect_user_facts

        engine_version.connect()
        from matching.features import publish_pending

        engine_version.connect_publishing(publish_pending)
        receivers.connect()
        connect_user_facts()
        # The engine's licence facts (matching.features._licence_facts).
        from core.choice_cache import invalidate_on
        from core.models import Licence

        invalidate_on("licence-facts", Licence, Licence.includes.through)

        auditlog.register(
            models.Participant,
            m2m_fields={"desired_occupations", "desired_industries"},
            # Issue 13: no part of these values in the log, only that they changed.
            mask_fields=["personnummer", "support_needs", "home_address"],
            mask_callable="core.security.audit.mask_all",
        )
        auditlog.register(
            models.ParticipantAdaptationNeed,
            mask_fields=["description"],
            mask_callable="core.security.audit.mask_all",
        )
        for model in (
            models.ParticipantSkill,
            models.ParticipantLanguage,
            models.PhaseChange,
            models.OcnCase,
            models.OcnCaseEvent,
            models.KgaAssessment,
            models.KgaScore,
            models.Consent,
            models.InvitedRecipient,
            models.MatchWeights,
            models.WeightProposal,
            models.MatchWeightsVersion,
        ):
            auditlog.register(model)
        # Token and code hashes are never written to the log.
        auditlog.register(models.ConsentInvitation, exclude_fields=["token_hash", "code_hash"])
        auditlog.register(models.PersonalLink, exclude_fields=["token_hash"])

        from matching.participants.retention import register_matching_rules

        register_matching_rules()
