"""The API's JSON renderer (core/api/renderers.py): orjson's speed, DRF's answer.

Each payload is rendered by both; the bytes must be the same (floats: the same numbers), the
fallbacks must give DRF's bytes, and the browsable API and pretty printing stay DRF's."""

import datetime as dt
import decimal
import json
import uuid
import zoneinfo

import numpy as np
import pytest
from django.db import models
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from hypothesis import given
from hypothesis import strategies as st
from rest_framework import renderers as drf
from rest_framework.settings import api_settings

from core.api.renderers import JSONRenderer


class Colour(models.TextChoices):
    RED = "red", "Röd"


class Size(models.IntegerChoices):
    SMALL = 1, "Liten"


STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")

# What views hand the renderer: serializer output (already text) and raw values in plain
# Response dicts (engine figures, dates, lazy labels).
PAYLOADS = {
    "empty list": [],
    "empty dict": {},
    "scalars": {"a": 1, "b": True, "c": None, "d": "text", "e": -7},
    "swedish text": {"namn": "Åsa Öberg-Ängström", "emoji": "🙂", "quote": 'sa "hej"\n\\'},
    "control characters": {"text": "a\tb\x01c\x1f"},
    "line separators": {"text": "rad\u2028nästa\u2029stycke"},
    "integer keys": {1: "one", 2: {3: "three"}},
    "bool and none keys": {True: 1, None: 2},
    "utc datetime with microseconds": {"at": dt.datetime(2026, 12, 7, 9, 5, 3, 123456, dt.UTC)},
    "utc datetime without microseconds": {"at": dt.datetime(2026, 12, 7, 9, 5, 3, tzinfo=dt.UTC)},
    "stockholm datetime": {"at": dt.datetime(2026, 7, 1, 8, 0, 0, 500, tzinfo=STOCKHOLM)},
    "naive datetime": {"at": dt.datetime(2026, 1, 2, 3, 4, 5)},
    "date": {"on": dt.date(2026, 2, 28)},
    "time": {"at": dt.time(7, 30, 15, 250000)},
    "timedelta": {"for": dt.timedelta(days=1, seconds=30)},
    "decimal": {"amount": decimal.Decimal("12.50")},
    "uuid": {"id": uuid.UUID("12345678-1234-5678-1234-567812345678")},
    "lazy translation": {"label": gettext_lazy("Skills")},
    "safe string": {"html": mark_safe("<b>fet</b>")},
    "text choice": {"colour": Colour.RED, Colour.RED: "key"},
    "integer choice": {"size": Size.SMALL},
    "numpy values": {"i": np.int64(7), "f": np.float64(0.25), "a": np.array([1, 2, 3])},
    "tuple and set": {"t": (1, 2), "s": {3}},
    "nested": [{"breakdown": [{"code": "skills", "value": 0.5, "percent": 50}]}] * 3,
}


def drf_render(data, media_type=None):
    return drf.JSONRenderer().render(data, media_type)


@pytest.mark.parametrize("name", PAYLOADS)
def test_same_bytes_as_drf(name):
    data = PAYLOADS[name]
    assert JSONRenderer().render(data) == drf_render(data)


def test_line_separators_escaped_as_drf_does():
    out = JSONRenderer().render({"text": "a\u2028b\u2029c"})
    assert out == b'{"text":"a\\u2028b\\u2029c"}'


@pytest.mark.parametrize(
    "data",
    [
        {"big": 2**70},  # beyond 64 bits
        {"surrogate": "\udc80"},  # not valid Unicode: DRF's error, not another
    ],
    ids=["big integer", "lone surrogate"],
)
def test_what_orjson_refuses_is_drf_s_answer(data):
    try:
        expected = drf_render(data)
    except Exception as exc:  # noqa: BLE001 — the same kind of failure is the rule here
        with pytest.raises(type(exc)):
            JSONRenderer().render(data)
    else:
        assert JSONRenderer().render(data) == expected


def test_deep_nesting_falls_back_to_drf():
    data: list = []
    for _ in range(300):  # orjson stops at 254 levels
        data = [data]
    assert JSONRenderer().render(data) == drf_render(data)


def test_unknown_object_is_refused_as_drf_refuses_it():
    with pytest.raises(TypeError):
        drf_render({"x": object()})
    with pytest.raises(TypeError):
        JSONRenderer().render({"x": object()})


def test_pretty_printing_is_drf_s():
    data = {"a": [1, {"b": "Å"}]}
    media = "application/json; indent=4"
    assert JSONRenderer().render(data, media) == drf_render(data, media)
    assert b"\n    " in JSONRenderer().render(data, media)


def test_none_renders_nothing():
    assert JSONRenderer().render(None) == b""


def test_not_a_number_is_null_not_an_error():
    with pytest.raises(ValueError, match="Out of range float"):
        drf_render({"score": float("nan")})
    assert json.loads(JSONRenderer().render({"score": float("nan"), "inf": float("inf")})) == {
        "score": None,
        "inf": None,
    }


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(st.text(max_size=8) | st.integers(-5, 5), children, max_size=5)
    ),
    max_leaves=30,
)


@given(json_values)
def test_any_json_value_reads_back_as_drf_s(data):
    data = {"value": data}  # a bare None renders as no body at all, in both
    assert json.loads(JSONRenderer().render(data)) == json.loads(drf_render(data))


def test_the_api_renders_with_it(api, guide):
    assert api_settings.DEFAULT_RENDERER_CLASSES[0] is JSONRenderer
    response = api(guide).get("/api/v1/me/")
    assert response.status_code == 200
    assert isinstance(response.accepted_renderer, JSONRenderer)
    assert response.content == drf_render(response.data)
