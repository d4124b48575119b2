"""API token authentication with expiry (``API_TOKEN_TTL``). Kept free of view imports: DRF
loads it while building ``APIView`` itself."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication


def api_tokens_revoke(*, user) -> int:
    """End every API token of the user (sign-out, a new password, an administrator's revoke);
    returns how many there were."""
    from rest_framework.authtoken.models import Token

    deleted, _per_model = Token.objects.filter(user=user).delete()
    return deleted


def token_expired(token) -> bool:
    return token.created < timezone.now() - settings.API_TOKEN_TTL


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            token.delete()
            raise exceptions.AuthenticationFailed(_("The token has expired; obtain a new one."))
        return user, token
