"""The HTTP service: rhetoric for hosts that are not written in Python.

``create_app`` builds an ASGI application around a :class:`~rhetoric.Moderator`;
``rhetoric serve`` runs it with uvicorn (``pip install "rhetoric[server]"``).
"""

from .app import Service, create_app
from .settings import ServiceSettings

__all__ = ["Service", "ServiceSettings", "create_app"]
