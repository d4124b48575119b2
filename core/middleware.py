"""Request plumbing shared by every app."""

from __future__ import annotations

from django.utils import translation


class ApiLanguageMiddleware:
    """The API is not under ``i18n_patterns``; with ``prefix_default_language=False`` Django's
    LocaleMiddleware would force the default language (Swedish) on every unprefixed path, so API
    clients' ``Accept-Language`` was ignored. For ``/api/`` the language comes from the request
    (language cookie, then Accept-Language). Must come right after LocaleMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/api/"):
            language = translation.get_language_from_request(request, check_path=False)
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        if request.path_info.startswith("/api/"):
            response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response
