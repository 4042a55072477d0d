"""First-party plugins of rhetoric, installed as the package ``rhetoric_plugins``.

They use only the public API (``rhetoric`` and ``rhetoric.hookspecs``) and are
registered through the ``rhetoric`` entry-point group, exactly like a third-party
plugin would be. Disable any of them by name (``--disable-plugin NAME``).
"""
