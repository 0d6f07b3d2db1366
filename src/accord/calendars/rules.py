"""How a calendar feed's secret is kept: only its hash is stored, and a request's token is
looked up by the same hash."""

import hashlib


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
