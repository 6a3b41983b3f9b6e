"""Hypothesis profiles of the zero-config property test (``test_property_schemas.py``).

``--hypothesis-profile=long`` runs 500 random schemas per database. Hypothesis loads a profile
before pytest reaches this folder's conftest, so the registration lives here: imported by
``tests/autogen/conftest.py`` (enough for ``pytest tests/autogen --hypothesis-profile=long``)
and, for a whole-suite run, by ``tests/conftest.py``.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

__all__ = ["LONG_EXAMPLES"]

LONG_EXAMPLES = 500

settings.register_profile(
    "long",
    max_examples=LONG_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
