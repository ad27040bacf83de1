"""A missing translation fails here: every entry of the .po translated and not fuzzy, the
committed .mo is the .po compiled, and (with GNU gettext, which CI installs) makemessages finds
no string missing from the committed .po."""

from __future__ import annotations

import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib  # type: ignore[import-untyped]
import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
# The same as `make messages`.
IGNORE = [".venv/*", "clients/*", "tests/*", "staticfiles/*", "benchmarks/*", "scripts/*"]
IGNORE += [".services/*"]


def test_every_entry_is_translated_and_none_is_fuzzy() -> None:
    po = polib.pofile(str(PO))

    assert po.untranslated_entries() == []
    assert [entry.msgid for entry in po.fuzzy_entries()] == []
    assert [entry.msgid for entry in po if entry.obsolete] == []
    assert not po.metadata_is_fuzzy
    assert len(po.translated_entries()) > 100


def test_placeholders_survive_translation() -> None:
    for entry in polib.pofile(str(PO)):
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for translation in translations:
            for placeholder in ("%(", "{"):
                assert entry.msgid.count(placeholder) == translation.count(placeholder), entry.msgid


def test_the_committed_mo_is_the_po_compiled(tmp_path: Path) -> None:
    fresh = tmp_path / "django.mo"
    polib.pofile(str(PO)).save_as_mofile(str(fresh))

    def catalogue(path: Path) -> dict[object, str]:
        with path.open("rb") as file:
            entries = dict(gettext.GNUTranslations(file)._catalog)  # type: ignore[attr-defined]
        entries.pop("", None)  # the header: msgfmt drops some of its fields
        return entries

    assert catalogue(MO) == catalogue(fresh)


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_makemessages_finds_no_string_missing_from_the_po(tmp_path: Path) -> None:
    copy = tmp_path / "project"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "staticfiles", ".services", "screenshots", "node_modules", "*.pyc"
        ),
    )
    command = [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete"]
    for pattern in IGNORE:
        command += ["--ignore", pattern]
    env = {**os.environ, "DJANGO_DEBUG": "true", "DJANGO_SETTINGS_MODULE": "config.settings"}
    subprocess.run(command, cwd=copy, env=env, check=True, capture_output=True)

    committed = {(e.msgctxt, e.msgid) for e in polib.pofile(str(PO))}
    found = {(e.msgctxt, e.msgid) for e in polib.pofile(str(copy / PO.relative_to(ROOT)))}
    assert sorted(found - committed, key=repr) == []
    assert sorted(committed - found, key=repr) == []  # nor any left over
