"""Moderating a django_comments comment: context, decision, what happens, the record.

The app connects two receivers (see :mod:`.apps`):

- ``comment_will_be_posted`` (before the comment is saved): run the analyzer and the
  policy, then hold the comment (``is_public=False``) on ``review``; on ``reject``
  either store it removed (``is_removed=True``, the default) or refuse the post.
- ``comment_was_posted`` (after it is saved, so it has a primary key): store the
  :class:`~.models.CommentReport`.

Hosts that create comments in code (imports, APIs) call the same three steps:
``outcome = moderate_comment(c)``, ``apply_outcome(c, outcome)``, ``c.save()``,
``store_report(c, outcome)``.

Rejected comments are stored removed by default rather than refused: a moderator can
audit what was removed and restore a false positive with the report beside it, nothing
the author wrote is lost, and a refused post tells an author exactly which wording to
change to get past the filter. ``remove_rejected: False`` refuses instead (HTTP 400
from the comments view; nothing is stored, the refusal is logged).

Nothing here may break comment posting: a failing analyzer, a broken setting or a
failing context hook is logged and the comment gets the ``on_error`` action (hold for
review by default), with the error stored in its report.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from rhetoric import Action, Analyzer, Comment, Decision, Moderator
from rhetoric.selection import unknown_id_problem
from rhetoric.wire import report_to_dict

from . import conf

logger = logging.getLogger("rhetoric.contrib.django")

# Where the pre-save receiver leaves the outcome for the post-save one: on the comment
# instance itself, so concurrent requests never see each other's outcome.
OUTCOME_ATTRIBUTE = "_rhetoric_outcome"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What moderation concluded for one comment.

    ``decision`` is ``None`` when the analysis failed; ``action`` is then the
    configured fallback and ``failure`` says what went wrong. ``errors`` lists every
    problem worth keeping with the report (failed plugins, detectors, context hook).
    """

    action: Action
    reasons: tuple[str, ...]
    context: Mapping[str, Any]
    decision: Decision | None = None
    failure: str | None = None
    errors: tuple[str, ...] = ()


class _LazyModerator:
    """The settings and moderator of this process, built on first use.

    Building loads plugins and compiles rules (a fraction of a second), so it happens
    once per process, not per comment, and not at start-up where a broken rule would
    stop ``manage.py`` commands that never see a comment. Double-checked locking lets
    many request threads ask at once while exactly one builds.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._value: tuple[conf.Settings, Moderator] | None = None

    def get(self) -> tuple[conf.Settings, Moderator]:
        value = self._value
        if value is None:
            with self._lock:
                value = self._value
                if value is None:
                    value = self._value = self._build()
        return value

    def peek(self) -> tuple[conf.Settings, Moderator] | None:
        """The built value, without building (the failure path must not retry)."""
        return self._value

    def reset(self) -> None:
        with self._lock:
            self._value = None

    @staticmethod
    def _build() -> tuple[conf.Settings, Moderator]:
        return build()


def build() -> tuple[conf.Settings, Moderator]:
    """The settings and a moderator built from them (what ``manage.py check`` tries too).

    :raises ImproperlyConfigured: ``config.select``/``config.ignore`` name an id the
        analyzer does not know (a typo there would silently moderate nothing).
    """
    settings = conf.load()
    analyzer = Analyzer.from_config(
        settings.config, plugin_modules=settings.plugins, plugin_dirs=settings.plugin_dirs
    )
    known = analyzer.known_ids()
    for key in ("select", "ignore"):
        if problem := unknown_id_problem(getattr(settings.config, key), known):
            raise ImproperlyConfigured(f"settings.{conf.SETTING}['config']['{key}']: {problem}")
    return settings, Moderator(analyzer, settings.policy)


_lazy = _LazyModerator()


def get_moderator() -> Moderator:
    """This process's :class:`rhetoric.Moderator` (built on first call)."""
    return _lazy.get()[1]


def reset() -> None:
    """Forget the moderator: the next comment rebuilds it from the current settings and
    re-reads the rule files. Called when ``settings.RHETORIC`` changes (tests); hosts
    call it after editing rules or the policy."""
    _lazy.reset()


def current_settings() -> conf.Settings:
    """The settings in use; before the moderator is built (or when building failed),
    just the keys that say how to fail, so the fallback path still knows what to do."""
    value = _lazy.peek()
    return value[0] if value is not None else conf.load_lenient()


# --- context -------------------------------------------------------------------------


def author_role(user: Any) -> str:
    """The author's role in the vocabulary the policy and plugins use: ``admin``
    (superusers), ``staff``, ``moderator`` (django_comments' ``can_moderate``
    permission), ``authenticated`` or ``anonymous``.

    Superusers are ``admin`` rather than ``superuser`` because that is the name the
    ``trusted-roles`` plugin (and Coral) trust by default, so their comments, like
    staff's and moderators', are never rejected automatically.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return "anonymous"
    if user.is_superuser:
        return "admin"
    if user.is_staff:
        return "staff"
    if user.has_perm("django_comments.can_moderate"):
        return "moderator"
    return "authenticated"


def comment_context(comment: Any, request: Any = None) -> dict[str, Any]:
    """What the host knows about a comment, under the context keys plugins read:
    ``author_role``, ``author_id``, ``site``, ``content_type``, ``object_pk``,
    ``thread`` (the commented object: ``"app_label.model:pk"``) and, for threaded
    comment models with a ``parent``, ``parent``."""
    user = comment.user if getattr(comment, "user_id", None) else None
    if user is None and request is not None:
        user = getattr(request, "user", None)
    role = author_role(user)
    content_type = comment.content_type
    label = f"{content_type.app_label}.{content_type.model}" if content_type else None
    context: dict[str, Any] = {
        "author_role": role,
        "author_id": str(user.pk) if role != "anonymous" else None,
        "site": comment.site_id,
        "content_type": label,
        "object_pk": str(comment.object_pk),
        "thread": f"{label}:{comment.object_pk}",
    }
    parent = getattr(comment, "parent_id", None)
    if parent is not None:
        context["parent"] = str(parent)
    return context


# --- the three steps ------------------------------------------------------------------


def moderate_comment(comment: Any, request: Any = None) -> Outcome:
    """Decide what to do with a comment (saved or not). Never raises."""
    errors: list[str] = []
    context: dict[str, Any] = {}
    try:
        context = comment_context(comment, request)
        settings, moderator = _lazy.get()
        if settings.context is not None:
            try:
                context.update(settings.context(comment, request) or {})
            except Exception as exc:
                logger.exception("RHETORIC['context'] hook failed; moderating without it")
                errors.append(f"context hook: {type(exc).__name__}: {exc}")
        rhetoric_comment = Comment(
            id=str(comment.pk) if comment.pk is not None else "new",
            text=comment.comment,
            metadata=context,
        )
        decision = moderator.moderate(rhetoric_comment, context)
    except Exception as exc:
        fallback = current_settings().on_error
        logger.exception("comment analysis failed; falling back to %s", fallback.value)
        failure = f"{type(exc).__name__}: {exc}"
        return Outcome(
            action=fallback,
            reasons=(f"analysis failed: {failure}",),
            context=context,
            failure=failure,
            errors=(*errors, f"analysis failed: {failure}"),
        )
    errors.extend(decision.errors)
    errors.extend(f"{e.source}: {e.message}" for e in decision.report.errors)
    level = logging.DEBUG if decision.action is Action.ALLOW else logging.INFO
    logger.log(
        level,
        "comment on %s: %s %s",
        context.get("thread"),
        decision.action.value,
        "; ".join(decision.reasons),
    )
    return Outcome(
        action=decision.action,
        reasons=decision.reasons,
        context=decision.context,
        decision=decision,
        errors=tuple(errors),
    )


def apply_outcome(comment: Any, outcome: Outcome) -> bool:
    """Set the comment's flags before it is saved; ``False`` means refuse the post.

    Only ever makes a comment less visible: a hold set by another moderator (e.g. a
    ``CommentModerator``) is never lifted.
    """
    setattr(comment, OUTCOME_ATTRIBUTE, outcome)
    if outcome.action is Action.REVIEW:
        comment.is_public = False
    elif outcome.action is Action.REJECT:
        if not current_settings().remove_rejected:
            logger.warning(
                "comment on %s refused: %s",
                outcome.context.get("thread"),
                "; ".join(outcome.reasons),
            )
            return False
        comment.is_public = False
        comment.is_removed = True
    return True


def store_report(comment: Any, outcome: Outcome) -> Any:
    """Save the :class:`~.models.CommentReport` of a saved comment (replacing an
    earlier one); returns it, or ``None`` when it could not be stored (logged)."""
    from django_comments.models import Comment as CommentModel

    from .models import CommentReport

    if not isinstance(comment, CommentModel) or comment.pk is None:
        logger.warning("no report stored: %r is not a saved django_comments Comment", comment)
        return None
    fields: dict[str, Any] = {
        "action": outcome.action.value,
        "reasons": list(outcome.reasons),
        "context": _jsonable(outcome.context),
        "errors": list(outcome.errors),
        "failed": outcome.failure is not None,
        "verdict": "",
        "score": None,
        "techniques": [],
        "rules": [],
        "report": None,
    }
    if outcome.decision is not None:
        report = outcome.decision.report
        data = report_to_dict(report)
        data["id"] = str(comment.pk)
        fields.update(
            verdict=report.verdict.value,
            score=report.score,
            techniques=sorted({hit.technique for hit in report.hits}),
            rules=sorted({hit.rule for hit in report.hits}),
            report=data,
        )
    try:
        with transaction.atomic():  # a savepoint: a failed insert leaves the request usable
            stored, _ = CommentReport.objects.update_or_create(comment=comment, defaults=fields)
    except Exception:
        logger.exception("could not store the rhetoric report of comment %s", comment.pk)
        return None
    return stored


def _jsonable(value: Mapping[str, Any]) -> dict[str, Any]:
    """The context as JSON (host hooks may add dates, models...: kept as strings)."""
    result: dict[str, Any] = json.loads(json.dumps(dict(value), default=str))
    return result


# --- signal receivers (connected in apps.py) ---------------------------------------------


def on_comment_will_be_posted(
    sender: Any, comment: Any, request: Any = None, **kwargs: Any
) -> bool | None:
    """Moderate before saving; returning ``False`` makes the comments view refuse the
    post (HTTP 400), which happens only for ``reject`` with ``remove_rejected: False``."""
    outcome = moderate_comment(comment, request)
    return None if apply_outcome(comment, outcome) else False


def on_comment_was_posted(sender: Any, comment: Any, request: Any = None, **kwargs: Any) -> None:
    outcome = getattr(comment, OUTCOME_ATTRIBUTE, None)
    if outcome is not None:
        store_report(comment, outcome)


def on_setting_changed(setting: str, **kwargs: Any) -> None:
    if setting == conf.SETTING:
        reset()


__all__ = [
    "Outcome",
    "apply_outcome",
    "author_role",
    "comment_context",
    "current_settings",
    "get_moderator",
    "moderate_comment",
    "reset",
    "store_report",
]
