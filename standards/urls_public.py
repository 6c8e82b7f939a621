"""Pages anyone may open without a login (namespace ``public``)."""

from django.urls import path

from . import views_public

app_name = "public"

urlpatterns = [
    path("tra-cuu-chung-chi/", views_public.certificate_check, name="certificate_check"),
]
