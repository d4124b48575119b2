"""The monthly SUS list: what a unit funded through a samordningsförbund enters by hand in SUS
(Samordningsförbundens uppföljningssystem) for participants who started or ended their insats in
a month. Managers and administrators only; every view and download is audit-logged (the same
``log_export`` as the SCB file).

Start = ``enrolled_on``; end = the participant's last exit on or after enrolment. Written consent
for SUS registration = a consent covering ``sus_registration``, signed on paper or digitally,
given by the end of the month and not withdrawn by then.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.choices import Role
from core.exceptions import Forbidden
from core.models import User
from core.roles import role_of
from core.tabular import Export, Filter, Sheet
from matching.choices import (
    ConsentMethod,
    ConsentScope,
    EducationLevel,
    SusEmployment,
    SusExitReason,
    SusIncome,
)
from matching.models import Consent, Participant
from placements.models import Exit
from placements.reporting.statistics import add_months
from placements.reporting.statistics.scb import log_export

SUS_ROLES = (Role.MANAGER, Role.ADMIN)
WRITTEN = (ConsentMethod.SIGNED_PAPER, ConsentMethod.DIGITAL)

# What SUS needs of a row, in one table: (row attribute, when it is needed, what it is called).
# "start": every listed participant is registered in SUS with these; "end": also needed once the
# participant has left (the row has an end date in the month).
SUS_REQUIRED = (
    ("personnummer", "start", gettext_lazy("personal identity number")),
    ("employment_before", "start", gettext_lazy("employment before")),
    ("income_before", "start", gettext_lazy("main income before")),
    ("education_level", "start", gettext_lazy("education level")),
    ("written_consent", "start", gettext_lazy("written consent to SUS registration")),
    ("employment_after", "end", gettext_lazy("employment after")),
    ("income_after", "end", gettext_lazy("main income after")),
    ("exit_reason", "end", gettext_lazy("reason for leaving")),
)


@dataclass
class SusRow:
    participant_pk: int
    code: str
    name: str
    personnummer: str
    started_on: dt.date
    ended_on: dt.date | None
    started_in_month: bool
    ended_in_month: bool
    employment_before: str
    income_before: str
    education_level: str
    employment_after: str
    income_after: str
    exit_reason: str
    written_consent: bool

    def missing(self) -> list[str]:
        """What SUS needs of this row and is not recorded, in words (``SUS_REQUIRED``)."""
        return [
            str(label)
            for attr, when, label in SUS_REQUIRED
            if (when == "start" or self.ended_on is not None) and not getattr(self, attr)
        ]

    def cells(self) -> list[str]:
        """The row as text, labels not codes (as entered in SUS)."""

        def label(choices, value):
            return str(choices(value).label) if value else ""

        return [
            self.code,
            self.personnummer,
            self.name,
            self.started_on.isoformat(),
            self.ended_on.isoformat() if self.ended_on else "",
            label(SusEmployment, self.employment_before),
            label(SusIncome, self.income_before),
            label(EducationLevel, self.education_level),
            label(SusEmployment, self.employment_after) if self.ended_on else "",
            label(SusIncome, self.income_after) if self.ended_on else "",
            label(SusExitReason, self.exit_reason) if self.ended_on else "",
            _("Yes") if self.written_consent else _("No"),
        ]


def columns() -> list[str]:
    return [
        _("Code"),
        _("Personal identity number"),
        _("Name"),
        _("Start date"),
        _("End date"),
        _("Employment before"),
        _("Main income before"),
        _("Education level"),
        _("Employment after"),
        _("Main income after"),
        _("Reason for leaving"),
        _("Written consent to SUS registration"),
    ]


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = dt.date(month.year, month.month, 1)
    return first, add_months(first, 1) - dt.timedelta(days=1)


def sus_month_rows(*, user: User, month: dt.date) -> list[SusRow]:
    """Participants of the user's unit who started or ended in the month, by start date."""
    if role_of(user) not in SUS_ROLES:
        raise Forbidden(_("Only managers and administrators may see the SUS list."))
    first, last = month_bounds(month)
    qs = Participant.objects.visible_to(user)
    if role_of(user) != Role.ADMIN or user.unit_id:
        qs = qs.filter(unit_id=user.unit_id)
    exits: dict[int, list[dt.date]] = {}
    for pid, day in Exit.objects.filter(participant__in=qs.values("pk")).values_list(
        "participant_id", "exited_on"
    ):
        exits.setdefault(pid, []).append(day)
    consent: set[int] = set()
    for c in Consent.objects.filter(
        participant__in=qs.values("pk"), given_on__lte=last, method__in=WRITTEN
    ):
        if (
            ConsentScope.SUS in c.scopes
            and (c.withdrawn_on is None or c.withdrawn_on > last)
            and (c.valid_until is None or c.valid_until >= first)
        ):
            consent.add(c.participant_id)
    rows = []
    for p in qs.order_by("enrolled_on", "code"):
        ends = sorted(d for d in exits.get(p.pk, []) if d >= p.enrolled_on and d <= last)
        ended = ends[-1] if ends else None
        started_in = first <= p.enrolled_on <= last
        ended_in = bool(ended and first <= ended <= last)
        if not (started_in or ended_in):
            continue
        rows.append(
            SusRow(
                participant_pk=p.pk,
                code=p.code,
                name=f"{p.first_name} {p.last_name}".strip(),
                personnummer=p.personnummer,
                started_on=p.enrolled_on,
                ended_on=ended if ended_in else None,
                started_in_month=started_in,
                ended_in_month=ended_in,
                employment_before=p.sus_employment_before,
                income_before=p.sus_income_before,
                education_level=p.education_level,
                employment_after=p.sus_employment_after,
                income_after=p.sus_income_after,
                exit_reason=p.sus_exit_reason,
                written_consent=p.pk in consent,
            )
        )
    return rows


def sus_view(*, by: User, month: dt.date, remote_addr: str | None = None) -> list[SusRow]:
    """The list for the page: logged like a download, since it shows identities."""
    rows = sus_month_rows(user=by, month=month)
    log_export(
        by=by,
        kind="sus_list_view",
        detail=f"{month:%Y-%m}: {len(rows)} rows",
        remote_addr=remote_addr,
    )
    return rows


def sus_export(*, by: User, month: dt.date, kind: str, remote_addr: str | None = None) -> Export:
    """The list as a file (written by ``core.tabular``), audit-logged with who and when."""
    if kind not in ("csv", "xlsx"):
        raise ValueError(kind)
    rows = sus_month_rows(user=by, month=month)
    sheet = Sheet(f"SUS {month:%Y-%m}", [columns(), *(r.cells() for r in rows)])
    filters = [Filter(_("Month"), f"{month:%Y-%m}")]
    if by.unit_id:
        filters.append(Filter(_("Unit"), by.unit.name))
    log_export(
        by=by,
        kind=f"sus_list_{kind}",
        detail=f"{month:%Y-%m}: {len(rows)} rows",
        remote_addr=remote_addr,
    )
    return Export("sus", _("SUS list"), filters, [sheet])
