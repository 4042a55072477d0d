"""A minimal Django project for tests/test_django.py (and for ``makemigrations``)."""
