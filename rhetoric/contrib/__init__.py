"""Integrations with host frameworks, each behind its own optional extra.

Nothing here is imported by :mod:`rhetoric` itself, so the core never depends on a
web framework; ``pip install 'rhetoric[django]'`` brings what
:mod:`rhetoric.contrib.django` needs.
"""
