"""The scripts' strings are all in Django's JavaScript catalogue (djangojs), translated, and served by us.

xgettext reads the ES modules (``make messages``); these tests catch a string it missed or a catalogue that
was not regenerated: every ``t("...")`` and ``gettext_noop("...")`` literal must be a msgid of the committed
``djangojs.po``, and the other way round.
"""

import json
import re
from pathlib import Path

import polib
import pytest

from dashboards.js_catalog import catalog_url, catalog_version

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "dashboards" / "static" / "dashboards" / "js"
CATALOGUES = [
    ROOT / "backend" / "config" / "locale" / "es_CL" / "LC_MESSAGES" / "django.po",
    ROOT / "backend" / "config" / "locale" / "es_CL" / "LC_MESSAGES" / "djangojs.po",
    ROOT / "backend" / "station" / "locale" / "es_CL" / "LC_MESSAGES" / "django.po",
]
LITERAL_CALL = re.compile(r'\b(?:t|gettext_noop)\(\s*"((?:[^"\\]|\\.)*)"')
LINE_COMMENT = re.compile(r"^\s*//.*$", re.MULTILINE)
CATALOG_JSON = re.compile(r"const newcatalog = (\{.*?\});", re.DOTALL)
# English words that are the same in Spanish.
SAME_IN_SPANISH = {"Total", "z", "p (FDR)", "{n} min", "no"}


def script_literals() -> set[str]:
    found = set()
    for path in SCRIPTS.glob("*.js"):
        code = LINE_COMMENT.sub("", path.read_text(encoding="utf-8"))
        found |= {json.loads(f'"{literal}"') for literal in LITERAL_CALL.findall(code)}
    return found


def served_catalog(client, language: str) -> dict[str, str]:
    response = client.get(catalog_url(language))
    return json.loads(CATALOG_JSON.search(response.content.decode()).group(1))


def test_every_literal_the_scripts_translate_is_in_the_committed_catalogue_and_nothing_else():
    msgids = {entry.msgid for entry in polib.pofile(str(CATALOGUES[1])) if not entry.obsolete}

    assert script_literals() - msgids == set()
    assert msgids - script_literals() == set()


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_catalogue_entry_is_translated_and_none_is_fuzzy(path):
    catalogue = polib.pofile(str(path))

    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []


def test_the_served_spanish_catalogue_translates_every_script_string(client):
    catalog = served_catalog(client, "es-cl")

    untranslated = {text for text in script_literals() if catalog.get(text, text) == text} - SAME_IN_SPANISH
    assert untranslated == set()
    assert catalog["Location ready (accuracy ±{m} m)"] == "Ubicación lista (precisión ±{m} m)"


def test_placeholders_survive_translation(client):
    catalog = served_catalog(client, "es-cl")

    for text in script_literals():
        translated = catalog.get(text, text)
        assert sorted(re.findall(r"\{\w+\}", text)) == sorted(re.findall(r"\{\w+\}", translated)), text


def test_the_catalogue_is_kept_for_a_year_at_its_versioned_address_only(client):
    current = client.get(catalog_url("es-cl"))
    stale = client.get("/jsi18n/es-cl/?v=000000000000")
    english = client.get(catalog_url("en"))

    assert current.status_code == stale.status_code == english.status_code == 200
    assert current["Content-Type"] == "text/javascript; charset=utf-8"
    assert current["Cache-Control"] == "public, max-age=31536000, immutable"
    assert stale["Cache-Control"] == "no-cache"
    assert stale.content == current.content
    assert catalog_version("es-cl") != catalog_version("en")
    assert "Enviada" in current.content.decode()
    assert "Enviada" not in english.content.decode()
    # Our scripts' strings only: the admin's own catalogue stays out of the pages.
    assert "Available %s" not in current.content.decode()


def test_a_language_we_do_not_offer_has_no_catalogue(client):
    assert client.get("/jsi18n/fr/").status_code == 404
