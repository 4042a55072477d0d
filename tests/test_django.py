"""rhetoric.contrib.django: comments posted through django_comments' real view, with
Django's test client, into a real SQLite database (a file in a temporary folder,
built by the app's migrations).

Django's settings are configured by a module-scoped fixture (not at import), and
unconfigured again when this module is done, so other test modules never see them.
"""

from __future__ import annotations

import os
import re
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("django", reason="Django is not installed (pip install 'rhetoric[django]')")
pytest.importorskip(
    "django_comments",
    reason="django-contrib-comments is not installed (pip install 'rhetoric[django]')",
)

CLEAN = "Thanks for the thoughtful article, I learned a lot about the new bridge."
ABUSIVE = "You are a hectoring bully smoking crack, f*ck off"
SLUR = "You are a retard and everyone knows it."
TESTS = Path(__file__).resolve().parent

# django_comments' form module warns about Django 6's URLField default; not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore:The default scheme will be changed")


@pytest.fixture(scope="module")
def django_project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Configure Django from tests/django_project, migrate a fresh SQLite file."""
    import django
    from django.conf import ENVIRONMENT_VARIABLE, settings
    from django.core.management import call_command
    from django.db import connections
    from django.test.utils import setup_test_environment, teardown_test_environment
    from django.utils.functional import empty

    if settings.configured or ENVIRONMENT_VARIABLE in os.environ:
        pytest.skip("Django settings are already configured outside this module")
    added = str(TESTS) not in sys.path
    if added:
        sys.path.insert(0, str(TESTS))
    environment = False
    try:
        from django_project import settings as project

        values = {name: getattr(project, name) for name in dir(project) if name.isupper()}
        database = tmp_path_factory.mktemp("django") / "db.sqlite3"
        values["DATABASES"] = {
            "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(database)}
        }
        settings.configure(**values)
        django.setup()
        setup_test_environment()  # what Django's runner does: locmem mail, template context
        environment = True
        call_command("migrate", verbosity=0, interactive=False)
        yield
    finally:
        connections.close_all()
        if environment:
            teardown_test_environment()
        settings._wrapped = empty  # back to "not configured" for later modules
        if added:
            sys.path.remove(str(TESTS))


@pytest.fixture
def db(django_project: None) -> Iterator[None]:
    """Each test in a transaction that is rolled back, with a fresh moderator."""
    from django.db import transaction

    from rhetoric.contrib.django import moderation

    moderation.reset()
    with transaction.atomic():
        yield
        transaction.set_rollback(True)
    moderation.reset()


def post(client: Any, text: str) -> Any:
    """POST ``text`` as a comment on the current Site through the comments view, with
    the security fields the comment form would render."""
    from django.contrib.sites.models import Site
    from django.urls import reverse
    from django_comments.forms import CommentForm

    data = CommentForm(Site.objects.get_current()).generate_security_data()
    data.update(name="Reader", email="reader@example.org", url="", comment=text, honeypot="")
    return client.post(reverse("comments-post-comment"), data)


def only_comment() -> Any:
    from django_comments.models import Comment

    [comment] = Comment.objects.all()
    return comment


def make_user(name: str, **flags: Any) -> Any:
    from django.contrib.auth.models import User

    return User.objects.create_user(name, f"{name}@example.org", "pw", **flags)


# --- the flow through the real view ---------------------------------------------------


def test_clean_comment_is_public_and_its_report_says_allow(db: None) -> None:
    from django.test import Client

    response = post(Client(), CLEAN)
    assert response.status_code == 302, response.content
    comment = only_comment()
    assert comment.is_public and not comment.is_removed
    report = comment.rhetoric_report
    assert (report.action, report.verdict, report.score) == ("allow", "clean", 0.0)
    assert report.techniques == [] and report.rules == [] and report.reasons == []
    assert not report.failed and report.errors == []
    assert report.report["id"] == str(comment.pk) and report.report["hits"] == []
    assert report.context == {
        "author_role": "anonymous",
        "author_id": None,
        "site": 1,
        "content_type": "sites.site",
        "object_pk": "1",
        "thread": "sites.site:1",
    }


def test_abusive_comment_is_held_for_review_with_its_findings(db: None) -> None:
    from django.test import Client

    from rhetoric.wire import report_from_dict

    response = post(Client(), ABUSIVE)
    assert response.status_code == 302
    comment = only_comment()
    assert not comment.is_public and not comment.is_removed
    report = comment.rhetoric_report
    assert report.action == "review"
    assert report.reasons == ["strong findings at warning level or above"]
    assert report.verdict == "flagged" and report.score == pytest.approx(0.72)
    assert report.techniques == ["name-calling", "profanity"]
    assert report.rules == ["insult-template", "obscene-words"]
    assert report.report["schema_version"] == "1.2"
    stored = report_from_dict(report.report)  # the wire form reads back
    assert [hit.text for hit in stored.hits] == ["hectoring bully", "f*ck"]
    assert all(comment.comment[h.start : h.end] == h.text for h in stored.hits)


def test_rejected_comment_is_stored_removed_and_hidden_from_readers(db: None) -> None:
    from django.template import Context, Template
    from django.test import Client

    client = Client()
    for text in (CLEAN, ABUSIVE, SLUR):
        assert post(client, text).status_code == 302
    from django_comments.models import Comment

    rejected = Comment.objects.get(comment=SLUR)
    assert not rejected.is_public and rejected.is_removed
    report = rejected.rhetoric_report
    assert report.action == "reject" and report.reasons == ["contains a slur"]
    assert "slur" in report.techniques and "ableist-slurs" in report.rules
    # What django_comments' template tags show readers: only the clean comment.
    from django.contrib.sites.models import Site

    template = Template("{% load comments %}{% get_comment_count for site as n %}{{ n }}")
    assert template.render(Context({"site": Site.objects.get_current()})) == "1"


def test_rejected_comment_is_refused_when_configured(db: None) -> None:
    from django.test import Client, override_settings
    from django_comments.models import Comment

    from rhetoric.contrib.django.models import CommentReport

    with override_settings(RHETORIC={"remove_rejected": False}):
        assert post(Client(), SLUR).status_code == 400
        assert post(Client(), ABUSIVE).status_code == 302  # review is still a hold
    assert Comment.objects.filter(comment=SLUR).count() == 0
    assert CommentReport.objects.count() == 1


def test_staff_author_goes_to_review_not_reject(db: None) -> None:
    from django.test import Client, override_settings

    staff = make_user("editor", is_staff=True)
    client = Client()
    client.force_login(staff)
    assert post(client, SLUR).status_code == 302
    comment = only_comment()
    assert comment.user == staff
    assert not comment.is_public and not comment.is_removed
    report = comment.rhetoric_report
    assert report.action == "review"
    assert report.reasons == [
        "contains a slur",
        "author is trusted (staff): review instead of reject",
    ]
    assert report.context["author_role"] == "staff"
    assert report.context["author_id"] == str(staff.pk)

    # The trusted-roles plugin is what made the difference.
    comment.delete()
    with override_settings(RHETORIC={"config": {"disabled_plugins": ["trusted-roles"]}}):
        assert post(client, SLUR).status_code == 302
    comment = only_comment()
    assert comment.is_removed and comment.rhetoric_report.action == "reject"


def test_author_roles(db: None) -> None:
    from django.contrib.auth.models import AnonymousUser, Permission

    from rhetoric.contrib.django.moderation import author_role

    moderator = make_user("mod")
    moderator.user_permissions.add(Permission.objects.get(codename="can_moderate"))
    assert author_role(None) == "anonymous"
    assert author_role(AnonymousUser()) == "anonymous"
    assert author_role(make_user("reader")) == "authenticated"
    assert author_role(make_user("editor", is_staff=True)) == "staff"
    assert author_role(make_user("root", is_staff=True, is_superuser=True)) == "admin"
    assert author_role(type(moderator).objects.get(pk=moderator.pk)) == "moderator"


def test_comments_created_in_code_use_the_same_three_steps(db: None) -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.contrib.sites.models import Site
    from django_comments.models import Comment

    from rhetoric.contrib.django.moderation import apply_outcome, moderate_comment, store_report

    site = Site.objects.get_current()
    comment = Comment(
        content_type=ContentType.objects.get_for_model(site),
        object_pk=str(site.pk),
        site=site,
        user_name="importer",
        comment=ABUSIVE,
    )
    outcome = moderate_comment(comment)
    assert outcome.action == "review" and outcome.context["author_role"] == "anonymous"
    assert apply_outcome(comment, outcome) is True and comment.is_public is False
    comment.save()
    stored = store_report(comment, outcome)
    assert stored is not None and stored.techniques == ["name-calling", "profanity"]
    assert Comment.objects.get(pk=comment.pk).rhetoric_report == stored


# --- settings ----------------------------------------------------------------------------


def test_policy_file_and_analyzer_config_from_settings(db: None, tmp_path: Path) -> None:
    from django.test import Client, override_settings

    policy = tmp_path / "policy.yml"
    policy.write_text(
        "rules:\n  - action: reject\n    when: {techniques: [profanity]}\n"
        "    reason: no swearing here\n"
    )
    config = {"ignore": ["name-calling"], "readability": ["flesch_reading_ease"]}
    with override_settings(RHETORIC={"policy": policy, "config": config}):
        assert post(Client(), ABUSIVE).status_code == 302
    comment = only_comment()
    report = comment.rhetoric_report
    assert comment.is_removed and report.action == "reject"
    assert report.reasons == ["no swearing here"] and report.techniques == ["profanity"]
    assert "flesch_reading_ease" in report.report["readability"]


def test_context_hook_adds_to_the_context_and_cannot_break_posting(db: None) -> None:
    from django.test import Client, override_settings

    seen: list[tuple[Any, Any]] = []

    def newsroom(comment: Any, request: Any) -> dict[str, Any]:
        seen.append((comment.comment, request.path))
        return {"author_role": "moderator", "desk": "local news"}

    with override_settings(RHETORIC={"context": newsroom}):
        assert post(Client(), SLUR).status_code == 302
    assert seen == [(SLUR, "/comments/post/")]
    report = only_comment().rhetoric_report
    assert report.action == "review" and report.context["desk"] == "local news"

    def broken(comment: Any, request: Any) -> None:
        raise LookupError("directory offline")

    only_comment().delete()
    with override_settings(RHETORIC={"context": broken}):
        assert post(Client(), SLUR).status_code == 302
    report = only_comment().rhetoric_report
    assert report.action == "reject" and not report.failed
    assert report.errors == ["context hook: LookupError: directory offline"]


def test_bad_settings_are_reported_by_manage_py_check(db: None) -> None:
    from django.core.checks import run_checks
    from django.core.exceptions import ImproperlyConfigured
    from django.test import override_settings

    from rhetoric.contrib.django import conf

    assert not [m for m in run_checks() if m.id and m.id.startswith("rhetoric_django")]
    for bad, expected in [
        ({"polciy": "x.yml"}, "unknown key 'polciy' (did you mean 'policy'?)"),
        ({"config": {"selct": ["slur"]}}, "did you mean 'select'?"),
        ({"policy": {"default": "delete"}}, "action must be allow, review or reject"),
        ({"on_error": "ignore"}, "on_error"),
        ({"remove_rejected": "no"}, "remove_rejected"),
        ({"context": "no.such.module.hook"}, "context"),
    ]:
        with override_settings(RHETORIC=bad):
            with pytest.raises(ImproperlyConfigured, match=re.escape(expected)):
                conf.load()
            [message] = [m for m in run_checks() if m.id == "rhetoric_django.E001"]
            assert expected in message.msg


def test_settings_that_build_nothing_are_reported_by_manage_py_check(db: None) -> None:
    from django.core.checks import run_checks
    from django.test import override_settings

    for bad, expected in [
        ({"config": {"select": ["name-caling"]}}, "did you mean 'name-calling'?"),
        ({"policy": {"rules": [{"action": "reject", "when": {"techniques": ["slurr"]}}]}},
         "did you mean 'slur'?"),
    ]:  # fmt: skip
        with override_settings(RHETORIC=bad):
            [message] = [m for m in run_checks() if m.id == "rhetoric_django.E002"]
            assert "cannot build its moderator" in message.msg and expected in message.msg


# --- failures never break posting --------------------------------------------------------


def test_analyzer_failure_holds_the_comment_and_records_the_error(
    db: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from django.test import Client

    from rhetoric.contrib.django.moderation import get_moderator

    def explode(comment: Any) -> Any:
        raise RuntimeError("rule engine on fire")

    monkeypatch.setattr(get_moderator().analyzer, "check", explode)
    with caplog.at_level("ERROR", logger="rhetoric.contrib.django"):
        assert post(Client(), CLEAN).status_code == 302
    comment = only_comment()
    assert not comment.is_public and not comment.is_removed
    report = comment.rhetoric_report
    assert report.failed and report.action == "review" and report.report is None
    assert report.errors == ["analysis failed: RuntimeError: rule engine on fire"]
    assert report.verdict == "" and report.score is None
    assert report.context["thread"] == "sites.site:1"
    assert any("comment analysis failed" in r.getMessage() for r in caplog.records)


def test_broken_configuration_falls_back_to_the_configured_action(db: None, tmp_path: Path) -> None:
    from django.test import Client, override_settings

    missing = tmp_path / "missing.yml"
    with override_settings(RHETORIC={"policy": missing, "on_error": "allow"}):
        assert post(Client(), ABUSIVE).status_code == 302
    comment = only_comment()
    assert comment.is_public
    report = comment.rhetoric_report
    assert report.failed and report.action == "allow"
    assert "ImproperlyConfigured" in report.errors[0] and "missing.yml" in report.errors[0]


def test_a_report_that_cannot_be_stored_does_not_break_posting(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import DatabaseError
    from django.test import Client

    from rhetoric.contrib.django.models import CommentReport

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise DatabaseError("disk full")

    monkeypatch.setattr(CommentReport.objects, "update_or_create", refuse)
    assert post(Client(), ABUSIVE).status_code == 302
    comment = only_comment()
    assert not comment.is_public  # the hold happened before saving
    assert not CommentReport.objects.filter(comment=comment).exists()


# --- one moderator per process -----------------------------------------------------------


def test_moderator_is_built_once_across_threads_and_rebuilt_on_settings_change(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.test import override_settings

    from rhetoric.contrib.django import moderation

    builds: list[int] = []
    original = moderation._LazyModerator._build

    def slow_build() -> Any:
        builds.append(1)
        time.sleep(0.05)  # widen the window in which threads race
        return original()

    monkeypatch.setattr(moderation._LazyModerator, "_build", staticmethod(slow_build))
    got: list[Any] = []
    threads = [
        threading.Thread(target=lambda: got.append(moderation.get_moderator())) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(builds) == 1 and len(got) == 8 and len({id(m) for m in got}) == 1
    with override_settings(RHETORIC={"on_error": "allow"}):
        assert moderation.get_moderator() is not got[0]
    assert len(builds) == 2


# --- admin and migrations ----------------------------------------------------------------


def test_admin_lists_filters_and_acts_on_reports(db: None) -> None:
    from django.test import Client
    from django.urls import reverse

    from rhetoric.contrib.django.models import CommentReport

    for text in (CLEAN, ABUSIVE):
        assert post(Client(), text).status_code == 302
    client = Client()
    client.force_login(make_user("root", is_staff=True, is_superuser=True))
    url = reverse("admin:rhetoric_django_commentreport_changelist")

    def listed(query: str = "") -> list[int]:
        response = client.get(url + query)
        assert response.status_code == 200
        return sorted(r.comment_id for r in response.context["cl"].result_list)

    clean = CommentReport.objects.get(action="allow")
    held = CommentReport.objects.get(action="review")
    assert listed() == sorted([clean.comment_id, held.comment_id])
    assert listed("?action__exact=review") == [held.comment_id]
    assert listed("?technique=profanity") == [held.comment_id]
    assert listed("?verdict__exact=clean") == [clean.comment_id]
    page = client.get(url).content.decode()
    assert "hectoring bully" in page and "name-calling, profanity" in page
    detail = client.get(reverse("admin:rhetoric_django_commentreport_change", args=[held.pk]))
    assert detail.status_code == 200 and "insult-template" in detail.content.decode()

    response = client.post(url, {"action": "publish_comments", "_selected_action": [held.pk]})
    assert response.status_code == 302
    held.comment.refresh_from_db()
    assert held.comment.is_public and not held.comment.is_removed


def test_migrations_match_the_models(db: None) -> None:
    from django.core.management import call_command

    call_command("makemigrations", "rhetoric_django", check=True, dry_run=True, verbosity=0)
