from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from core.models import Unit, User
from matching.engine import Weights, WeightsError
from matching.models import MatchWeights

FIELDS = ("skills", "validations", "geography", "adaptations_hours", "preferences", "load")


@transaction.atomic
def weights_update(*, unit: Unit, by: User, **values) -> MatchWeights:
    """Set the unit's weights: non-negative, and not all zero."""
    row = MatchWeights.objects.select_for_update().filter(unit=unit).first() or MatchWeights(
        unit=unit
    )
    for field in FIELDS:
        if field in values:
            setattr(row, field, values[field])
    try:
        Weights(**{f: getattr(row, f) for f in FIELDS})
    except WeightsError as exc:
        raise ValidationError({"non_field_errors": str(exc)}) from exc
    row.updated_by = by
    row.full_clean()
    row.save()
    return row
