"""The settings the test suite runs on: the production settings (DJANGO_DEBUG off, so every
secure default applies), given a test-only secret key when the environment has none.

Production refuses to start without DJANGO_SECRET_KEY (config/settings.py); the suite must
not need one set by hand. Subprocesses the tests start (Celery workers, `check --deploy`)
inherit the key through the environment.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-" + "x" * 40)

from config.settings import *  # noqa: E402, F403

# The test client speaks plain HTTP; the redirect to HTTPS has its own tests
# (tests/config/test_deploy_settings.py).
SECURE_SSL_REDIRECT = False
