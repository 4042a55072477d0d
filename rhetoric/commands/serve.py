"""``rhetoric serve``: the HTTP service (needs ``rhetoric[server]``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from . import EXIT_OK, UsageError, analyzer_config, build_analyzer


def run(args: argparse.Namespace, out: TextIO) -> int:
    from ..service.launch import (
        ServeOptions,
        ServerOptions,
        build_service,
        require_server,
        serve,
    )

    try:
        require_server()
    except ImportError as exc:
        raise UsageError(str(exc)) from None
    if args.workers < 1:
        raise UsageError("--workers must be at least 1")
    options = ServeOptions(
        analyzer=analyzer_config(args),
        server=ServerOptions(
            host=args.host,
            port=args.port,
            workers=args.workers,
            access_log=not args.no_access_log,
            limit_concurrency=args.max_connections,
            header_timeout=args.header_timeout,
        ),
        policy=Path(args.policy) if args.policy else None,
        token_file=Path(args.token_file) if args.token_file else None,
        coral_secret_file=Path(args.coral_secret_file) if args.coral_secret_file else None,
        coral_review_status=args.coral_review_status,
        max_body_bytes=args.max_body,
        max_batch=args.max_batch,
        max_text_chars=args.max_text,
        body_timeout=args.body_timeout,
        live_page=not args.no_live_page,
    )
    # Built here even for several workers: it proves the options sound (and the
    # selection, policy and secrets valid) before any worker starts.
    service = build_service(options, build_analyzer(args))
    loopback = args.host in ("127.0.0.1", "localhost", "::1")
    if not loopback and service.settings.token is None:
        sys.stderr.write(
            f"rhetoric: warning: serving on {args.host} without a token: anyone who can "
            "reach it can use it (set RHETORIC_TOKEN or --token-file)\n"
        )
    if options.server.workers > 1:
        del service  # each worker builds its own from the options
        serve(options, None)
    else:
        serve(options, service)
    return EXIT_OK
