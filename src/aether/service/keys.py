"""API keys: `<prefix>_<secret>` with a 256-bit secret, kept only as the prefix and
HMAC-SHA256(server pepper, secret), and checked in constant time.

The pepper comes from AETHER_PEPPER or a file created with mode 0600 in the data folder,
so a copy of the database alone cannot be used to test guessed keys.
"""

import hashlib
import hmac
import os
import secrets
from pathlib import Path

PEPPER_FILE = "pepper"
SECRET_BYTES = 32  # 256 bits
ADMIN_PREFIX = "aeadmin"


def load_pepper(folder: Path) -> bytes:
    """AETHER_PEPPER, else the pepper file in folder (created 0600 on first use)."""
    if os.environ.get("AETHER_PEPPER"):
        return os.environ["AETHER_PEPPER"].encode()
    path = folder / PEPPER_FILE
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
    return path.read_text().strip().encode()


def new_key(prefix: str | None = None) -> tuple[str, str, str]:
    """(key, prefix, secret): a fresh key whose prefix has no underscore."""
    prefix = prefix or "ak" + secrets.token_hex(6)
    secret = secrets.token_urlsafe(SECRET_BYTES)
    return f"{prefix}_{secret}", prefix, secret


def split_key(key: str) -> tuple[str, str] | None:
    """(prefix, secret), or None when the text is no key."""
    prefix, sep, secret = key.partition("_")
    return (prefix, secret) if sep and prefix and secret and len(key) <= 256 else None


def digest(pepper: bytes, secret: str) -> str:
    return hmac.new(pepper, secret.encode(), hashlib.sha256).hexdigest()


def matches(pepper: bytes, secret: str, stored_digest: str) -> bool:
    return hmac.compare_digest(digest(pepper, secret), stored_digest)
