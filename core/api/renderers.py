"""The API's JSON, encoded by orjson (issue 22: a warm matches request spent more CPU turning its
answer into JSON than finding the ones who are out of reach).

The answer is DRF's JSON byte for byte, floats aside (the same number, written as orjson writes it:
``1e16`` where Python writes ``1e+16``): what Python's encoder does not do itself (dates and times,
decimals, lazy translations, numpy values, UUIDs as DRF writes them) goes to DRF's own encoder, one
value at a time, and ``\\u2028``/``\\u2029`` are escaped as DRF escapes them. Whatever orjson
refuses (an integer beyond 64 bits, nesting deeper than 254, text that is not valid Unicode) is
rendered by DRF as before. A pretty-printed answer (``; indent=4``, the browsable API) is DRF's.

One difference, on purpose: a float that is not a number (NaN, infinity) is written as ``null``.
DRF's strict JSON refuses it, which answered the whole request with a 500."""

from __future__ import annotations

import orjson
from rest_framework import renderers
from rest_framework.utils.encoders import JSONEncoder

_OPTIONS = (
    orjson.OPT_NON_STR_KEYS  # {1: …} as {"1": …}, as json.dumps writes it
    | orjson.OPT_PASSTHROUGH_DATETIME  # DRF's form: milliseconds, "Z" for UTC
    | orjson.OPT_PASSTHROUGH_DATACLASS  # DRF's encoder decides, as before
)
_DRF = JSONEncoder()


def _default(value):
    return _DRF.default(value)


class JSONRenderer(renderers.JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if not self.compact or self.ensure_ascii:
            return super().render(data, accepted_media_type, renderer_context)
        if self.get_indent(accepted_media_type, renderer_context or {}) is not None:
            return super().render(data, accepted_media_type, renderer_context)
        try:
            out = orjson.dumps(data, default=_default, option=_OPTIONS)
        except orjson.JSONEncodeError:
            return super().render(data, accepted_media_type, renderer_context)
        # As DRF: JSON that is also JavaScript (U+2028 and U+2029 end a line in a script).
        if b"\xe2\x80\xa8" in out or b"\xe2\x80\xa9" in out:
            out = out.replace(b"\xe2\x80\xa8", b"\\u2028").replace(b"\xe2\x80\xa9", b"\\u2029")
        return out
