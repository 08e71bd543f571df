"""The IATI settings come from the environment and fail fast on a malformed value (STYLE.md 17)."""

import json
import os
import subprocess
import sys

import pytest

NAMES = ("PUBLIC_URL", "IATI_ORG_PREFIX", "IATI_REPORTING_ORG", "IATI_ORG_REFS")


def iati_settings(**environment) -> subprocess.CompletedProcess:
    env = {
        key: value for key, value in os.environ.items() if not key.startswith("DUIKOU_") and key != "DEBUG"
    }
    env.update(environment)
    code = (
        "import json, duikou.config.settings as s; "
        f"print(json.dumps([getattr(s, name) for name in {NAMES!r}], ensure_ascii=False))"
    )
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)


def test_defaults():
    result = iati_settings()

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == ["", "ZZ-DUIKOU", "", {}]


def test_values_from_the_environment():
    result = iati_settings(
        DUIKOU_PUBLIC_URL="https://duikou.example.gov.cn/",
        DUIKOU_IATI_ORG_PREFIX="XX-TEST",
        DUIKOU_IATI_REPORTING_ORG="自治区援疆办",
        DUIKOU_IATI_ORG_REFS='{"上海市": "CN-USCC-11310000000000000X"}',
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        "https://duikou.example.gov.cn",
        "XX-TEST",
        "自治区援疆办",
        {"上海市": "CN-USCC-11310000000000000X"},
    ]


@pytest.mark.parametrize("value", ["{not json", '["CN-USCC-1"]'])
def test_registered_identifiers_must_be_a_json_object(value):
    result = iati_settings(DUIKOU_IATI_ORG_REFS=value)

    assert result.returncode != 0
    assert "DUIKOU_IATI_ORG_REFS must be a JSON object" in result.stderr
