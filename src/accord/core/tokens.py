"""How Accord keeps the secrets it hands out (API tokens, calendar feed addresses): only a
digest is stored, and a presented secret is looked up by the same digest."""

import hashlib


def token_hash(secret: str) -> str:
    """Such secrets are long random strings, so one SHA-256 is enough to keep them
    unreadable in the database (a slow password hash would only slow every request)."""
    return hashlib.sha256(secret.encode()).hexdigest()
