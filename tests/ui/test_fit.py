from rich.cells import cell_len

from trainer.ui.fit import shorten_middle


def test_long_text_loses_its_middle_and_keeps_both_ends():
    name = "pydicom/data/test_files/CT_small.dcm"
    short = shorten_middle(name, 20)
    assert cell_len(short) == 20 and short.startswith("pydic") and short.endswith("small.dcm")
    assert "…" in short
    assert shorten_middle(name, 80) == name


def test_wide_characters_count_two_cells():
    short = shorten_middle("山田^太郎 " * 6, 11)
    assert cell_len(short) <= 11 and "…" in short
