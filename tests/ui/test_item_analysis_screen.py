"""The instructors' item analysis section: the weakest questions first, the highlighted
one's choice rates below, bank text shown as plain text."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from trainer.ui.app import make_app
from trainer.ui.screens.items import ItemAnalysisScreen
from trainer.ui.sections import section


async def test_item_analysis_lists_answered_questions_weakest_first(tmp_path, clock):
    app = make_app(data_dir=tmp_path, clock=clock, seed=5)
    single = next(q for q in app.banks.questions if q.type == "single_choice")
    easy = next(q for q in app.banks.questions if q.type == "true_false")
    for learner in range(5):
        app.store.record_answer(single.full_id, "Z", correct=False, score=0, seconds=1,
                                mode="practice", session_id=f"s{learner}")
        app.store.record_answer(easy.full_id, easy.answer, correct=True, score=1, seconds=1,
                                mode="practice", session_id=f"s{learner}")
    async with app.run_test(size=(80, 24)) as pilot:
        section("item-analysis").open(app)
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ItemAnalysisScreen)
        table = screen.query_one(DataTable)
        assert table.row_count == 2
        assert str(table.get_row_at(0)[0]) == single.full_id  # nobody right: first
        assert "nobody right" in str(table.get_row_at(0)[4])
        detail = str(screen.query_one("#items-detail", Static).render())
        assert single.prompt.split()[0] in detail and "key " in detail
        await pilot.press("down")
        detail = str(screen.query_one("#items-detail", Static).render())
        assert easy.full_id in detail and "everybody right" in detail
        await pilot.press("escape")
        assert not isinstance(app.screen, ItemAnalysisScreen)


async def test_bank_text_is_not_read_as_markup(tmp_path, clock):
    from trainer.core.item_analysis import ItemStats
    from trainer.ui.screens.items import detail

    item = ItemStats("b/[bold]x[/bold]", "short_answer", "[red]prompt[/red]", 1, 0, 0.0, None,
                     (), (("[link=x]y[/link]", 1),), (), True)
    assert "[red]prompt[/red]" in detail(item).plain
