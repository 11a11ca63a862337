"""Settings of the test suite and of the type checker: the production settings, with what a test run lacks.

Production refuses to start without a secret key (config/settings.py): a run makes a throwaway key of its own,
kept in the environment so that the commands the tests start in a subprocess get it too. The test client speaks
plain HTTP: no redirect to HTTPS. Whatever the environment already sets wins.
"""

import os
import secrets

os.environ.setdefault("DANHGIA_SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("DANHGIA_SSL_REDIRECT", "0")

from config.settings import *  # noqa: F403
