"""Serializer fields built once per class and language are the fields DRF builds (issue 22)."""

import pytest
from django.urls import get_resolver
from django.utils import translation
from rest_framework import serializers

from core.api.model_serializer import ModelSerializer


def _project_serializers() -> list[type]:
    assert get_resolver().url_patterns  # every API module (and so every serializer) is imported
    return sorted(
        _all_subclasses(ModelSerializer), key=lambda cls: f"{cls.__module__}.{cls.__qualname__}"
    )


def _shown(fields: dict) -> dict[str, str]:
    """Each field as DRF writes it (class, arguments, nested fields), and the SQL of the
    queryset a related field accepts from (the repr shows the rows, none in an empty database)."""
    shown = {}
    for name, field in fields.items():
        queryset = getattr(getattr(field, "child_relation", field), "queryset", None)
        sql = f" {queryset.all().query}" if queryset is not None else ""
        shown[name] = repr(field) + sql
    return shown


def test_every_model_serializer_of_the_api_uses_the_built_once_fields():
    assert len(_project_serializers()) >= 40
    plain = [
        cls
        for cls in _all_subclasses(serializers.ModelSerializer)
        if cls.__module__.split(".")[0] in {"core", "employers", "matching", "placements", "portal"}
        and not issubclass(cls, ModelSerializer)
    ]
    assert plain == []


def _all_subclasses(base: type) -> list[type]:
    found, todo = [], list(base.__subclasses__())
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["sv", "en"])
def test_each_serializers_fields_are_drfs_own_and_copies_for_each_instance(language):
    with translation.override(language):
        for cls in _project_serializers():
            drf = _shown(serializers.ModelSerializer.get_fields(cls()))
            first, second = cls().get_fields(), cls().get_fields()
            assert _shown(first) == drf == _shown(second), cls.__qualname__
            # Each instance binds fields of its own.
            assert all(first[name] is not second[name] for name in first), cls.__qualname__


@pytest.mark.django_db
def test_a_unique_fields_message_is_in_the_language_of_the_request():
    from core.api.serializers import UnitSerializer

    messages = {}
    for language in ("en", "sv", "en"):
        with translation.override(language):
            name = UnitSerializer().get_fields()["name"]
            unique = [v for v in name.validators if type(v).__name__ == "UniqueValidator"]
            messages.setdefault(language, set()).add(str(unique[0].message))
    assert len(messages["en"]) == 1 and messages["en"] != messages["sv"]
