"""What the production settings do at start-up, each in a fresh process (tests/project_process).

`make serve-prod` writes its secrets to a file and names it in ENV_FILE; the settings read it.
"""

import base64
import re
import secrets

import pytest
from cryptography.fernet import Fernet

from tests.project_process import PROJECT_DIR, run_manage, run_python

PRODUCTION = "lms.settings.production"
# A valid Fernet key, fixed so that parametrized test ids are the same in every xdist worker.
A_KEY = base64.urlsafe_b64encode(b"a fixed key for the tests only!!").decode()
# A coaching-log row with client contact details (encrypted at rest), saved and read back, in a
# fresh in-memory database with only the two tables it needs (migrating them all takes minutes
# on a busy machine).
SAVE_AND_READ_AN_ENCRYPTED_FIELD = """
import datetime
from django.db import connection
from credentials.models import CoachingLogEntry
from lms.models import User
with connection.schema_editor() as editor:
    editor.create_model(User)
    editor.create_model(CoachingLogEntry)
coach = User.objects.create(email="coach@example.org")
day = datetime.date(2026, 1, 5)
entry = CoachingLogEntry.objects.create(
    trainee=coach, client_name="A.", client_contact="ann@example.org", start_date=day, end_date=day
)
with connection.cursor() as cursor:
    cursor.execute("SELECT client_contact FROM credentials_coachinglogentry")
    print("stored:", cursor.fetchone()[0])
print("contact:", CoachingLogEntry.objects.get(pk=entry.pk).client_contact)
"""


def production_environment(tmp_path, **variables: str) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": PRODUCTION,
        "ALLOWED_HOSTS": "localhost",
        "DATABASE_URL": "sqlite://:memory:",
        "MEDIA_ROOT": str(tmp_path / "media"),
        **variables,
    }


def test_the_env_file_keeps_the_encryption_key_whole_and_saves_work(tmp_path):
    key = Fernet.generate_key().decode()
    assert key.endswith("=")  # what a shell `IFS='=' read` used to drop
    env_file = tmp_path / "production.env"
    # Written as `make serve-prod` writes it.
    env_file.write_text(f"SECRET_KEY={secrets.token_urlsafe(50)}\nFIELD_ENCRYPTION_KEYS={key}\n")
    environment = production_environment(
        tmp_path, ENV_FILE=str(env_file), SITE_URL="http://localhost:8001"
    )

    saved = run_manage("shell", "-c", SAVE_AND_READ_AN_ENCRYPTED_FIELD, **environment)
    assert saved.returncode == 0, saved.stderr
    assert "contact: ann@example.org" in saved.stdout
    assert "ann@example.org" not in saved.stdout.split("stored:")[1].split()[0]
    keys = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.FIELD_ENCRYPTION_KEYS)",
        **environment,
    )
    assert keys.stdout.strip().endswith(repr([key]))


def test_the_environment_wins_over_the_env_file(tmp_path):
    env_file = tmp_path / "production.env"
    env_file.write_text(f"SECRET_KEY=from-the-file-{secrets.token_urlsafe(40)}\n")
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SECRET_KEY)",
        **production_environment(
            tmp_path,
            ENV_FILE=str(env_file),
            SECRET_KEY="from-the-environment-" + "x" * 40,
            FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
            SITE_URL="https://coach.example.org",
        ),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1].startswith("from-the-environment-")


def test_a_missing_env_file_stops_the_start(tmp_path):
    result = run_manage(
        "check", **production_environment(tmp_path, ENV_FILE=str(tmp_path / "nowhere.env"))
    )
    assert result.returncode != 0
    assert "ENV_FILE names" in result.stderr


@pytest.mark.parametrize(
    "keys",
    [
        # The key with its last '=' cut off: what `make serve-prod` used to pass on.
        A_KEY.rstrip("="),
        f"{A_KEY},not-a-key",
    ],
)
def test_a_malformed_encryption_key_stops_the_start_with_a_clear_message(tmp_path, keys):
    result = run_manage(
        "check",
        **production_environment(
            tmp_path,
            SECRET_KEY=secrets.token_urlsafe(64),
            FIELD_ENCRYPTION_KEYS=keys,
            SITE_URL="https://coach.example.org",
        ),
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured: FIELD_ENCRYPTION_KEYS: key" in result.stderr
    assert "is not a Fernet key" in result.stderr


@pytest.mark.parametrize("site_url", [None, "", "coach.example.org"])
def test_production_refuses_to_start_without_a_site_url(tmp_path, site_url):
    variables = {
        "SECRET_KEY": secrets.token_urlsafe(64),
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    }
    if site_url is not None:
        variables["SITE_URL"] = site_url
    result = run_manage("check", **production_environment(tmp_path, **variables))
    assert result.returncode != 0
    assert "Set SITE_URL to the public address of the site" in result.stderr


def test_links_use_the_site_url_and_one_proxy_is_trusted_by_default(tmp_path):
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.TRUSTED_PROXY_COUNT); "
        "from credentials.certificates import verification_url; print(verification_url('ABC'))",
        **production_environment(
            tmp_path,
            SECRET_KEY=secrets.token_urlsafe(64),
            FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
            SITE_URL="https://coach.example.org",
        ),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2] == "1"
    assert result.stdout.split()[-1].startswith("https://coach.example.org/")


def readme_key_commands() -> dict[str, str]:
    """README's one-line commands that make the production keys, by the variable each makes."""
    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    command = re.compile(r'^ *python -c "(?P<code>[^"]+)" +# (?P<name>[A-Z_]+)$', re.M)
    return {match["name"]: match["code"] for match in command.finditer(readme)}


def test_the_keys_the_readme_makes_pass_the_deployment_checklist(tmp_path):
    commands = readme_key_commands()
    assert set(commands) == {"SECRET_KEY", "FIELD_ENCRYPTION_KEYS"}
    keys = {}
    for name, code in commands.items():
        made = run_python("-c", code)
        assert made.returncode == 0, made.stderr
        keys[name] = made.stdout.strip()

    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **production_environment(tmp_path, SITE_URL="https://coach.example.org", **keys),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
