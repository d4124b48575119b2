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


# The statuses any operation may answer besides its own success, each in the one error shape of
# core.api.exceptions (issue 20: schemathesis found ~200 answers the schema did not document).
ERROR_RESPONSES = {
    "400": "Invalid input: a field, a query parameter (an unknown one included) or the body.",
    "401": "Not signed in, or the session or token has ended.",
    "403": "Signed in, but the role may not do this.",
    "404": "No such object among those the user may see (or no such page of a list).",
    "429": "Too many requests or failed attempts; try again later.",
    "503": "The service is briefly unavailable (a database or broker outage); retry later.",
}
BODY_ERROR_RESPONSES = {"415": "The body's content type is not one the operation reads."}

ERROR_SCHEMA = {
    "type": "object",
    "description": (
        "Field name → messages. Errors that belong to no field are under ``non_field_errors``; "
        "a nested field's errors are an object of the same shape."
    ),
    "additionalProperties": {
        "anyOf": [
            {"type": "array", "items": {}},
            {"type": "object"},
            {"type": "string"},
        ]
    },
    "example": {"orgnr": ["“123” is not a valid Swedish organisation number."]},
}


def error_responses_hook(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation documents the error statuses it may
    answer, in the one error shape (``Error``), unless the view documents that status itself."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            extra = dict(ERROR_RESPONSES)
            if "requestBody" in operation:
                extra.update(BODY_ERROR_RESPONSES)
            for code, description in extra.items():
                responses.setdefault(code, {"description": description, "content": content})
    return result
