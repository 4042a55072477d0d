"""Admin for stored reports: what was decided, why, and the comment to act on.

Reports are records of what happened, so they are read-only; moderators act on the
comment (publish or remove it) with django_comments' own moderation steps, which
also record who did it as a comment flag.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import CommentReport

MODERATE_PERMISSION = "django_comments.can_moderate"


class TechniqueFilter(admin.SimpleListFilter):
    """Reports with at least one hit of a technique: every technique the running
    analyzer knows, the built-in vocabulary and what plugins register alike."""

    title = _("technique")
    parameter_name = "technique"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        try:
            from .moderation import get_moderator

            techniques = {t.id: t.name for t in get_moderator().analyzer.techniques}
        except Exception:  # a broken configuration must not break the admin page
            return []
        return sorted(techniques.items())

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if not value:
            return queryset
        # The JSON text of the list holds '"name-calling"'; this works on every
        # database (JSON containment lookups do not exist on SQLite).
        return queryset.filter(techniques__icontains=json.dumps(value))


@admin.register(CommentReport)
class CommentReportAdmin(admin.ModelAdmin):
    list_display = (
        "comment_link",
        "excerpt",
        "action",
        "verdict",
        "score",
        "technique_list",
        "comment_state",
        "failed",
        "created",
    )
    list_filter = (
        "action",
        "verdict",
        TechniqueFilter,
        "failed",
        "comment__is_public",
        "comment__is_removed",
        "created",
    )
    search_fields = ("comment__comment", "comment__user_name", "comment__user__username")
    date_hierarchy = "created"
    list_select_related = ("comment",)
    ordering = ("-created", "-pk")
    actions = ("publish_comments", "remove_comments")
    fields = (
        "comment_link",
        "excerpt",
        "comment_state",
        "action",
        "reasons",
        "verdict",
        "score",
        "techniques",
        "rules",
        "failed",
        "errors",
        "context",
        "report_json",
        "created",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm(MODERATE_PERMISSION))

    @admin.display(description=_("comment"), ordering="comment")
    def comment_link(self, obj: CommentReport) -> str:
        comment = obj.comment
        try:
            url = reverse(
                f"admin:{comment._meta.app_label}_{comment._meta.model_name}_change",
                args=(comment.pk,),
            )
        except NoReverseMatch:  # the comments admin is not installed
            return f"#{comment.pk}"
        return format_html('<a href="{}">#{}</a>', url, comment.pk)

    @admin.display(description=_("text"))
    def excerpt(self, obj: CommentReport) -> str:
        text = obj.comment.comment
        return text if len(text) <= 80 else text[:79] + "…"

    @admin.display(description=_("techniques"))
    def technique_list(self, obj: CommentReport) -> str:
        return ", ".join(obj.techniques)

    @admin.display(description=_("comment is"))
    def comment_state(self, obj: CommentReport) -> str:
        if obj.comment.is_removed:
            return str(_("removed"))
        return str(_("public") if obj.comment.is_public else _("held"))

    @admin.display(description=_("report"))
    def report_json(self, obj: CommentReport) -> str:
        return format_html("<pre>{}</pre>", json.dumps(obj.report, indent=2, ensure_ascii=False))

    @admin.action(description=_("Publish the selected comments"), permissions=["moderate"])
    def publish_comments(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        from django_comments.views.moderation import perform_approve

        self._moderate(request, queryset, perform_approve, _("published"))

    @admin.action(description=_("Remove the selected comments"), permissions=["moderate"])
    def remove_comments(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        from django_comments.views.moderation import perform_delete

        self._moderate(request, queryset, perform_delete, _("removed"))

    def _moderate(
        self, request: HttpRequest, queryset: QuerySet[Any], step: Any, done: Any
    ) -> None:
        count = 0
        for report in queryset.select_related("comment"):
            step(request, report.comment)
            count += 1
        message = ngettext("%(count)d comment %(done)s.", "%(count)d comments %(done)s.", count)
        self.message_user(request, message % {"count": count, "done": done}, messages.SUCCESS)
