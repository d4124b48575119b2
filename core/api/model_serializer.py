"""DRF's ``ModelSerializer`` with its fields built from the model once (issue 22).

``ModelSerializer.get_fields`` reads the model's fields and builds a serializer field for each on
*every* instantiation: ~1.3 ms for a placement, more than the placements list spends in its
database. The fields it builds depend on the class alone (its ``Meta`` and declared fields), so they
are built once per class and language and each serializer gets copies of them, made the way DRF
copies its declared fields (``Field.__deepcopy__``: the field made anew from the arguments it was
made with). Per language: a model field's ``unique`` message is translated while the field is built.
``tests/core/test_model_serializer.py`` compares every serializer's fields with DRF's own build."""

from __future__ import annotations

import copy
import threading

from django.utils.translation import get_language
from rest_framework import serializers

_BUILT: dict[tuple[type, str | None], dict] = {}
_LOCK = threading.Lock()


class ModelSerializer(serializers.ModelSerializer):
    def get_fields(self):
        key = (type(self), get_language())
        built = _BUILT.get(key)
        if built is None:
            with _LOCK:
                built = _BUILT.setdefault(key, super().get_fields())
        return {name: copy.deepcopy(field) for name, field in built.items()}
