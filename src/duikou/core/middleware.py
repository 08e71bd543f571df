"""Request middleware: the change context, and Chinese first whatever the browser says."""

from django.conf import settings
from django.utils import translation

from .context import change_context


class ChineseFirstLocaleMiddleware:
    """Use the language the user chose (the language cookie), else LANGUAGE_CODE (zh-hans).

    Django's LocaleMiddleware would follow the browser's Accept-Language, and
    intranet machines often run English-language browsers; Duikou is Chinese
    first and English on request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        with translation.override(language):  # restored afterwards: the thread serves other requests
            request.LANGUAGE_CODE = translation.get_language()
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class ChangeContextMiddleware:
    """Every write of a web request is logged with its user, the page it came through and one request id.

    The API opens its own context once DRF has authenticated the request (`core.api.views`), adding the
    token; this one covers the pages.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user if getattr(request, "user", None) and request.user.is_authenticated else None
        with change_context(
            user=user, source="web", note=f"{request.method} {request.path}"[:200], request_path=request.path
        ) as context:
            request.change_context = context
            return self.get_response(request)
