"""The set-up shared by the app and the commands: one content root for everything, content
loaded once however many threads ask."""

from __future__ import annotations

import shutil
import threading

from trainer.core.context import Context
from trainer.core.paths import content_root


def test_a_content_root_brings_its_own_banks_blueprints_and_lessons(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(content_root() / "lessons", root / "lessons")
    (root / "question_bank" / "exams").mkdir(parents=True)
    shutil.copy(content_root() / "question_bank" / "uids.yaml", root / "question_bank")
    setup = Context.from_options(data_dir=tmp_path / "data", content_root=root)
    assert [bank.id for bank in setup.banks.banks] == ["uids"]
    assert setup.blueprints.blueprints == ()
    assert setup.lessons.lessons


def test_content_is_loaded_once_when_threads_ask_together(tmp_path, monkeypatch):
    import trainer.core.banks as banks

    calls = []
    real = banks.load_banks

    def counting(paths, **options):
        calls.append(1)
        return real(paths, **options)

    monkeypatch.setattr(banks, "load_banks", counting)
    setup = Context.from_options(data_dir=tmp_path)
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(setup.banks)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1 and all(catalog is seen[0] for catalog in seen)
