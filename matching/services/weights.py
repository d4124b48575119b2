from __future__ import annotations

import math

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.models import Unit, User
from matching.engine import Weights, WeightsError
from matching.models import MatchWeights

MAX_WEIGHT = 100.0  # weights are relative; a bound keeps the weighted mean finite (1e308 → all 0)
FIELDS = ("skills", "validations", "geography", "adaptations_hours", "preferences", "load")


@transaction.atomic
def weights_update(*, unit: Unit, by: User, **values) -> MatchWeights:
    """Set the unit's weights: non-negative, and not all zero."""
    row = MatchWeights.objects.select_for_update().filter(unit=unit).first() or MatchWeights(
        unit=unit
    )
    errors = {}
    for field in FIELDS:
        if field in values:
            value = values[field]
            if value is None or not math.isfinite(value) or not 0 <= value <= MAX_WEIGHT:
                errors[field] = _("Give a weight between 0 and %(max)s.") % {"max": int(MAX_WEIGHT)}
            setattr(row, field, value)
    if errors:
        raise ValidationError(errors)
    try:
        Weights(**{f: getattr(row, f) for f in FIELDS})
    except WeightsError as exc:
        raise ValidationError({"non_field_errors": str(exc)}) from exc
    row.updated_by = by
    row.full_clean()
    row.save()
    return row
