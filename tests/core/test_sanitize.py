from hypothesis import given
from hypothesis import strategies as st

from trainer.core.sanitize import strip_controls


def test_clear_screen_sequence_is_removed():
    assert strip_controls("DOE^JANE\x1b[2J\x1b[H") == "DOE^JANE"


def test_osc_title_and_bell_removed():
    assert strip_controls("a\x1b]0;pwned\x07b\x07") == "ab"


def test_newline_and_tab_kept_other_controls_removed():
    assert strip_controls("a\tb\nc\x00d\x9be") == "a\tb\ncde"


def test_truncates_with_ellipsis():
    assert strip_controls("x" * 10, max_length=5) == "xxxx…"


@given(st.text())
def test_result_never_holds_escape_or_c0_controls(text):
    clean = strip_controls(text)
    assert "\x1b" not in clean
    assert all(ch in "\t\n" or ord(ch) >= 0x20 for ch in clean)
    assert not any(0x7F <= ord(ch) <= 0x9F for ch in clean)


@given(st.text())
def test_has_controls_agrees_with_strip_controls(text):
    from trainer.core.sanitize import has_controls

    assert has_controls(text) == (strip_controls(text) != text)
