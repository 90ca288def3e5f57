"""The test suite. `tests/support/` holds code that only tests use."""
