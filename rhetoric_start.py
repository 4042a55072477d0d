"""The ``rhetoric`` console script's entry, outside the package so that it runs before
the package is imported.

Why: importing ``rhetoric`` and ``rhetoric.cli`` makes some 200,000 objects that live
until the exit, and the cyclic collector ran about 35 times over them meanwhile (3% of
a cold start). Pausing it inside the package saves nothing: the first collection after
the pause walks everything the imports made. So the collector is off from here, and
:func:`rhetoric.cli.run` hands the pause to the command: ``check`` keeps it until its
analyzer is built and frozen; every other command gets the collector back at once.
"""

import gc


def run() -> None:
    """``rhetoric``: :func:`rhetoric.cli.run` with the collector off during the imports."""
    paused = gc.isenabled()  # off already (someone else's choice): leave it to them
    gc.disable()
    from rhetoric.cli import run as cli_run

    cli_run(collector_off=paused)
