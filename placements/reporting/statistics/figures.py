"""The figures: every table of the report, from a handful of queries (``data``), one module per
section."""

from __future__ import annotations

from placements.reporting.statistics.cells import Report
from placements.reporting.statistics.data import _Data
from placements.reporting.statistics.employers import _employer_section
from placements.reporting.statistics.esf import _esf_section
from placements.reporting.statistics.method import _method_section
from placements.reporting.statistics.outcomes import _outcome_section
from placements.reporting.statistics.participants import _participant_section
from placements.reporting.statistics.scope import Scope
from placements.reporting.statistics.validations import _validation_section

SECTION_BUILDERS = {
    "participants": _participant_section,
    "outcomes": _outcome_section,
    "method": _method_section,
    "employers": _employer_section,
    "validations": _validation_section,
    "esf": _esf_section,
}


def build_report(scope: Scope) -> Report:
    data = _Data(scope)
    return Report(scope, [SECTION_BUILDERS[key](data) for key in scope.sections])
