"""Test settings: the real settings with a fast password hash and unhashed static names, and a
throwaway var/ directory (uploads, exports, keys) so tests never touch the repository's."""

import atexit
import os
import shutil
import tempfile

_VAR = tempfile.mkdtemp(prefix="minsheng-test-var-")
os.environ["MINSHENG_VAR_DIR"] = _VAR  # read by the settings below and by commands run from tests
atexit.register(shutil.rmtree, _VAR, True)

from minsheng.site.settings import *  # noqa: E402, F403
from minsheng.site.settings import STATIC_ROOT, STORAGES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# whitenoise serves from STATIC_ROOT in production (after collectstatic); tests use the finders.
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
