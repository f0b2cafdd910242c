"""`pacs-trainer serve`: loopback unless asked, a warning about TLS otherwise, one clear line
when the store cannot be opened."""

from __future__ import annotations

import argparse

from trainer.cli import main
from trainer.commands.serve import TLS_WARNING, app_command
from trainer.core.hosts import is_loopback


def test_only_loopback_addresses_count_as_this_machine():
    assert all(map(is_loopback, ("127.0.0.1", "localhost", "::1", "127.0.0.2")))
    assert not any(map(is_loopback, ("0.0.0.0", "10.1.2.3", "trainer.example.org", "::")))
    assert "reverse proxy with TLS" in TLS_WARNING and "--public-url" in TLS_WARNING


def test_each_tab_runs_the_same_app_with_the_same_content_options():
    args = argparse.Namespace(data_dir="/srv/trainer data", seed=7, bank_dir=["/srv/banks"])
    command = app_command(args)
    assert " -m trainer --data-dir '/srv/trainer data' --seed 7 --bank-dir /srv/banks" in command
    assert "postgresql" not in command  # the store's URL travels in the environment only


def test_a_store_that_cannot_be_opened_is_one_clear_line(capsys):
    status = main(["serve", "--store", "postgresql://nobody:x@127.0.0.1:1/none"])
    err = capsys.readouterr().err
    assert status == 1
    assert err.startswith("pacs-trainer: error: cannot open the classroom database")
    assert "Traceback" not in err and ":x@" not in err  # no password in the message
