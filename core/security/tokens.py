"""API tokens that expire, can be revoked, and are obtained under the same lockout as the login page.

- ``POST /api/v1/auth/token/`` with username and password: a fresh token (any older one of the
  user is replaced). Failures count towards django-axes' lockout of the username + address pair,
  exactly like the login page; a success resets the count.
- ``DELETE /api/v1/auth/token/``: the signed-in user revokes their token.
- ``DELETE /api/v1/auth/tokens/<user id>/``: an administrator revokes a user's token (also in the
  Django admin under "Tokens").
- A token older than ``API_TOKEN_TTL`` is refused (401) and deleted.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate, user_logged_in
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.choices import Role
from core.models import User
from core.roles import role_of
from core.security.authentication import ExpiringTokenAuthentication


class TokenInputSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class TokenOutputSerializer(serializers.Serializer):
    token = serializers.CharField()
    expires = serializers.DateTimeField()


class LockedOut(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = "Too many failed attempts; try again later."
    default_code = "locked_out"


class ObtainTokenView(APIView):
    authentication_classes = [ExpiringTokenAuthentication]
    permission_classes = [AllowAny]

    def get_permissions(self):
        if self.request.method == "DELETE":
            return [IsAuthenticated()]
        return super().get_permissions()

    @extend_schema(
        request=TokenInputSerializer,
        responses={
            200: TokenOutputSerializer,
            400: OpenApiResponse(description="Wrong username or password."),
            429: OpenApiResponse(description="Locked out after too many failures."),
        },
        auth=[],
    )
    def post(self, request):
        data = TokenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        http_request = request._request  # axes reads and marks the plain Django request
        user = authenticate(
            request=http_request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if getattr(http_request, "axes_locked_out", False):
            raise LockedOut()
        if user is None or not user.is_active:
            raise exceptions.ValidationError(
                {"non_field_errors": [_("Wrong username or password.")]}
            )
        # Counts as a login: resets the failure count (AXES_RESET_ON_SUCCESS), sets last_login.
        user_logged_in.send(sender=user.__class__, request=http_request, user=user)
        Token.objects.filter(user=user).delete()
        token = Token.objects.create(user=user)
        return Response(
            {"token": token.key, "expires": token.created + settings.API_TOKEN_TTL},
            status=status.HTTP_200_OK,
        )

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class RevokeTokenView(APIView):
    """An administrator revokes another user's API token."""

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, user_id: int):
        if role_of(request.user) != Role.ADMIN:
            raise exceptions.PermissionDenied(_("Administrators only."))
        user = get_object_or_404(User, pk=user_id)
        Token.objects.filter(user=user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
