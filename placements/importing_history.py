"""Import of participants with their history (CSV or XLSX): enrolment, placements and exit.

Same contract as the employer import (``employers.importing``): a dry run first, then all or
nothing — the file runs inside one transaction, each row in a savepoint so every row's errors are
reported, and a dry run or a file with any error is rolled back. It runs as the same background
``ImportJob`` (kind ``participant_history``) with the same progress page.

Imported records are marked ``imported``: they get no follow-up schedule, so no reminders, and the
import sends no e-mail. One participant may span several rows (one placement per row); the
participant's columns are read from the first row with that identifier.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import outbox
from core.api.exceptions import django_validation_error_dict
from core.choices import Role
from core.exceptions import DomainError, Forbidden
from core.models import Municipality, User
from core.roles import role_of
from core.tabular import read_table
from core.writes import announce_rows
from employers.choices import ProfileKind, ProfileStatus
from employers.models import Employer, ImportJob, Site, TaskProfile
from employers.services.identifiers import fold_name, normalise_orgnr
from matching.choices import Gender, Phase
from matching.models import Participant
from matching.participants.identity import (
    birth_year_of,
    check_birth_year,
    normalise_personal_number,
)
from placements.choices import ExitOutcome, PlacementKind, PlacementPhase, PlacementStatus
from placements.models import Exit, Placement, Project, ProjectEnrolment

COLUMNS = [
    "identifier",
    "first_name",
    "last_name",
    "gender",
    "birth_year",
    "municipality",
    "target_group",
    "enrolled_on",
    "placement_employer",
    "placement_kind",
    "placement_start",
    "placement_end",
    "exit_date",
    "exit_outcome",
    "project",
]
REQUIRED = ("identifier", "municipality", "enrolled_on")
# Swedish headers are accepted too.
ALIASES = {
    "id": "identifier",
    "identitet": "identifier",
    "personnummer": "identifier",
    "förnamn": "first_name",
    "efternamn": "last_name",
    "kön": "gender",
    "födelseår": "birth_year",
    "kommun": "municipality",
    "målgrupp": "target_group",
    "inskriven": "enrolled_on",
    "inskrivningsdatum": "enrolled_on",
    "arbetsgivare": "placement_employer",
    "insats": "placement_kind",
    "insats_start": "placement_start",
    "insats_slut": "placement_end",
    "avslutsdatum": "exit_date",
    "avslutad": "exit_date",
    "utfall": "exit_outcome",
    "projekt": "project",
}
TARGET_GROUPS = {
    "newly_arrived": ["nyanländ", "nyanlanda", "newly arrived"],
    "long_term_unemployed": ["långtidsarbetslös", "long-term unemployed"],
    "reduced_work_capacity": [
        "funktionsnedsättning",
        "nedsatt arbetsförmåga",
        "reduced work capacity",
    ],
    "returning_from_sick_leave": ["sjukskriven", "återgång från sjukskrivning", "sick leave"],
}
# Words units use in their spreadsheets besides the labels.
KIND_SYNONYMS = {
    "praktik": PlacementKind.PRACTICE,
    "arbetspraktik": PlacementKind.PRACTICE,
    "arbetsträning": PlacementKind.PRACTICE,
    "anställning": PlacementKind.EMPLOYMENT,
    "arbete": PlacementKind.EMPLOYMENT,
}
IMPORTERS = (Role.MANAGER, Role.ADMIN)
ORGNR = re.compile(r"^\d{6}-?\d{4}$")
HISTORY_PROFILE_TITLE = "Importerad historik"
MAX_ROWS = 5000


@dataclass
class RowResult:
    row: int
    participant: str
    errors: dict[str, list[str]] = field(default_factory=dict)
    action: str = ""


@dataclass
class HistoryReport:
    dry_run: bool
    rows: list[RowResult]
    file_errors: list[str] = field(default_factory=list)
    participants_created: int = 0
    placements_created: int = 0
    exits_created: int = 0

    @property
    def ok(self) -> bool:
        return not self.file_errors and all(not r.errors for r in self.rows)

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "dry_run": self.dry_run,
            "imported": self.ok and not self.dry_run,
            "file_errors": self.file_errors,
            "participants_created": self.participants_created if self.ok else 0,
            "placements_created": self.placements_created if self.ok else 0,
            "exits_created": self.exits_created if self.ok else 0,
            "rows": [r.__dict__ for r in self.rows],
        }


def template_rows() -> list[list[str]]:
    """The header and two example rows of the downloadable template."""
    return [
        COLUMNS,
        [
            "19900101-0017",
            "Anna",
            "Andersson",
            "kvinna",
            "1990",
            "Kalmar",
            "långtidsarbetslös",
            "2024-02-01",
            "556036-0793",
            "Arbetspraktik",
            "2024-03-01",
            "2024-05-31",
            "2024-09-30",
            "Arbete utan stöd",
            "",
        ],
        [
            "19900101-0017",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "556036-0793",
            "employment",
            "2024-06-01",
            "",
            "",
            "",
            "",
        ],
    ]


def _labels(choices) -> dict[str, str]:
    """code → code, and each label in Swedish and English → code (case-folded)."""
    out = {}
    for value, label in choices.choices:
        out[value.casefold()] = value
        for lang in ("sv", "en"):
            with translation.override(lang):
                out[str(label).casefold()] = value
    return out


def _choice(value: str, lookup: dict[str, str], name: str, choices) -> str:
    key = value.strip().casefold()
    if key in lookup:
        return lookup[key]
    raise ValidationError(
        {
            name: _("“%(v)s” is not one of: %(opts)s.")
            % {"v": value, "opts": ", ".join(choices.values)}
        }
    )


def _date(value: str, name: str, *, required: bool = False) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        if required:
            raise ValidationError({name: _("This column is required.")})
        return None
    value = value.split(" ")[0].split("T")[0]  # XLSX dates arrive as "2024-02-01 00:00:00"
    try:
        day = dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationError({name: _("Enter a date as YYYY-MM-DD.")}) from exc
    if day > timezone.localdate():
        raise ValidationError({name: _("History cannot be in the future.")})
    if day.year < 1990:
        raise ValidationError({name: _("Enter a date from 1990 on.")})
    return day


class _Importer:
    def __init__(self, by: User, report: HistoryReport):
        self.by = by
        self.report = report
        self.unit_id = by.unit_id
        self.genders = _labels(Gender)
        self.kinds = _labels(PlacementKind) | KIND_SYNONYMS
        self.outcomes = _labels(ExitOutcome)
        self.municipalities = {}
        for m in Municipality.objects.all():
            self.municipalities[m.code] = m
            self.municipalities[m.name.casefold()] = m
        self.people: dict[str, Participant] = {}
        self.exits: dict[int, Exit] = {}
        self.employers: dict[str, Employer] = {}
        self.profiles: dict[tuple[int, str], TaskProfile] = {
            (p.employer_id, p.kind): p
            for p in TaskProfile.objects.filter(
                employer__unit_id=self.unit_id, title=HISTORY_PROFILE_TITLE
            )
        }
        self.known_numbers: dict[str, int] | None = None
        self.projects = {
            p.name.strip().casefold(): p for p in Project.objects.filter(unit_id=self.unit_id)
        }

    def snapshot(self) -> tuple[set, set, set]:
        return set(self.people), set(self.exits), set(self.profiles)

    def restore(self, kept: tuple[set, set, set]) -> None:
        """Forget what a failed row created: its savepoint was rolled back."""
        for cache, keys in zip((self.people, self.exits, self.profiles), kept, strict=True):
            for key in set(cache) - keys:
                del cache[key]

    # --- lookups ----------------------------------------------------------------------------
    def municipality(self, value: str) -> Municipality:
        muni = self.municipalities.get(value.strip()) or self.municipalities.get(
            value.strip().casefold()
        )
        if muni is None:
            raise ValidationError(
                {"municipality": _("Unknown municipality “%(v)s”.") % {"v": value}}
            )
        return muni

    def employer(self, value: str) -> Employer:
        value = value.strip()
        if value in self.employers:
            return self.employers[value]
        qs = Employer.objects.filter(region__units=self.unit_id)  # the region's register
        employer = None
        if ORGNR.match(value):
            employer = qs.filter(orgnr=normalise_orgnr(value)).first()
        if employer is None:
            folded = fold_name(value)
            employer = next((e for e in qs.filter(name__iexact=value)), None) or next(
                (
                    e
                    for e in qs.only("pk", "name", "municipality_id")
                    if fold_name(e.name) == folded
                ),
                None,
            )
        if employer is None:
            raise ValidationError(
                {
                    "placement_employer": _(
                        "No employer “%(v)s” in the register; import the employers first."
                    )
                    % {"v": value}
                }
            )
        self.employers[value] = employer
        return employer

    def profile(self, employer: Employer, kind: str) -> TaskProfile:
        """A closed profile per employer and kind that holds imported placements (no slots)."""
        key = (employer.pk, kind)
        if key not in self.profiles:
            site = employer.sites.order_by("pk").first() or Site.objects.create(
                employer=employer,
                name=employer.name,
                municipality_id=employer.municipality_id,
            )
            profile = TaskProfile.objects.create(
                employer=employer,
                site=site,
                title=HISTORY_PROFILE_TITLE,
                kind=kind if kind in ProfileKind.values else ProfileKind.PRACTICE,
                status=ProfileStatus.CLOSED,
                slots_total=0,
                hours_min=0,
                hours_max=40,
            )
            self.profiles[key] = profile
        return self.profiles[key]

    def existing(self, identifier: str) -> Participant | None:
        qs = Participant.objects.filter(unit_id=self.unit_id)
        if identifier.upper().startswith("D-"):
            found = qs.filter(code=identifier.upper()).first()
            if found is None:
                raise ValidationError(
                    {"identifier": _("No participant with the code “%(v)s”.") % {"v": identifier}}
                )
            return found
        number, _coord = normalise_personal_number(identifier)
        if self.known_numbers is None:  # one query for the whole file
            self.known_numbers = dict(qs.exclude(personnummer="").values_list("personnummer", "pk"))
        pk = self.known_numbers.get(number)
        return qs.get(pk=pk) if pk else None

    # --- one row ------------------------------------------------------------------------------
    def row(self, row: dict[str, str], result: RowResult) -> None:
        identifier = row.get("identifier", "").strip()
        if not identifier:
            raise ValidationError({"identifier": _("This column is required.")})
        # One key per person however the number is written (with or without century or dash).
        key = (
            identifier.upper()
            if identifier.upper().startswith("D-")
            else normalise_personal_number(identifier)[0]
        )
        participant = self.people.get(key)
        if participant is None:
            participant = self.participant(identifier, row, result)
            self.people[key] = participant
        else:
            result.action = "added to"
        if row.get("project", "").strip():
            self.enrol(participant, row["project"])
        if row.get("placement_employer", "").strip() or row.get("placement_kind", "").strip():
            self.placement(participant, row)
        if row.get("exit_date", "").strip() or row.get("exit_outcome", "").strip():
            self.exit(participant, row)

    def participant(self, identifier: str, row: dict[str, str], result: RowResult) -> Participant:
        found = self.existing(identifier)
        if found is not None:
            result.action = "added to"
            return found
        errors = {
            c: [_("This column is required.")] for c in REQUIRED if not row.get(c, "").strip()
        }
        if errors:
            raise ValidationError(errors)
        number, coordination = normalise_personal_number(identifier)
        birth_year = None
        if row.get("birth_year", "").strip():
            raw = row["birth_year"].strip().split(".")[0]
            if not raw.isdigit() or not 1900 <= int(raw) <= timezone.localdate().year - 14:
                raise ValidationError({"birth_year": _("Enter a birth year such as 1990.")})
            birth_year = int(raw)
            check_birth_year(number, birth_year)
        elif number:
            birth_year = birth_year_of(number)
        flags = {}
        for part in filter(
            None,
            (
                p.strip().casefold()
                for p in row.get("target_group", "").replace(";", ",").split(",")
            ),
        ):
            code = next(
                (k for k, names in TARGET_GROUPS.items() if part == k or part in names), None
            )
            if code is None:
                raise ValidationError(
                    {"target_group": _("Unknown target group “%(v)s”.") % {"v": part}}
                )
            flags[code] = True
        participant = Participant(
            first_name=row.get("first_name", "").strip() or "–",
            last_name=row.get("last_name", "").strip() or "–",
            personnummer=number,
            is_coordination_number=coordination,
            gender=_choice(row.get("gender", "") or Gender.UNKNOWN, self.genders, "gender", Gender),
            birth_year=birth_year,
            unit_id=self.unit_id,
            municipality=self.municipality(row["municipality"]),
            enrolled_on=_date(row.get("enrolled_on", ""), "enrolled_on", required=True),
            imported=True,
            **flags,
        )
        # Foreign keys come from lookups above and the only constraint is on defaults: skip the
        # per-row queries that would re-check them (the 500-row budget is 10 s).
        participant.full_clean(exclude=["unit", "municipality"], validate_constraints=False)
        participant.save()
        self.report.participants_created += 1
        result.action = "created"
        return participant

    def enrol(self, participant: Participant, value: str) -> None:
        """Enrol in a project of the unit (named in the ``project`` column) from the enrolment
        date, or the project's start if later; once per person and project."""
        project = self.projects.get(value.strip().casefold())
        if project is None:
            raise ValidationError({"project": _("Unknown project “%(v)s”.") % {"v": value.strip()}})
        if ProjectEnrolment.objects.filter(project=project, participant=participant).exists():
            return
        started_on = max(participant.enrolled_on, project.starts_on)
        if started_on > project.ends_on:
            raise ValidationError(
                {
                    "project": _("The enrolment is after the project's end (%(e)s).")
                    % {"e": project.ends_on}
                }
            )
        ProjectEnrolment.objects.create(
            project=project, participant=participant, started_on=started_on, by=self.by
        )

    def placement(self, participant: Participant, row: dict[str, str]) -> Placement:
        if not row.get("placement_employer", "").strip():
            raise ValidationError({"placement_employer": _("This column is required.")})
        kind = _choice(
            row.get("placement_kind", "") or PlacementKind.PRACTICE,
            self.kinds,
            "placement_kind",
            PlacementKind,
        )
        start = _date(row.get("placement_start", ""), "placement_start", required=True)
        end = _date(row.get("placement_end", ""), "placement_end")
        if end and end < start:
            raise ValidationError(
                {"placement_end": _("The placement cannot end before it starts.")}
            )
        if start < participant.enrolled_on:
            raise ValidationError(
                {"placement_start": _("The placement cannot start before the enrolment.")}
            )
        employer = self.employer(row["placement_employer"])
        phase = {
            PlacementKind.EMPLOYMENT: PlacementPhase.BEHALLA,
            PlacementKind.STUDY_VISIT: PlacementPhase.FINNA,
        }.get(kind, PlacementPhase.FA)
        placement = Placement(
            participant=participant,
            task_profile=self.profile(employer, kind),
            kind=kind,
            phase=phase,
            status=PlacementStatus.ENDED if end else PlacementStatus.ONGOING,
            planned_start=start,
            planned_end=end,
            started_on=start,
            hired_on=start if kind == PlacementKind.EMPLOYMENT else None,
            ended_on=end,
            hours_per_week=0,
            guide=participant.guide or self.by,
            imported=True,
        )
        # Dates are checked above; related objects are the ones just looked up.
        placement.full_clean(
            exclude=["task_profile", "participant", "guide"], validate_constraints=False
        )
        placement.save()
        self.report.placements_created += 1
        return placement

    def exit(self, participant: Participant, row: dict[str, str]) -> Exit:
        day = _date(row.get("exit_date", ""), "exit_date", required=True)
        if not row.get("exit_outcome", "").strip():
            raise ValidationError({"exit_outcome": _("This column is required.")})
        outcome = _choice(row["exit_outcome"], self.outcomes, "exit_outcome", ExitOutcome)
        if day < participant.enrolled_on:
            raise ValidationError({"exit_date": _("The exit cannot be before the enrolment.")})
        if participant.pk in self.exits or Exit.objects.filter(participant=participant).exists():
            raise ValidationError({"exit_date": _("The participant already has an exit.")})
        exit_row = Exit(
            participant=participant, exited_on=day, outcome=outcome, by=self.by, imported=True
        )
        exit_row.full_clean(exclude=["participant", "by"])
        exit_row.save()
        self.exits[participant.pk] = exit_row
        self.report.exits_created += 1
        return exit_row

    def finish(self) -> None:
        """Phases follow the history: exited, or keep/get by the open placements. Open
        placements of people who exited end on the exit date. A few grouped updates."""
        ids = [p.pk for p in self.people.values()]
        open_rows = Placement.objects.filter(
            participant_id__in=ids, status=PlacementStatus.ONGOING, imported=True
        ).values_list("pk", "participant_id", "phase", "started_on")
        ends: dict[dt.date, list[int]] = {}
        phases: dict[int, set[str]] = {}
        for pk, pid, phase, started in open_rows:
            exit_row = self.exits.get(pid)
            if exit_row is not None:
                ends.setdefault(max(exit_row.exited_on, started), []).append(pk)
            else:
                phases.setdefault(pid, set()).add(phase)
        for day, pks in ends.items():
            Placement.objects.filter(pk__in=pks).update(status=PlacementStatus.ENDED, ended_on=day)
        Participant.objects.filter(pk__in=list(self.exits)).update(phase=Phase.EXITED, active=False)
        announce_rows(Participant, self.exits)
        by_phase: dict[str, list[int]] = {}
        for participant in self.people.values():
            if participant.pk in self.exits or not participant.imported:
                continue
            found = phases.get(participant.pk, set())
            phase = (
                Phase.BEHALLA
                if PlacementPhase.BEHALLA in found
                else Phase.FA
                if PlacementPhase.FA in found
                else Phase.FINNA
            )
            by_phase.setdefault(phase, []).append(participant.pk)
        for phase, pks in by_phase.items():
            Participant.objects.filter(pk__in=pks).update(phase=phase)
            announce_rows(Participant, pks)


def import_history(
    *,
    content: bytes,
    filename: str,
    by: User,
    dry_run: bool,
    progress: Callable[[int, int], None] | None = None,
) -> HistoryReport:
    """Import (or with ``dry_run`` only check) a history file for ``by``'s unit."""
    if role_of(by) not in IMPORTERS or not by.unit_id:
        raise Forbidden(_("Only the unit's managers and administrators may import history."))
    try:
        rows = read_table(
            content,
            filename,
            columns=COLUMNS,
            required=REQUIRED,
            aliases=ALIASES,
            max_rows=MAX_ROWS,
        )
    except ValueError as exc:
        return HistoryReport(dry_run=dry_run, rows=[], file_errors=[str(exc)])
    report = HistoryReport(dry_run=dry_run, rows=[])
    with transaction.atomic():
        importer = _Importer(by, report)
        for number, row in enumerate(rows, start=2):
            if progress is not None and (number - 2) % 25 == 0:
                progress(number - 2, len(rows))
            result = RowResult(row=number, participant=row.get("identifier", "")[:8])
            report.rows.append(result)
            kept = importer.snapshot()
            try:
                with transaction.atomic():
                    importer.row(row, result)
            except ValidationError as exc:
                result.errors = django_validation_error_dict(exc)
                importer.restore(kept)
            except DomainError as exc:
                result.errors = exc.as_dict()
                importer.restore(kept)
        if report.ok:
            importer.finish()
        if dry_run or not report.ok:
            transaction.set_rollback(True)
    return report


# --- the background job (same ImportJob as the employer import) --------------------------------


@transaction.atomic
def history_import_job_start(
    *, by: User, filename: str, content: bytes, dry_run: bool
) -> ImportJob:
    if role_of(by) not in IMPORTERS or not by.unit_id:
        raise Forbidden(_("Only the unit's managers and administrators may import history."))
    job = ImportJob.objects.create(
        kind=ImportJob.Kind.PARTICIPANT_HISTORY,
        unit_id=by.unit_id,
        by=by,
        filename=filename,
        content=content,
        dry_run=dry_run,
    )
    # Named, not imported (the task module imports this one); an outbox row, as for the employer
    # import: a broker outage neither fails the upload nor loses the job.
    outbox.enqueue(
        "placements.tasks.run_history_import_job", args=[job.pk], key=f"history-import:{job.pk}"
    )
    return job


def history_import_job_run(job_id: int) -> ImportJob:
    from django.core.cache import cache

    job = ImportJob.objects.select_related("by").get(pk=job_id)
    if job.status == ImportJob.Status.DONE:
        return job
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)
    key = f"import-progress:{job.pk}"
    try:
        report = import_history(
            content=bytes(job.content),
            filename=job.filename,
            by=job.by,
            dry_run=job.dry_run,
            progress=lambda done, total: cache.set(key, (done, total), 3600),
        )
    except Exception as exc:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED, report={"file_errors": [str(exc)[:500]]}
        )
        raise
    keep = job.dry_run and report.ok
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.DONE,
        report=report.as_dict(),
        content=bytes(job.content) if keep else b"",
    )
    cache.delete(key)
    job.refresh_from_db()
    return job
