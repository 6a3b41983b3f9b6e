"""Database URLs as people see them: in messages, report headers and the CLI, never with a secret.

A URL carries secrets in two places: the password of its userinfo (``user:password@``) and its
query (``?password=…``, ``?sslpassword=…``, ``?token=…``). Both are shown as ``***``.
"""

from __future__ import annotations

import re

from sqlalchemy import URL

__all__ = ["display_url", "scrub_secrets"]

MASK = "***"
_PLACEHOLDER = "ASYNCFACTORIESMASKED"
#: Query keys whose values are secrets (matched anywhere in the key, any case).
_SECRET_KEY = re.compile(r"pass|pwd|secret|token|key|auth|credential", re.IGNORECASE)


def _is_secret(key: str) -> bool:
    return bool(_SECRET_KEY.search(key))


def display_url(url: URL) -> str:
    """``url`` as shown to a person: its password and secret query values replaced by ``***``."""
    query = {key: (_PLACEHOLDER if _is_secret(key) else value) for key, value in url.query.items()}
    return url.set(query=query).render_as_string(hide_password=True).replace(_PLACEHOLDER, MASK)


def _secrets(url: URL) -> list[str]:
    found = [url.password] if isinstance(url.password, str) and url.password else []
    for key, value in url.query.items():
        if _is_secret(key):
            found.extend(item for item in ((value,) if isinstance(value, str) else value) if item)
    return sorted(found, key=len, reverse=True)  # a secret inside a longer one is replaced after it


def scrub_secrets(message: str, url: URL) -> str:
    """``message`` (a driver's error, say) with every secret of ``url`` replaced by ``***``."""
    for secret in _secrets(url):
        # Whole values only: a short secret must not garble the words around it.
        message = re.sub(rf"(?<![A-Za-z0-9]){re.escape(secret)}(?![A-Za-z0-9])", MASK, message)
    return message
