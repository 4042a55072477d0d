"""The Django app: wires moderation into django_comments' posting signals."""

from __future__ import annotations

from django.apps import AppConfig
from django.core import checks
from django.test.signals import setting_changed
from django.utils.translation import gettext_lazy as _


class RhetoricDjangoConfig(AppConfig):
    """``rhetoric.contrib.django``; the label is distinct so it can never clash with an
    app of the site's own called ``django`` or ``rhetoric``."""

    name = "rhetoric.contrib.django"
    label = "rhetoric_django"
    verbose_name = _("Rhetoric moderation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # django_comments' own CommentModerator hooks these same two signals; using
        # them directly covers every commentable model without registering each one,
        # and lets the pre-save step set is_removed and hand the report to post-save.
        import django_comments
        from django_comments import signals

        from . import moderation
        from .checks import check_settings

        model = django_comments.get_model()
        signals.comment_will_be_posted.connect(
            moderation.on_comment_will_be_posted, sender=model, dispatch_uid="rhetoric.pre"
        )
        signals.comment_was_posted.connect(
            moderation.on_comment_was_posted, sender=model, dispatch_uid="rhetoric.post"
        )
        setting_changed.connect(moderation.on_setting_changed, dispatch_uid="rhetoric.settings")
        checks.register(check_settings)
