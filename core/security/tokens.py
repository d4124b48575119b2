"""API tokens that expire, can be revoked, and are obtained under the same lockout as the login page.

- ``POST /api/v1/auth/token/`` with username and password: a fresh token (any older one of the
  user is replaced). Failures count towards django-axes' lockout of the username + address pair,
  exactly like the login page; a success resets the count.
- The second factor: a user with a confirmed device (``core.security.two_factor``) must also send
  ``otp``, a code from the authenticator app or one of their recovery codes; so must an
  administrator when ``OTP_REQUIRED_FOR_ADMINS`` is on (without a device they are told to set one
  up in the pages first). A missing code is a field error and counts as nothing; a wrong code
  counts as a failed sign-in towards the same lockout as a wrong password.
- ``DELETE /api/v1/auth/token/``: the signed-in user revokes their token.
- ``DELETE /api/v1/auth/tokens/<user id>/``: an administrator revokes a user's token (also in the
  Django admin under "Tokens").
- A token older than ``API_TOKEN_TTL`` is refused (401) and deleted.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate, user_logged_in, user_login_failed
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_otp import match_token, user_has_device
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.choices import Role
from core.models import User
from core.roles import is_admin, role_of
from core.security.authentication import ExpiringTokenAuthentication, api_tokens_revoke


class TokenInputSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False)
    otp = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        help_text=(
            "Required for a user with a second factor (and for administrators when it is "
            "required): a code from the authenticator app or a recovery code."
        ),
    )


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
            400: OpenApiResponse(
                description="Wrong username or password; second-factor code missing or wrong."
            ),
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
        self._check_second_factor(
            user, data.validated_data.get("otp", ""), data.validated_data["username"], http_request
        )
        # Counts as a login: resets the failure count (AXES_RESET_ON_SUCCESS), sets last_login.
        user_logged_in.send(sender=user.__class__, request=http_request, user=user)
        api_tokens_revoke(user=user)
        token = Token.objects.create(user=user)
        return Response(
            {"token": token.key, "expires": token.created + settings.API_TOKEN_TTL},
            status=status.HTTP_200_OK,
        )

    @staticmethod
    def _check_second_factor(user: User, code: str, username: str, http_request) -> None:
        """A user with a device must give a right code; an administrator must have a device when
        that is required. A wrong code is a failed sign-in for django-axes (same lockout)."""
        code = code.strip()
        if not user_has_device(user):
            if is_admin(user) and settings.OTP_REQUIRED_FOR_ADMINS:
                raise exceptions.ValidationError(
                    {"otp": [_("Set up a second factor in Brygga's pages before getting a token.")]}
                )
            return
        if not code:
            raise exceptions.ValidationError(
                {"otp": [_("A code from your authenticator app (or a recovery code) is required.")]}
            )
        if match_token(user, code) is not None:
            return
        user_login_failed.send(
            sender=__name__,
            credentials={"username": username},
            request=http_request,
        )
        if getattr(http_request, "axes_locked_out", False):
            raise LockedOut()
        raise exceptions.ValidationError({"otp": [_("The code is not right.")]})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        api_tokens_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RevokeTokenView(APIView):
    """An administrator revokes another user's API token."""

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, user_id: int):
        if role_of(request.user) != Role.ADMIN:
            raise exceptions.PermissionDenied(_("Administrators only."))
        user = get_object_or_404(User, pk=user_id)
        api_tokens_revoke(user=user)
        return Response(status=status.HTTP_204_NO_CONTENT)
