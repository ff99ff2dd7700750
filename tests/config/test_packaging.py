"""An installed copy (``pip install .``) carries every template, static file and translation the checkout has."""

import subprocess
import sys
import zipfile
from pathlib import Path

from django.conf import settings


def test_the_wheel_holds_every_file_the_packages_serve(tmp_path: Path):
    root = settings.BASE_DIR
    tracked = subprocess.run(
        ["git", "ls-files", "backend", "dashboards"], cwd=root, capture_output=True, text=True, check=True
    ).stdout.split()
    expected = {name for name in tracked if not name.endswith(".py")}

    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(tmp_path), "."],
        cwd=root, check=True, capture_output=True,
    )  # fmt: skip
    (wheel,) = tmp_path.glob("*.whl")
    packaged = set(zipfile.ZipFile(wheel).namelist())

    assert expected - packaged == set()
    assert "backend/config/locale/es_CL/LC_MESSAGES/django.mo" in packaged
