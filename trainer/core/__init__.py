"""Pure domain logic: never imports Textual (tests/core/test_purity.py enforces it)."""
