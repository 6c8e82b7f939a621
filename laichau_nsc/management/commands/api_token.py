"""Make or revoke an API key: ``manage.py api_token USER --name "Kho dữ liệu" [--days 365]``
prints the key once (only its digest is kept); ``--revoke PREFIX`` revokes one."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from laichau_nsc.api.authentication import token_create, token_revoke
from laichau_nsc.models import ApiToken


class Command(BaseCommand):
    help = "Tạo hoặc thu hồi khóa API của một người dùng."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="API")
        parser.add_argument("--days", type=int, default=None)
        parser.add_argument("--revoke", metavar="PREFIX")

    def handle(self, *args, username, name, days, revoke, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Không có người dùng {username}.")
        if revoke:
            token = ApiToken.objects.filter(user=user, prefix=revoke).first()
            if token is None:
                raise CommandError(f"Không có khóa {revoke} của {username}.")
            token_revoke(token=token)
            self.stdout.write(f"Đã thu hồi khóa {revoke}.")
            return
        token, key = token_create(user=user, name=name, days=days)
        self.stdout.write(key)
