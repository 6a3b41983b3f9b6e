"""Type-checking fixtures run by ``tests/test_typing.py`` (``mypy --strict``); not pytest tests."""
