"""OpenAPI generation that says what the API really answers (issue 13, hole 7).

Views that read input with one serializer and answer with another (``input_serializer_class`` /
``output_serializer_class``, the input → service → output pattern) document the *output* as the
response of create, update and partial update, not the input. Explicit ``@extend_schema``
annotations still win."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema

WRITE_ACTIONS = ("create", "update", "partial_update")


class AutoSchema(SpectacularAutoSchema):
    def get_response_serializers(self):
        view = self.view
        if getattr(view, "action", None) in WRITE_ACTIONS:
            output = getattr(view, "output_serializer_class", None)
            if output is None and getattr(view, "input_serializer_class", None) is not None:
                output = getattr(view, "serializer_class", None)
            if output is not None:
                return output
        return super().get_response_serializers()
