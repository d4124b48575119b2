"""SCB's monthly participant file."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from core.choices import Role
from core.models import Unit, User
from core.roles import role_of
from core.tabular import Export, Filter, Sheet
from matching.models import Participant
from placements.models import Exit
from placements.reporting.statistics.scope import SCB_ROLES, add_months


def scb_month_rows(*, user: User, month: dt.date) -> list[tuple[str, str, str]]:
    """(personnummer, start date, end date) for participants of the user's unit who started or
    ended in the month. Managers and administrators only; the caller logs the export."""
    from core.exceptions import Forbidden

    if role_of(user) not in SCB_ROLES:
        raise Forbidden(_("Only managers and administrators may export the SCB file."))
    first = dt.date(month.year, month.month, 1)
    last = add_months(first, 1) - dt.timedelta(days=1)
    qs = Participant.objects.visible_to(user)
    if role_of(user) != Role.ADMIN or user.unit_id:
        qs = qs.filter(unit_id=user.unit_id)
    exits = dict(
        Exit.objects.filter(participant__in=qs.values("pk"), exited_on__lte=last)
        .order_by("exited_on", "pk")
        .values_list("participant_id", "exited_on")
    )
    rows = []
    for pk, pnr, enrolled in qs.values_list("pk", "personnummer", "enrolled_on").order_by(
        "enrolled_on", "pk"
    ):
        ended = exits.get(pk)
        if ended and ended < enrolled:
            ended = None
        if first <= enrolled <= last or (ended and first <= ended <= last):
            rows.append((pnr, enrolled.isoformat(), ended.isoformat() if ended else ""))
    return rows


def scb_export(*, by: User, month: dt.date, remote_addr: str | None = None) -> Export:
    """The SCB monthly file (semicolons, UTF-8), logged in the audit log with who and when. SCB
    reads it by position, so its month and unit are in the file name, not in a title row."""
    rows = scb_month_rows(user=by, month=month)
    sheet = Sheet("SCB", [["personnummer", "startdatum", "slutdatum"], *map(list, rows)])
    filters = [Filter(_("Month"), f"{month:%Y-%m}")]
    if by.unit_id:
        filters.append(Filter(_("Unit"), by.unit.name))
    log_export(
        by=by,
        kind="scb_monthly",
        detail=f"{month:%Y-%m}: {len(rows)} rows",
        remote_addr=remote_addr,
    )
    return Export("scb", _("SCB monthly file"), filters, [sheet], title_row=False, bom=False)


def log_export(*, by: User, kind: str, detail: str, remote_addr: str | None = None) -> None:
    """Record an export of personal data in the audit log: who, when, from where, what (the SCB
    file, the SUS list)."""
    from auditlog.models import LogEntry

    unit = by.unit or Unit.objects.order_by("pk").first()
    LogEntry.objects.log_create(
        unit,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        actor=by,
        remote_addr=remote_addr,
        changes={"export": [kind, detail]},
    )
