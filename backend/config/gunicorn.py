"""gunicorn in production: `gunicorn -c python:backend.config.gunicorn backend.config.wsgi`.

Sync workers, as many as gunicorn's own rule of thumb (2 × cores + 1): a request spends much of
its time waiting for PostgreSQL, so a core can keep more than one worker busy. WEB_CONCURRENCY
overrides the count. The benchmark (bench/) serves with exactly this file.
"""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"  # noqa: S104
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
worker_class = "sync"
timeout = 30
# Recycle workers now and then so a slow leak can never grow without bound.
max_requests = 20_000
max_requests_jitter = 2_000
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
accesslog = None
