"""Settings that name other things: an Elastic Cloud id, a time zone, unknown variables."""

from __future__ import annotations

import base64

import pytest
from pydantic import ValidationError

from stream.config import Settings, unknown_variables
from stream.connections import elasticsearch_connection

CLOUD_ID = "prod:" + base64.b64encode(b"eu-west-1.aws.found.io:443$es123$kb456").decode()


def test_a_cloud_id_names_elasticsearch_and_kibana() -> None:
    settings = Settings(elasticsearch_cloud_id=CLOUD_ID, elasticsearch_api_key="k")
    assert settings.elasticsearch_url == "https://es123.eu-west-1.aws.found.io:443"
    assert settings.kibana_url == "https://kb456.eu-west-1.aws.found.io:443"
    connection = elasticsearch_connection(settings)
    assert (connection.url, connection.api_key) == (settings.elasticsearch_url, "k")


def test_explicit_urls_win_over_the_cloud_id() -> None:
    settings = Settings(
        elasticsearch_cloud_id=CLOUD_ID, elasticsearch_url="https://es.internal:9200"
    )
    assert settings.elasticsearch_url == "https://es.internal:9200"
    assert settings.kibana_url == "https://kb456.eu-west-1.aws.found.io:443"


@pytest.mark.parametrize(
    ("field", "value"), [("elasticsearch_cloud_id", "garbage"), ("timezone", "Mars/Olympus")]
)
def test_names_that_lead_nowhere_are_refused(field: str, value: str) -> None:
    with pytest.raises(ValidationError) as refused:
        Settings(**{field: value})
    assert refused.value.errors()[0]["loc"] == (field,)


def test_unknown_variables_are_named_with_the_likely_setting() -> None:
    environ = {
        "LOGWARDEN_BATCH_MAXSIZE": "3",
        "LOGWARDEN_BROKER_URL": "kafka://b:9092",
        "LOGWARDEN_COMPILE_PARSER": "1",
        "LOGWARDEN_NOTHING_LIKE_IT": "x",
        "PATH": "/bin",
    }
    assert unknown_variables(environ) == [
        "LOGWARDEN_BATCH_MAXSIZE is not a logwarden setting and is ignored "
        "(did you mean LOGWARDEN_BATCH_MAX_SIZE?)",
        "LOGWARDEN_NOTHING_LIKE_IT is not a logwarden setting and is ignored",
    ]
