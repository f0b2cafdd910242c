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


def test_escape_shows_controls_bidi_and_invisible_characters_instead_of_obeying_them():
    from trainer.core.sanitize import escape_controls

    assert escape_controls("DOE\x1b[2J^JANE\x07") == "DOE\\x1b[2J^JANE\\x07"
    assert escape_controls("a\x9b31mb\x7f") == "a\\x9b31mb\\x7f"
    assert escape_controls("evil\u202etxt.dcm") == "evil\\u202etxt.dcm"
    assert escape_controls("x\u200by\u2066z\u2069\ufeff") == "x\\u200by\\u2066z\\u2069\\ufeff"
    assert escape_controls("tag\U000e0041") == "tag\\U000e0041"
    assert escape_controls("line\nnext\ttab") == "line\\x0anext\\x09tab"
    assert escape_controls("Müller^José 山田") == "Müller^José 山田"  # letters stay letters
    assert escape_controls("x" * 10, max_length=5) == "xxxx…"


@given(st.text())
def test_escaped_text_never_holds_a_control_or_invisible_character(text):
    import unicodedata

    from trainer.core.sanitize import escape_controls

    shown = escape_controls(text)
    assert shown.isprintable()
    assert all(unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp") for ch in shown)


def test_markdown_becomes_the_words_it_says():
    from trainer.core.markdown_text import markdown_text, one_line

    text = markdown_text(
        "Which are **IODs** in *PS3.3*? See `C-STORE` and [PS3.4](https://example.org/ps3.4)"
        " or [the lesson](lesson:uids#what).\n\n- first **item**\n- second\n\nDone.\x1b[2J"
    )
    assert "*" not in text and "`" not in text and "\x1b" not in text
    assert "Which are IODs in PS3.3? See C-STORE and PS3.4 (https://example.org/ps3.4)" in text
    assert "or the lesson." in text and "lesson:uids" not in text
    assert "- first item\n- second" in text
    assert one_line("**a**\n\nb  c", 80) == "a b c"
