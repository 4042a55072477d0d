"""URLs of the test project: the comments views and the admin."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("comments/", include("django_comments.urls")),
    path("admin/", admin.site.urls),
]
