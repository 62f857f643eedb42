"""`make demo` serves on the address it prints, this machine only unless asked."""

import os
import re
import shutil
import subprocess

import pytest

from tests.project_process import PROJECT_DIR

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def demo_recipe(*variables: str) -> str:
    env = {key: value for key, value in os.environ.items() if key != "DEMO_ADDR"}
    result = subprocess.run(  # noqa: S603 - fixed arguments
        ["make", "-n", "demo", *variables],  # noqa: S607 - make from PATH
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout


def test_demo_binds_to_loopback_and_prints_that_address():
    recipe = demo_recipe()
    assert re.search(r"manage\.py runserver 127\.0\.0\.1:8000$", recipe, re.MULTILINE)
    assert "Open http://127.0.0.1:8000/" in recipe


def test_demo_binds_elsewhere_only_when_asked():
    recipe = demo_recipe("DEMO_ADDR=0.0.0.0:8080")
    assert re.search(r"manage\.py runserver 0\.0\.0\.0:8080$", recipe, re.MULTILINE)
