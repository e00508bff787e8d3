"""The shape of an API token, "shk_<prefix>_<secret>", and how its secret is hashed."""

import hashlib
import secrets

from .constants import KEY_LABEL, PREFIX_ALPHABET, PREFIX_LENGTH, SECRET_ALPHABET, SECRET_LENGTH


def hash_secret(secret: str) -> str:
    """SHA-256 suffices: the secret is 238 random bits, so there is nothing to brute-force."""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_prefix() -> str:
    return "".join(secrets.choice(PREFIX_ALPHABET) for _ in range(PREFIX_LENGTH))


def new_secret() -> str:
    return "".join(secrets.choice(SECRET_ALPHABET) for _ in range(SECRET_LENGTH))


def format_token(prefix: str, secret: str) -> str:
    return f"{KEY_LABEL}_{prefix}_{secret}"


def parse_token(token: str) -> tuple[str, str] | None:
    """Split a token into (prefix, secret), or None when it is not shaped like one of ours."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_LABEL:
        return None
    prefix, secret = parts[1], parts[2]
    if len(prefix) != PREFIX_LENGTH or any(c not in PREFIX_ALPHABET for c in prefix):
        return None
    if len(secret) != SECRET_LENGTH or any(c not in SECRET_ALPHABET for c in secret):
        return None
    return prefix, secret
