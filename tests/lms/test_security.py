"""Security baseline: CSP on every page, templates that work under it, production settings."""

import re
import secrets
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.urls import reverse

from tests.project_process import run_manage

TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates"


def csp_directives(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.parametrize("url_name", ["login", "signup", "password_reset", "healthz"])
def test_our_pages_send_a_strict_policy(client, db, url_name):
    directives = csp_directives(client.get(reverse(url_name)))
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'self'"]
    assert not any("'unsafe-inline'" in values for values in directives.values())
    assert not any("'unsafe-eval'" in values for values in directives.values())


def test_signed_in_pages_send_the_strict_policy(client, trainee):
    client.force_login(trainee)
    directives = csp_directives(client.get(reverse("profile")))
    assert directives["script-src"] == ["'self'"]


@pytest.mark.parametrize("path", ["/cms/login/", "/django-admin/login/"])
def test_admin_screens_get_the_relaxed_policy(client, db, path):
    directives = csp_directives(client.get(path))
    assert "'unsafe-inline'" in directives["script-src"]
    assert "'unsafe-inline'" in directives["style-src"]
    assert "'unsafe-eval'" not in directives["script-src"]


# What the strict policy would block, written into a template.
SCRIPT_TAG = re.compile(r"<script\b(?P<attrs>[^>]*)>(?P<body>.*?)</script\s*>", re.I | re.S)
DATA_BLOCK_TYPE = re.compile(r"type\s*=\s*[\"']?application/(?:ld\+)?json", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I | re.S)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I | re.S)
STYLE_BLOCK = re.compile(r"<style\b", re.I)
REMOTE_ASSET = re.compile(
    r"<(?:script|link|img|iframe)\b[^>]*\s(?:src|href)\s*=\s*[\"']?(?:https?:)?//", re.I | re.S
)
JAVASCRIPT_URL = re.compile(r"(?:href|src|action)\s*=\s*[\"']?\s*javascript:", re.I)


def csp_violations(source: str) -> list[str]:
    found = []
    for match in SCRIPT_TAG.finditer(source):
        # JSON data blocks are never executed, so CSP allows them.
        if match["body"].strip() and not DATA_BLOCK_TYPE.search(match["attrs"]):
            found.append("inline <script> body")
    for pattern, label in [
        (STYLE_ATTRIBUTE, 'style="" attribute'),
        (EVENT_HANDLER, "on*= event-handler attribute"),
        (STYLE_BLOCK, "inline <style> block"),
        (REMOTE_ASSET, "script/link/img/iframe from another origin"),
        (JAVASCRIPT_URL, "javascript: URL"),
    ]:
        if pattern.search(source):
            found.append(label)
    return found


def project_templates() -> list[Path]:
    return sorted(TEMPLATES_DIR.rglob("*.html"))


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("<script>alert(1)</script>", "inline <script> body"),
        ('<script src="/static/x.js"></script>', None),
        ('<script type="application/json" id="d">{"a": 1}</script>', None),
        ('<div style="color:red">', 'style="" attribute'),
        ('<button type="button" onclick="go()">', "on*= event-handler attribute"),
        ('<body\n  onload="x()">', "on*= event-handler attribute"),
        (
            '<script src="https://cdn.example/x.js"></script>',
            "script/link/img/iframe from another origin",
        ),
        (
            '<link rel="stylesheet" href="//cdn.example/x.css">',
            "script/link/img/iframe from another origin",
        ),
        ("<style>p{}</style>", "inline <style> block"),
        ('<a href="javascript:void(0)">', "javascript: URL"),
        ('<a href="https://icf.org/">ICF</a>', None),
        ('<p>Use the "onboarding" guide; data-on="x"</p>', None),
    ],
)
def test_the_template_scanner_finds_what_csp_would_block(source, expected):
    found = csp_violations(source)
    assert found == ([expected] if expected else [])


def test_project_templates_need_no_inline_script_style_or_remote_assets():
    templates = project_templates()
    assert TEMPLATES_DIR / "base.html" in templates
    problems = {
        str(path.relative_to(TEMPLATES_DIR)): found
        for path in templates
        if (found := csp_violations(path.read_text(encoding="utf-8")))
    }
    assert problems == {}, f"Templates that the Content-Security-Policy would break: {problems}"


def test_production_settings_pass_the_deployment_checklist():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="lms.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="example.org",
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        SITE_URL="https://coach.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = run_manage(
        "check", DJANGO_SETTINGS_MODULE="lms.settings.production", ALLOWED_HOSTS="example.org"
    )
    assert result.returncode != 0
    assert "Set SECRET_KEY to a long random value in production." in result.stderr


def test_production_settings_refuse_to_start_without_encryption_keys():
    result = run_manage(
        "check",
        DJANGO_SETTINGS_MODULE="lms.settings.production",
        ALLOWED_HOSTS="example.org",
        SECRET_KEY=secrets.token_urlsafe(64),
    )
    assert result.returncode != 0
    assert "Set FIELD_ENCRYPTION_KEYS" in result.stderr


def test_production_settings_refuse_the_development_key():
    result = run_manage(
        "check",
        DJANGO_SETTINGS_MODULE="lms.settings.production",
        ALLOWED_HOSTS="example.org",
        SECRET_KEY="dev-only-insecure-key-change-me",
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


def test_session_and_csrf_cookies_are_secure_in_production():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS > 0, "
        "s.STAFF_REQUIRE_2FA, s.DEBUG)",
        DJANGO_SETTINGS_MODULE="lms.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="example.org",
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        SITE_URL="https://coach.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-6:] == ["True", "True", "True", "True", "True", "False"]
