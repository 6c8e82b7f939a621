"""The notifications page, marking notifications read, and the language switch that remembers.

Every signed-in user has a list of their own; nothing here reads another user's notifications
(``recipient=request.user`` in every query), so another user's notification is a 404.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from . import notifications
from .models import Notification

PER_PAGE = 20


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    """The user's notifications, newest first, unread ones marked."""
    queryset = Notification.objects.filter(recipient=request.user).only(
        "pk", "title", "body", "url", "created_at", "read_at"
    )
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "notifications/notification_list.html", {"page": page})


def _mark_read(request: HttpRequest, pk: int) -> Notification:
    try:
        return notifications.notification_mark_read(user=request.user, notification_id=pk)
    except Notification.DoesNotExist:
        raise Http404 from None


def _safe(request: HttpRequest, url: str) -> bool:
    return bool(url) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


@login_required
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the notification read and go to the record it is about."""
    notification = _mark_read(request, pk)
    if _safe(request, notification.url):
        return HttpResponseRedirect(notification.url)
    return redirect("notification_list")


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    _mark_read(request, pk)
    return _back_to_list(request)


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    notifications.notifications_mark_all_read(user=request.user)
    return _back_to_list(request)


def _back_to_list(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    return HttpResponseRedirect(target) if _safe(request, target) else redirect("notification_list")


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's ``set_language`` (cookie, redirect back), and for a signed-in user the choice is
    kept in their profile: notifications and e-mails are then written in that language."""
    response = django_set_language(request)
    if request.method == "POST" and request.user.is_authenticated:
        notifications.language_remember(user=request.user, language=request.POST.get("language"))
    return response
