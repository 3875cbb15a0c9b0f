"""Real answers match the OpenAPI document; random requests never get a 5xx or an answer outside it."""

import json

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service import create_app

TEXT = "全面推行政务服务一网通办，加强个人信息保护。"


@pytest.fixture(scope="module")
def client(tiny_model):
    return create_app({"MODEL": tiny_model}).test_client()


@pytest.fixture(scope="module")
def spec(client):
    document = client.get("/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    return document


def check(spec, path, method, response):
    """Validate a response body against the document's schema for its status code."""
    responses = spec["paths"][path][method]["responses"]
    assert str(response.status_code) in responses, (path, method, response.status_code)
    schema = responses[str(response.status_code)]["content"]["application/json"]["schema"]
    resolver_schema = {**schema, "components": spec["components"]}
    jsonschema.validate(response.get_json(), resolver_schema, cls=jsonschema.Draft202012Validator)


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("post", "/classify", {"json": {"text": TEXT}}),
        ("post", "/classify", {"json": {"text": TEXT, "explain": True, "threshold": 0.2}}),
        ("post", "/classify", {"json": {"texts": [TEXT, "ABC only"], "explain": True}}),
        ("post", "/classify", {"data": TEXT.encode(), "content_type": "text/plain"}),
        ("post", "/classify", {"json": {"text": ""}}),
        ("post", "/classify", {"json": {"text": "字" * 20_001}}),
        ("post", "/classify", {"data": "x", "content_type": "application/xml"}),
        ("get", "/health", {}),
        ("get", "/themes", {}),
        ("get", "/model", {}),
        ("post", "/admin/reload", {"environ_base": {"REMOTE_ADDR": "192.0.2.1"}}),
        ("post", "/admin/reload", {}),
    ],
)
def test_real_answers_match_the_document(client, spec, method, path, kwargs):
    check(spec, path, method, getattr(client, method)(path, **kwargs))


def test_limits_are_documented(spec):
    description = spec["info"]["description"]
    assert "1048576 bytes" in description and "256 texts" in description and "20000 characters" in description


json_values = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=False) | st.integers() | st.text(max_size=50),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=20,
)
bodies = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "text": st.one_of(st.text(max_size=200), json_values),
            "texts": st.one_of(st.lists(st.text(max_size=50), max_size=4), json_values),
            "threshold": json_values,
            "explain": json_values,
        },
    ),
    json_values,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=bodies)
def test_random_json_bodies_never_break_the_service(client, spec, body):
    response = client.post("/classify", data=json.dumps(body), content_type="application/json")
    assert response.status_code < 500
    check(spec, "/classify", "post", response)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=300), content_type=st.sampled_from(["text/plain", "application/json", "image/png"]))
def test_random_bytes_never_break_the_service(client, spec, raw, content_type):
    response = client.post("/classify", data=raw, content_type=content_type)
    assert response.status_code < 500
    check(spec, "/classify", "post", response)
