"""`flask translate update` for a plugin: into its own source tree, never into the installed package."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

# What these check happens at start-up or on the command line, whatever the database.
pytestmark = pytest.mark.database_free

FIXTURES = Path(__file__).parent / "fixtures" / "entry_points"


@pytest.fixture
def installed_example(monkeypatch):
    monkeypatch.syspath_prepend(str(FIXTURES))


def _files(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def test_an_installed_plugins_catalogs_are_updated_in_its_source_tree(make_app, installed_example, tmp_path):
    installed = FIXTURES / "oicvet_example_plugin"
    before = _files(installed)
    source = tmp_path / "oicvet_example_plugin"
    shutil.copytree(installed, source)
    (source / "translations" / "ar" / "LC_MESSAGES" / "example.po").unlink()
    app = make_app()
    result = app.test_cli_runner().invoke(args=["translate", "update", "--plugin", "example", "--source", str(source)])
    assert result.exit_code == 0, result.output
    # The catalog is made again in the source tree, with the plugin's strings; the installed package is untouched.
    with (source / "translations" / "ar" / "LC_MESSAGES" / "example.po").open("rb") as handle:
        ids = {message.id for message in read_po(handle) if message.id}
    assert "Example Sector" in ids
    assert (source / "translations" / "example.pot").is_file()
    assert _files(installed) == before


def test_an_installed_plugin_needs_its_source_tree(make_app, installed_example):
    before = _files(FIXTURES / "oicvet_example_plugin")
    app = make_app()
    result = app.test_cli_runner().invoke(args=["translate", "update", "--plugin", "example"])
    assert result.exit_code != 0 and "--source" in result.output
    unknown = app.test_cli_runner().invoke(args=["translate", "update", "--plugin", "nothing"])
    assert unknown.exit_code != 0 and "nothing" in unknown.output
    assert _files(FIXTURES / "oicvet_example_plugin") == before
