"""Audit of reads: every read of a participant's detail is logged with who, when, what and from where.

Changes are logged by django-auditlog's model registration (``matching.apps``); reads are logged
here because auditlog's access mixin covers template views only. The client address is
REMOTE_ADDR; X-Forwarded-For is trusted only behind the configured number of proxies.
"""

from __future__ import annotations

import contextlib

from auditlog.models import LogEntry
from django.utils.translation import gettext_lazy

from core.compiled import CompiledRows
from core.security.client import client_address

# Who an entry without a user is by: the user was removed (the log keeps the entry), or it was
# the system (a job) or a participant's own personal link.
NO_ACTOR = gettext_lazy("Removed user or system")

__all__ = [
    "audit_participant_read",
    "audit_participants_read",
    "client_address",
    "participant_log",
]


def audit_participant_read(*, participant, user, request=None, what: str = "detail") -> LogEntry:
    """The entry ``LogEntry.objects.log_create(participant, force_log=True, ...)`` would write,
    inserted without a model save (a matches request's audit cost more than its ranking)."""
    from auditlog.cid import get_cid
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone
    from django.utils.encoding import smart_str

    entry = LogEntry(
        content_type=ContentType.objects.get_for_model(participant),
        object_pk=str(participant.pk),
        object_id=participant.pk,
        object_repr=smart_str(participant),
        action=LogEntry.Action.ACCESS,
        changes={"read": [what, ""]},
        actor=user if getattr(user, "is_authenticated", False) else None,
        remote_addr=client_address(request),
        cid=get_cid(),
        timestamp=timezone.now(),
    )
    _insert_entries(entry, [(participant.pk, entry.object_repr)])
    return entry


def _codes(ids):
    from matching.models import Participant

    return Participant.objects.filter(pk__in=ids).values_list("pk", "code")


_CODES = CompiledRows(_codes, ids=[])  # each list and ranking read asks (``core.compiled``)


def audit_participants_read(*, ids, user, request=None, what: str) -> int:
    """Log a read of several participants at once (a list page, a search, a ranking, consents):
    one access entry per participant, in one insert (issue 13: not only detail reads)."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from matching.models import Participant

    ids = sorted({int(i) for i in ids if i is not None})
    if not ids:
        return 0
    content_type = ContentType.objects.get_for_model(Participant)
    codes = dict(_CODES.rows(ids=ids))
    actor = user if getattr(user, "is_authenticated", False) else None
    address = client_address(request)
    now = timezone.now()
    entry = LogEntry(
        content_type=content_type,
        action=LogEntry.Action.ACCESS,
        changes={"read": [what, ""]},
        actor=actor,
        remote_addr=address,
        timestamp=now,
    )
    _insert_entries(entry, [(pk, codes.get(pk, str(pk))) for pk in ids])
    return len(ids)


def _insert_entries(entry: LogEntry, objects: list[tuple[int, str]]) -> None:
    """``LogEntry.objects.bulk_create(...)`` of ``entry`` once per (pk, repr) in ``objects``, the
    entries differing only in the object they name: the columns they share are prepared once,
    not once per row, and no model instance is made per row (a ranking's read of 20 participants
    cost a guide's request more than the ranking did; issues 14 and 22)."""
    from django.db import connections, router, transaction

    using = router.db_for_write(LogEntry)
    connection = connections[using]
    fields = [f for f in LogEntry._meta.concrete_fields if not f.primary_key]
    varying = ("object_pk", "object_id", "object_repr")
    shared = {
        f.attname: f.get_db_prep_save(f.pre_save(entry, True), connection)
        for f in fields
        if f.attname not in varying
    }
    rows = []
    for pk, text in objects:
        own = {"object_pk": str(pk), "object_id": pk, "object_repr": text}
        rows.append(
            tuple(
                shared[f.attname]
                if f.attname in shared
                else f.get_db_prep_save(own[f.attname], connection)
                for f in fields
            )
        )
    quote = connection.ops.quote_name
    head = "INSERT INTO {} ({}) VALUES ".format(
        quote(LogEntry._meta.db_table), ", ".join(quote(f.column) for f in fields)
    )
    one = "({})".format(", ".join(["%s"] * len(fields)))
    # One statement per 200 rows (an INSERT is atomic on its own; several share a transaction).
    chunks = [rows[i : i + 200] for i in range(0, len(rows), 200)]
    together = (
        transaction.atomic(using=using, savepoint=False)
        if len(chunks) > 1
        else contextlib.nullcontext()
    )
    with together, connection.cursor() as cursor:
        for chunk in chunks:
            cursor.execute(head + ", ".join([one] * len(chunk)), [v for row in chunk for v in row])


def _logged_records(participant) -> list:
    """The participant's own records whose changes the audit log keeps: (model, queryset)."""
    from matching.models import (
        Consent,
        KgaAssessment,
        OcnCase,
        ParticipantAdaptationNeed,
        ParticipantSkill,
    )

    return [
        (ParticipantSkill, participant.skills.all()),
        (ParticipantAdaptationNeed, participant.adaptation_needs.all()),
        (OcnCase, participant.ocn_cases.all()),
        (KgaAssessment, participant.kga_assessments.all()),
        (Consent, participant.consents.all()),
    ]


def participant_log(participant):
    """All audit entries about a participant and its related records, newest first."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q

    q = Q(
        content_type=ContentType.objects.get_for_model(participant), object_pk=str(participant.pk)
    )
    for model, rows in _logged_records(participant):
        q |= Q(
            content_type=ContentType.objects.get_for_model(model),
            object_pk__in=[str(i) for i in rows.values_list("pk", flat=True)],
        )
    return LogEntry.objects.filter(q).select_related("actor").order_by("-timestamp", "-pk")


def participant_log_reads(participant) -> dict:
    """The entries of ``participant_log`` as one read per kind of record (the participant, its
    skills, ...), for ``core.together`` to read in one query: each read's condition is one the
    log's index on the record's id answers (an ``OR`` of them made PostgreSQL scan the whole
    log), and its SQL is the same for every participant, so the register extract compiles it
    once. The id is turned to text in SQL, the records' ids come from a subquery (the log keeps
    ids as text), and a kind of record is named by its natural key, not by a content type's id,
    which a flushed test database gives anew. Newest first within each read; a caller that
    merges them orders them again."""
    from django.db.models import CharField, Value
    from django.db.models.functions import Cast

    from matching.models import Participant

    def of(model):
        return (
            LogEntry.objects.filter(
                content_type__app_label=model._meta.app_label,
                content_type__model=model._meta.model_name,
            )
            .select_related("actor", "content_type")
            .order_by("-timestamp", "-pk")
        )

    reads = {
        "participant": of(Participant).filter(object_pk=Cast(Value(participant.pk), CharField()))
    }
    for model, rows in _logged_records(participant):
        ids = rows.order_by().annotate(pk_text=Cast("pk", CharField())).values("pk_text")
        reads[model._meta.model_name] = of(model).filter(object_pk__in=ids)
    return reads


def participant_reads_by_user(*, start, end, unusual_at: int):
    """Reads of participants per user in [start, end) for the systematic log follow-up: reads,
    distinct participants, first and last read; ``unusual`` when the distinct participants
    exceed ``unusual_at`` or three times the median of all readers. ``actor_name`` is what a
    person reads: the name, else the username, else ``NO_ACTOR``."""
    from statistics import median

    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Count, Max, Min

    from matching.models import Participant

    rows = list(
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Participant),
            action=LogEntry.Action.ACCESS,
            timestamp__gte=start,
            timestamp__lt=end,
        )
        .values("actor_id", "actor__username", "actor__first_name", "actor__last_name")
        .annotate(
            reads=Count("id"),
            participants=Count("object_pk", distinct=True),
            first=Min("timestamp"),
            last=Max("timestamp"),
        )
        .order_by("-participants", "-reads")
    )
    typical = median([r["participants"] for r in rows]) if rows else 0
    for row in rows:
        name = f"{row['actor__first_name'] or ''} {row['actor__last_name'] or ''}".strip()
        row["actor_name"] = name or row["actor__username"] or str(NO_ACTOR)
        row["unusual"] = row["participants"] > unusual_at or (
            len(rows) > 2 and row["participants"] > 3 * max(typical, 1)
        )
    return rows
