"""Password reset that cannot be used to flood mailboxes or to learn who has an account.

Requests are limited per client address (a refusal says so) and per e-mail address (silently:
the page looks the same whether or not a message was sent, so it tells nothing about the
account). The message goes through the outbox, with a link to ``SITE_URL``.
"""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from . import jobs
from .client import client_ip
from .forms import PasswordResetForm
from .models import OutboundEmail
from .ratelimit import over_limit


class PortalPasswordResetForm(PasswordResetForm):
    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict,
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        """Queue the message in the outbox instead of sending it inside the request."""
        context = {**context, "site_url": settings.SITE_URL}
        subject = " ".join(render_to_string(subject_template_name, context).split())
        body = render_to_string(email_template_name, context)
        html = (
            render_to_string(html_email_template_name, context) if html_email_template_name else ""
        )
        jobs.submit(
            OutboundEmail,
            template=email_template_name,
            to=[to_email],
            subject=subject[:300],
            body_text=body,
            body_html=html,
        )


class PortalPasswordResetView(auth_views.PasswordResetView):
    form_class = PortalPasswordResetForm

    def form_valid(self, form: PortalPasswordResetForm) -> HttpResponse:
        if over_limit(
            "password-reset-ip",
            client_ip(request=self.request),
            limit=settings.PORTAL_PASSWORD_RESETS_PER_HOUR,
        ):
            form.add_error(
                None,
                _(
                    "Đã có quá nhiều yêu cầu đặt lại mật khẩu từ máy này. Vui lòng thử lại sau "
                    "một giờ."
                ),
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        email = form.cleaned_data["email"].strip().lower()
        if over_limit(
            "password-reset-account", email, limit=settings.PORTAL_PASSWORD_RESETS_PER_ACCOUNT
        ):
            # Same answer as a sent message: the limit must not reveal whether the account exists.
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)
