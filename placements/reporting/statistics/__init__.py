"""Results and ESF reporting: every figure a unit reports, defined once (a package: ``cells``,
``scope``, ``data``, one module per section, ``figures`` assembling them, ``scb``).

The API, the pages, the CSV/XLSX exports and the print report all call :func:`build_report` and
render its tables with :func:`cell_text`, so they cannot disagree. Definitions (see the README):

* The period is ``start``–``end``, both days included. Which date decides: enrolment ``enrolled_on``,
  exit ``exited_on`` (not when it was recorded), practice/employment ``started_on``/``hired_on``,
  follow-ups ``planned_on`` (and ``done_on`` for punctuality), OCN ``registered_on`` /
  ``certificate_issued_on``, KGA ``assessed_on``, contact log ``occurred_on``.
* *Participants in the period*: enrolled on or before ``end`` and not exited before ``start``.
  They are exactly *active at the end* (no exit on or before ``end``) plus *exited in the period*
  (an exit dated within the period; if a person has several, the last one counts), so the headline
  numbers always add up.
* Shares of exits use the exits in the period as denominator. Percentages are computed from the
  whole counts and rounded once, at the end, half up, to whole percent.
* Cells counting fewer than 5 persons (1–4) show "<5" in anything for sharing outside the unit.
"""

from placements.reporting.statistics.cells import (
    SUPPRESS_BELOW,
    Cell,
    Report,
    Row,
    Section,
    Table,
    cell_text,
    half_up,
    percent,
)
from placements.reporting.statistics.data import (
    GENDERS,
    REPORT_OUTCOMES,
    gender_labels,
    outcome_labels,
)
from placements.reporting.statistics.figures import build_report
from placements.reporting.statistics.participants import Started, started_persons
from placements.reporting.statistics.scb import scb_export, scb_month_rows
from placements.reporting.statistics.scope import (
    ALL_SECTIONS,
    SCB_ROLES,
    STATS_ROLES,
    Scope,
    add_months,
    default_period,
    parse_filters,
    sections_for,
)

__all__ = [
    "ALL_SECTIONS",
    "GENDERS",
    "REPORT_OUTCOMES",
    "SCB_ROLES",
    "STATS_ROLES",
    "SUPPRESS_BELOW",
    "Cell",
    "Report",
    "Row",
    "Scope",
    "Section",
    "Started",
    "Table",
    "add_months",
    "build_report",
    "cell_text",
    "default_period",
    "gender_labels",
    "half_up",
    "outcome_labels",
    "parse_filters",
    "percent",
    "scb_export",
    "scb_month_rows",
    "sections_for",
    "started_persons",
]
