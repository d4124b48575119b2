"""The validations section: OCN validations by module and KGA assessments, by gender."""

from __future__ import annotations

from collections import Counter, defaultdict

from django.utils.translation import gettext as _

from matching.choices import OcnStatus
from matching.models import KgaAssessment
from placements.reporting.statistics.cells import Section, Table
from placements.reporting.statistics.data import _Data, _gender_cells, gender_labels


def _validation_section(d: _Data) -> Section:
    start, end = d.scope.start, d.scope.end
    cases = d.ocn_cases
    started: dict[str, Counter] = defaultdict(Counter)
    certified: dict[str, Counter] = defaultdict(Counter)
    titles: dict[str, str] = {}
    for pid, code, title, registered, issued, status in cases:
        titles[code] = f"{code} {title}"
        g = d.genders[pid]
        if start <= registered <= end:
            started[code][g] += 1
        if status == OcnStatus.CERTIFIED and issued and start <= issued <= end:
            certified[code][g] += 1
    labels = gender_labels()
    cols = [f"{_('Started')}: {g}" for g in labels] + [_("Started")]
    cols += [f"{_('Certified')}: {g}" for g in labels] + [_("Certified")]
    ocn = Table("ocn_by_module", _("OCN validations by module"), cols)
    keys = sorted(set(started) | set(certified))
    for code in keys:
        ocn.add(code, titles[code], _gender_cells(started[code]) + _gender_cells(certified[code]))
    all_started, all_cert = Counter(), Counter()
    for c in started.values():
        all_started.update(c)
    for c in certified.values():
        all_cert.update(c)
    ocn.add("total", _("Total"), _gender_cells(all_started) + _gender_cells(all_cert))
    assessments = list(
        KgaAssessment.objects.filter(
            participant__in=d.participant_ids, assessed_on__gte=start, assessed_on__lte=end
        ).values_list("participant_id", flat=True)
    )
    kga = Table("kga", _("KGA assessments"), [*labels, _("Total")])
    kga.add(
        "assessments", _("Assessments"), _gender_cells(Counter(d.genders[p] for p in assessments))
    )
    kga.add(
        "persons",
        _("Persons assessed"),
        _gender_cells(Counter(d.genders[p] for p in set(assessments))),
    )
    return Section("validations", _("Validations"), [ocn, kga])
