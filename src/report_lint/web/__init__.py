"""`report-lint serve`: the clerk's self-inspection page, a local web app on 127.0.0.1.

    from report_lint.web import create_app, WebSettings
    app = create_app(WebSettings(max_upload_mb=50, time_limit=120))   # an ASGI app (Starlette)

See docs/web.md. The page parses and checks uploads in worker processes (pool.py, job.py), draws the
result (view.py) and serves its own CSS and script (static/): nothing is fetched from or sent to the
internet.
"""
from __future__ import annotations

from .app import WebSettings, create_app

__all__ = ["WebSettings", "create_app"]
