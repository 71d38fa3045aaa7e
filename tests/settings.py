"""Test settings: the real settings with a fast password hash and unhashed static names."""

from minsheng.site.settings import *  # noqa: F403
from minsheng.site.settings import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
