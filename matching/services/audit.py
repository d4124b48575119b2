"""Audit of reads: every read of a participant's detail is logged with who, when, what and from where.

Changes are logged by django-auditlog's model registration (``matching.apps``); reads are logged
here because auditlog's access mixin covers template views only. The client address is
REMOTE_ADDR; X-Forwarded-For is trusted only behind the configured number of proxies.
"""

from __future__ import annotations

from auditlog.models import LogEntry

from core.security.client import client_address

__all__ = ["audit_participant_read", "client_address", "participant_log"]


def audit_participant_read(*, participant, user, request=None, what: str = "detail") -> LogEntry:
    return LogEntry.objects.log_create(
        participant,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        actor=user if getattr(user, "is_authenticated", False) else None,
        remote_addr=client_address(request),
        changes={"read": [what, ""]},
    )


def participant_log(participant):
    """All audit entries about a participant and its related records, newest first."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q

    from matching.models import (
        Consent,
        KgaAssessment,
        OcnCase,
        ParticipantAdaptationNeed,
        ParticipantSkill,
    )

    q = Q(
        content_type=ContentType.objects.get_for_model(participant), object_pk=str(participant.pk)
    )
    for model, ids in (
        (ParticipantSkill, participant.skills.values_list("pk", flat=True)),
        (ParticipantAdaptationNeed, participant.adaptation_needs.values_list("pk", flat=True)),
        (OcnCase, participant.ocn_cases.values_list("pk", flat=True)),
        (KgaAssessment, participant.kga_assessments.values_list("pk", flat=True)),
        (Consent, participant.consents.values_list("pk", flat=True)),
    ):
        q |= Q(
            content_type=ContentType.objects.get_for_model(model),
            object_pk__in=[str(i) for i in ids],
        )
    return LogEntry.objects.filter(q).select_related("actor").order_by("-timestamp", "-pk")
