"""The licence and legitimation picker both sides use: the coordinator's profile form (required)
and the guide's participant form (held). Each licence by its name in the active language."""

from __future__ import annotations

from django import forms
from django.utils import translation

from core.models import Licence


def licence_name(obj: Licence) -> str:
    """The licence's name in the active language."""
    if (translation.get_language() or "").startswith("en") and obj.label_en:
        return obj.label_en
    return obj.label


class LicenceChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Licence.objects.filter(active=True))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def label_from_instance(self, obj: Licence) -> str:
        return licence_name(obj)


def licence_groups(bound_field) -> list[tuple[str, list]]:
    """The checkboxes of ``bound_field`` grouped by kind (driving, machine, legitimation). Each
    checkbox's value carries its licence (the field's one query), so the kinds cost none."""
    labels = dict(Licence._meta.get_field("kind").choices)
    groups: dict[str, list] = {}
    for box in bound_field:
        licence = getattr(box.data["value"], "instance", None)
        kind = licence.kind if licence is not None else ""
        groups.setdefault(kind, []).append(box)
    return [(str(labels.get(kind, kind)), boxes) for kind, boxes in groups.items()]
