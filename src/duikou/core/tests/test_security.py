"""Hardening (issue 5, item 7), each promise of docs/security.md held to it: passwords, login throttling,
headers (CSP, HSTS, cookies), templates without inline code, the request size limit, `check --deploy` under
production settings, and no secrets among the repository's files. API tokens: test_api_tokens.py."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import identify_hasher
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from duikou.core.security import CharacterKindsValidator, client_ip

SRC = Path(__file__).resolve().parents[2]  # src/duikou
REPOSITORY = SRC.parent.parent
GOOD_PASSWORD = "Tianshan-2024-north"


# --- passwords -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_passwords_are_hashed_with_argon2():
    user = get_user_model().objects.create_user("hasher", password=GOOD_PASSWORD)
    assert identify_hasher(user.password).algorithm == "argon2"
    assert user.check_password(GOOD_PASSWORD)


@pytest.mark.django_db
def test_an_old_pbkdf2_hash_still_verifies_and_is_upgraded_at_log_in():
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    user = get_user_model().objects.create_user("legacy")
    user.password = PBKDF2PasswordHasher().encode(GOOD_PASSWORD, PBKDF2PasswordHasher().salt())
    user.save()

    assert user.check_password(GOOD_PASSWORD)
    user.refresh_from_db()
    assert identify_hasher(user.password).algorithm == "argon2"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Short-1a", "密码太短：至少需要 12 个字符。"),
        ("alllowercaseletters", "密码须包含大写字母、小写字母、数字、符号四类中的至少 3 类。"),
        ("123456789012345", "密码只包含数字。"),
        ("Password1234", "这个密码太常见了。"),
    ],
)
def test_the_password_policy_refuses_weak_passwords_in_chinese(password, message):
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as refused:
            validate_password(password)
        assert message in refused.value.messages  # Django's own zh_Hans catalogue, and ours


def test_a_good_password_passes_the_policy():
    validate_password(GOOD_PASSWORD)
    validate_password("天山南北-2024-abc")  # Chinese counts as letters: 汉字 + symbol + digit + lower


@pytest.mark.parametrize(
    ("password", "kinds"),
    [
        ("abcdefghijkl", 1),
        ("abcdefABCDEF", 2),
        ("abcABC123456", 3),
        ("abcABC123!!!", 4),
        ("ａｂｃＡＢＣ１２３", 3),
    ],
)
def test_character_kinds_are_counted_after_nfkc(password, kinds):
    CharacterKindsValidator(min_kinds=kinds).validate(password)
    if kinds < 4:
        with pytest.raises(ValidationError):
            CharacterKindsValidator(min_kinds=kinds + 1).validate(password)


# --- login throttling ------------------------------------------------------------------------------


def log_in(client, username, password, address="10.1.1.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.fixture
def person(db):
    return get_user_model().objects.create_user("zhangsan", password=GOOD_PASSWORD)


def test_repeated_failures_lock_the_user_name_from_that_address(client, person):
    limit = django_settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        assert log_in(client, "zhangsan", "wrong-password").status_code == 200  # the form again

    response = log_in(client, "zhangsan", "wrong-password")

    assert response.status_code == 429
    page = response.content.decode()
    assert f"连续 {limit} 次登录失败" in page
    assert "30 分钟后再试，或请管理员解锁" in page
    # Locked: even the right password is refused now, and nobody is signed in.
    assert log_in(client, "zhangsan", GOOD_PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_lockout_holds_one_user_name_at_one_address_only(client, person):
    get_user_model().objects.create_user("lisi", password=GOOD_PASSWORD)
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        log_in(client, "zhangsan", "wrong-password")

    assert log_in(client, "lisi", GOOD_PASSWORD).status_code == 302  # a colleague at the same desk
    client.logout()
    assert log_in(client, "zhangsan", GOOD_PASSWORD, address="10.1.1.2").status_code == 302


def test_a_success_before_the_limit_clears_the_count(client, person):
    for _ in range(django_settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "zhangsan", "wrong-password")
    assert log_in(client, "zhangsan", GOOD_PASSWORD).status_code == 302
    client.logout()

    for _ in range(django_settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "zhangsan", "wrong-password")
    assert log_in(client, "zhangsan", GOOD_PASSWORD).status_code == 302


def test_an_administrator_unlocks_in_the_admin(client, person):
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        log_in(client, "zhangsan", "wrong-password")
    attempt = AccessAttempt.objects.get(username="zhangsan")
    admin = get_user_model().objects.create_superuser("root", password=GOOD_PASSWORD)
    admin_client = type(client)()
    admin_client.force_login(admin)

    response = admin_client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )

    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert log_in(client, "zhangsan", GOOD_PASSWORD).status_code == 302


def test_an_administrator_unlocks_from_the_command_line(client, person):
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        log_in(client, "zhangsan", "wrong-password")

    call_command("axes_reset_username", "zhangsan", stdout=open(os.devnull, "w"))  # noqa: SIM115

    assert log_in(client, "zhangsan", GOOD_PASSWORD).status_code == 302


def test_the_client_address_comes_from_x_forwarded_for_only_behind_a_configured_proxy(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.2.3.4")
    settings.PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.9"  # anyone can send the header
    settings.PROXY_COUNT = 1
    assert client_ip(request) == "10.2.3.4"  # what the one proxy saw; the left entry is the client's claim


# --- headers ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_pages_carry_a_self_only_content_security_policy(client):
    response = client.get(reverse("login"))

    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response.headers["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_the_api_docs_page_has_no_inline_script(client):
    """Swagger UI's start-up script is a file of its own (SpectacularSwaggerSplitView), so the CSP holds."""
    page = client.get(reverse("api:docs")).content.decode()
    assert not INLINE_SCRIPT.search(page), page
    assert not INLINE_STYLE.search(page), page
    script = client.get(reverse("api:docs") + "?script=")
    assert script.status_code == 200
    assert script.headers["Content-Type"].startswith("application/javascript")


def production_settings(**extra) -> dict:
    environment = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "SECRET_KEY"}}
    environment.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="duikou.example.gov.cn",
        DJANGO_SETTINGS_MODULE="duikou.config.settings",
    )
    environment.pop("DATABASE_URL", None)  # the check needs no database
    environment.update(extra)
    return environment


def test_production_settings_turn_https_on():
    code = (
        "import duikou.config.settings as s; print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS,"
        " s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SESSION_EXPIRE_AT_BROWSER_CLOSE)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=production_settings(), capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "31536000", "True", "True", "True", "True"]


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DUIKOU_LOGIN_FAILURE_LIMIT", "many", "must be a whole number"),
        ("DUIKOU_PASSWORD_MIN_LENGTH", "6", "must be at least 8"),
        ("SECURE_HSTS_SECONDS", "-1", "must be at least 0"),
    ],
)
def test_a_bad_security_setting_stops_start_up(name, value, message):
    result = subprocess.run(
        [sys.executable, "-c", "import duikou.config.settings"],
        env=production_settings(**{name: value}),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert message in result.stderr


def test_check_deploy_is_clean_under_production_settings():
    """`manage.py check --deploy` with the production environment: no warning at all (issue 5, item 7)."""
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=production_settings(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


# --- templates: no inline code ---------------------------------------------------------------------

# A <script> element without src (JSON data blocks aside: they are not run), a style attribute or element,
# an on…= event handler, a javascript: URL. Each would be refused by the CSP, or need 'unsafe-inline'.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"javascript:", re.IGNORECASE)


def template_files() -> list[Path]:
    files = sorted(SRC.glob("templates/**/*.html")) + sorted(SRC.glob("*/templates/**/*.html"))
    assert len(files) > 20
    return files


@pytest.mark.parametrize("path", template_files(), ids=lambda path: str(path.relative_to(SRC)))
def test_templates_have_no_inline_script_style_or_handler(path):
    text = path.read_text()
    for pattern in (INLINE_SCRIPT, INLINE_STYLE, EVENT_HANDLER, JAVASCRIPT_URL):
        found = pattern.search(text)
        assert found is None, f"{path}: {found.group(0)!r} — move it to a static file (docs/security.md)"


# --- request size ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "json"), [("/projects/", False), ("/api/projects/", True)])
def test_a_request_larger_than_any_upload_is_refused_before_it_is_read(client, settings, path, json):
    settings.REQUEST_MAX_BYTES = 1024 * 1024

    response = client.post(
        path, data=b"x" * 2048, content_type="text/csv", CONTENT_LENGTH=str(3 * 1024 * 1024)
    )

    assert response.status_code == 413
    text = response.content.decode()
    assert "请求太大（3.0 MB），上限为 1 MB。" in text
    if json:
        assert response.json()["errors"][0]["code"] == "request_too_large"


def test_upload_limits_are_set():
    assert django_settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 2_621_440  # larger files go to disk, not memory
    assert django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 2_621_440
    assert django_settings.REQUEST_MAX_BYTES == django_settings.IMPORT_MAX_BYTES + 1024 * 1024


# --- no secrets in the repository ------------------------------------------------------------------

DEVELOPMENT_KEY = "insecure-development-key-only-used-with-debug-on"  # documented in settings.py
# Written in pieces, so that this file does not match its own patterns.
SECRET_PATTERNS = {
    "a private key": re.compile("-----BEGIN [A-Z ]*" + "PRIVATE KEY-----"),
    "a SECRET_KEY literal": re.compile(r"SECRET_KEY\s*[=:]\s*[\"']([^\"'\s]{12,})[\"']"),
    "a password in a URL": re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s/:@\"'<>]+:([^\s/@\"'<>]+)@"),
    "an AWS access key": re.compile(r"\bAKIA" + r"[0-9A-Z]{16}\b"),
    "a GitHub token": re.compile(r"\bgh[pousr]_" + r"[A-Za-z0-9]{36}\b"),
}
# Documentation examples: RFC 2606 names, placeholders such as <password>, ${PASSWORD} or {password}.
PLACEHOLDER = re.compile(r"example|^<[^>]+>$|^\$?\{\w+\}$|^\$\w+$|^\*+$", re.IGNORECASE)


def secrets_in(text: str) -> list[tuple[str, str]]:
    found = []
    for name, pattern in SECRET_PATTERNS.items():
        for match in pattern.finditer(text):
            value = match.group(1) if match.groups() else match.group(0)
            if value == DEVELOPMENT_KEY or PLACEHOLDER.search(value):
                continue
            found.append((name, match.group(0)))
    return found


def test_the_secret_scanner_finds_what_it_should_and_nothing_else():
    assert secrets_in("SECRET_KEY = '" + "k3y" * 10 + "'")
    assert secrets_in("DATABASE_URL=postgres://duikou:" + "s3cret" + "@db:5432/duikou")
    assert secrets_in("-----BEGIN RSA " + "PRIVATE KEY-----\nMIIE")
    assert not secrets_in("DATABASE_URL=postgres://duikou:example-password@127.0.0.1:5432/duikou")
    assert not secrets_in(f'SECRET_KEY = "{DEVELOPMENT_KEY}"')
    assert not secrets_in('SECRET_KEY = "{key}"')  # a template's placeholder
    assert not secrets_in('SECRET_KEY="x" * 50')  # a test's throw-away key, not a literal secret
    assert not secrets_in("postgres://postgres@127.0.0.1:5432/duikou_ci")  # no password at all


def test_no_secrets_in_the_repository():
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z"], cwd=REPOSITORY, capture_output=True, check=True, timeout=60
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    problems = []
    for name in listed.decode().split("\0"):
        path = REPOSITORY / name
        if not name or not path.is_file():
            continue
        data = path.read_bytes()
        if b"\0" in data[:8192]:
            continue  # binary (compiled catalogues, images)
        problems += [(name, *found) for found in secrets_in(data.decode("utf-8", "replace"))]
    assert not problems, problems
