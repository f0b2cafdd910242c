import subprocess
import sys

from trainer import __version__
from trainer.cli import main


def run(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "trainer", *args], capture_output=True, text=True, env=env
    )


def test_version():
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"pacs-trainer {__version__}"


def test_help_lists_commands_and_options():
    result = run("--help")
    assert result.returncode == 0
    for word in ("--data-dir", "--seed", "--bank-dir", "registry"):
        assert word in result.stdout


def test_bad_progress_file_gives_one_clear_line_and_no_traceback(tmp_path, capsys):
    (tmp_path / "progress.sqlite3").write_text("not a database")
    status = main(["--data-dir", str(tmp_path)])
    err = capsys.readouterr().err
    assert status == 1
    assert err.startswith("pacs-trainer: error: progress.sqlite3 is not a pacs-trainer")
    assert "--data-dir" in err and "Traceback" not in err
    assert (tmp_path / "progress.sqlite3").read_text() == "not a database"


def test_bad_argument_is_one_line_and_exit_2():
    result = run("--seed", "abc")
    assert result.returncode == 2
    assert "invalid int value: 'abc'" in result.stderr


def test_a_command_help_lists_only_its_own_options_but_takes_the_global_ones(tmp_path, capsys):
    import pytest

    with pytest.raises(SystemExit):
        main(["history", "--help"])
    out = capsys.readouterr().out
    assert "--json" in out
    for option in ("--data-dir", "--seed", "--store", "--learner", "--bank-dir"):
        assert option not in out
    assert main(["history", "--data-dir", str(tmp_path), "--seed", "3"]) == 0
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "work after a command too" in capsys.readouterr().out


def test_review_alone_shows_the_status(tmp_path, capsys):
    assert main(["--data-dir", str(tmp_path), "review"]) == 0
    assert "Due now:" in capsys.readouterr().out
