"""Audit of reads: every read of a participant's detail is logged with who, when, what and from where.

Changes are logged by django-auditlog's model registration (``matching.apps``); reads are logged
here because auditlog's access mixin covers template views only. The client address is
REMOTE_ADDR; X-Forwarded-For is trusted only behind the configured number of proxies.
"""

from __future__ import annotations

from auditlog.models import LogEntry
from django.conf import settings


def client_address(request) -> str | None:
    if request is None:
        return None
    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", None) or 0
    if proxies:
        forwarded = [
            p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


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
