"""The stored outcome of moderating one comment, kept for moderators to audit."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CommentReport(models.Model):
    """What rhetoric found in a comment and what was done with it.

    ``report`` is the versioned wire form (``rhetoric.wire.report_to_dict``), so it can
    be read back with ``rhetoric.wire.report_from_dict`` or compared with the CLI's
    output; ``action``, ``verdict``, ``score``, ``techniques`` and ``rules`` repeat its
    essentials as columns for the admin's lists and filters. When the analysis failed,
    ``failed`` is set, ``action`` is the configured fallback, ``report`` is empty and
    ``errors`` says why.
    """

    class Action(models.TextChoices):
        ALLOW = "allow", _("allow")
        REVIEW = "review", _("review")
        REJECT = "reject", _("reject")

    class Verdict(models.TextChoices):
        CLEAN = "clean", _("clean")
        BORDERLINE = "borderline", _("borderline")
        FLAGGED = "flagged", _("flagged")

    comment = models.OneToOneField(
        "django_comments.Comment",
        on_delete=models.CASCADE,
        related_name="rhetoric_report",
        verbose_name=_("comment"),
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices, db_index=True)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    verdict = models.CharField(
        _("verdict"), max_length=12, choices=Verdict.choices, blank=True, db_index=True
    )
    score = models.FloatField(_("score"), null=True, blank=True)
    techniques = models.JSONField(_("techniques"), default=list, blank=True)
    rules = models.JSONField(_("rules"), default=list, blank=True)
    report = models.JSONField(_("report"), null=True, blank=True)
    context = models.JSONField(_("moderation context"), default=dict, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    failed = models.BooleanField(_("analysis failed"), default=False, db_index=True)
    created = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("comment report")
        verbose_name_plural = _("comment reports")
        ordering = ("-created", "-pk")

    def __str__(self) -> str:
        return f"comment {self.comment_id}: {self.action}"
