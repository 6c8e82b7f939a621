"""Authentication events go to the ``laichau_nsc.auth`` log (who, from where, when).

django-axes records failed attempts in the database as well and locks out guessing.
"""

import logging

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .client import client_ip

logger = logging.getLogger("laichau_nsc.auth")


def _client_ip(request) -> str:
    return (client_ip(request) or "-") if request is not None else "-"


@receiver(user_logged_in)
def log_login(sender, request, user, **kwargs) -> None:
    logger.info("login user=%s ip=%s", user.get_username(), _client_ip(request))


@receiver(user_logged_out)
def log_logout(sender, request, user, **kwargs) -> None:
    name = user.get_username() if user is not None else "-"
    logger.info("logout user=%s ip=%s", name, _client_ip(request))


@receiver(user_login_failed)
def log_login_failed(sender, credentials, request=None, **kwargs) -> None:
    logger.warning(
        "login_failed user=%s ip=%s", credentials.get("username", "-"), _client_ip(request)
    )
