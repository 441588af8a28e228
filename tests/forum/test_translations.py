"""The French and German catalogs: complete, compiled, and in step with the code.

A string marked in a template or in Python but missing from a catalog, a fuzzy entry, a
translation that drops or renames a placeholder, or a .mo file older than its .po: each
fails here. `make messages` updates the catalogs.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
LANGUAGES = ("fr", "de")
# The same extraction as the Makefile's `messages` target.
MESSAGES_ARGS = [
    "--no-obsolete",
    "--add-location",
    "file",
    "--ignore",
    ".venv",
    "--ignore",
    "var",
    "--ignore",
    "tests",
    "--ignore",
    "scripts",
    "--ignore",
    "staticfiles",
]
SOURCES = ("manage.py", "forum", "accounts", "practices", "templates", "static", "locale")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|\{(\w*)\}")


def catalog(language: str) -> polib.POFile:
    return polib.pofile(str(BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po"))


def key(entry: polib.POEntry) -> tuple[str | None, str, str | None]:
    return (entry.msgctxt, entry.msgid, entry.msgid_plural or None)


def placeholders(text: str) -> set[str]:
    return {a or b for a, b in PLACEHOLDER.findall(text)}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_is_translated_and_none_is_fuzzy(language):
    po = catalog(language)
    assert len(po) > 300, "the catalog is nearly empty"
    missing = [e.msgid for e in po.untranslated_entries() if not e.obsolete]
    assert missing == [], f"{len(missing)} untranslated in {language}: {missing[:10]}"
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert fuzzy == [], f"fuzzy in {language}: {fuzzy[:10]}"
    assert [e.msgid for e in po.obsolete_entries()] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders_of_the_english(language):
    wrong = []
    for entry in catalog(language).translated_entries():
        if entry.msgid_plural:
            expected = placeholders(entry.msgid) | placeholders(entry.msgid_plural)
            for form in entry.msgstr_plural.values():
                # A plural form may leave out the number ("une fois"), never add a name.
                if not placeholders(form) <= expected or not form:
                    wrong.append(entry.msgid)
        elif placeholders(entry.msgstr) != placeholders(entry.msgid):
            wrong.append(entry.msgid)
    assert wrong == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalog_matches_its_source(language):
    po = catalog(language)
    mo = polib.mofile(str(BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.mo"))
    compiled = {key(e): (e.msgstr, dict(e.msgstr_plural)) for e in mo if e.msgid}
    source = {
        key(e): (e.msgstr, {int(k): v for k, v in e.msgstr_plural.items()})
        for e in po.translated_entries()
    }
    assert compiled == source, "run `make messages` to compile the catalogs"


def test_the_catalogs_hold_exactly_the_strings_marked_in_the_code(tmp_path):
    """Extract the strings again from a copy of the code and compare."""
    if shutil.which("xgettext") is None:
        pytest.fail("GNU gettext is needed to extract the strings (make gettext)")
    for name in SOURCES:
        source = BASE_DIR / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, tmp_path / name)
    env = {
        "PATH": "/usr/bin:/bin:/usr/local/bin",
        "SECRET_KEY": "catalog-check",
        "VAR_DIR": str(tmp_path / "var"),
        "PLAIN_STATIC_STORAGE": "1",
    }
    args = [sys.executable, "manage.py", "makemessages", "--locale", LANGUAGES[0]]
    subprocess.run([*args, *MESSAGES_ARGS], cwd=tmp_path, env=env, check=True, capture_output=True)
    fresh = polib.pofile(str(tmp_path / "locale" / LANGUAGES[0] / "LC_MESSAGES" / "django.po"))
    fresh_keys = {key(e) for e in fresh if not e.obsolete}
    for language in LANGUAGES:
        kept = {key(e) for e in catalog(language) if not e.obsolete}
        assert sorted(fresh_keys - kept, key=str) == [], f"not in the {language} catalog"
        assert sorted(kept - fresh_keys, key=str) == [], f"no longer in the code ({language})"
