from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from .jobs import collecting_undispatched


class PortalLocaleMiddleware(LocaleMiddleware):
    """Vietnamese unless the visitor chose another language with the switcher.

    Django's own middleware follows the browser's Accept-Language, which would show a
    provincial portal in English to anybody whose browser happens to be set that way.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class JobNoticeMiddleware:
    """Say so when a request saved work the broker could not take (``jobs.dispatch``).

    The request's transaction commits, and its jobs are handed over, inside this middleware;
    a job the broker refused stays pending in the database, and the user reads that it will run
    later instead of an error page claiming nothing happened.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with collecting_undispatched() as notices:
            response = self.get_response(request)
        for notice in dict.fromkeys(notices):
            messages.warning(request, notice)
        return response
