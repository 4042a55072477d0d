"""Moderation of django-contrib-comments with rhetoric.

Add ``"rhetoric.contrib.django"`` to ``INSTALLED_APPS`` (after ``"django_comments"``)
and run ``migrate``: every comment posted through the comments views is analysed, held
or removed by the moderation policy, and its report is stored as a
:class:`~rhetoric.contrib.django.models.CommentReport`. Settings live in
``settings.RHETORIC`` (see :mod:`rhetoric.contrib.django.conf`).

This package imports no Django model at import time, so it can be imported before
Django is set up.
"""
