"""The scripts' strings are all listed for translation, and the committed Spanish catalogue covers them."""

import json
import re
from pathlib import Path

from django.utils import translation

from dashboards.js_strings import JS_STRINGS, js_catalog

SCRIPTS = Path(__file__).resolve().parents[2] / "dashboards" / "static" / "dashboards" / "js"
LITERAL_CALL = re.compile(r'\bt\(\s*"((?:[^"\\]|\\.)*)"')
# English words that are the same in Spanish.
SAME_IN_SPANISH = {"Total", "z", "p (FDR)", "{n} min", "Carabineros", "Bomberos", "no"}


def script_literals() -> set[str]:
    found = set()
    for path in SCRIPTS.glob("*.js"):
        found |= {json.loads(f'"{literal}"') for literal in LITERAL_CALL.findall(path.read_text(encoding="utf-8"))}
    return found


def test_every_literal_the_scripts_translate_is_listed():
    assert script_literals() - set(JS_STRINGS) == set()


def test_the_spanish_catalogue_translates_every_script_string():
    with translation.override("es-cl"):
        catalog = js_catalog()

    untranslated = {text for text, translated in catalog.items() if text == translated} - SAME_IN_SPANISH
    assert untranslated == set()
    assert catalog["Location ready (accuracy ±{m} m)"] == "Ubicación lista (precisión ±{m} m)"


def test_placeholders_survive_translation():
    with translation.override("es-cl"):
        catalog = js_catalog()

    for text, translated in catalog.items():
        assert sorted(re.findall(r"\{\w+\}", text)) == sorted(re.findall(r"\{\w+\}", translated)), text
