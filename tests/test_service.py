import json

import pytest

from service import create_app

ONE_NET = "全面推行政务服务一网通办，企业和群众办事实现掌上办、网上办。"


def error_of(response):
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    return body["error"]


def test_classify_one_text(client, tiny_model):
    response = client.post("/classify", json={"text": ONE_NET})
    assert response.status_code == 200
    body = response.get_json()
    assert body["themes"][0] == "digital_government"
    assert set(body["scores"]) == set(tiny_model.keys)
    assert body["model"] == tiny_model.version


def test_themes_sorted_by_score(client):
    body = client.post("/classify", json={"text": ONE_NET, "threshold": 0.0}).get_json()
    scores = [body["scores"][k] for k in body["themes"]]
    assert scores == sorted(scores, reverse=True) and len(body["themes"]) == 3


def test_classify_plain_text_body(client):
    response = client.post("/classify", data=ONE_NET.encode(), content_type="text/plain; charset=utf-8")
    assert response.status_code == 200
    assert "digital_government" in response.get_json()["themes"]


def test_classify_batch(client):
    response = client.post("/classify", json={"texts": [ONE_NET, "加强个人信息保护"]})
    body = response.get_json()
    assert len(body["results"]) == 2 and "model" in body
    assert body["results"][1]["themes"][0] == "data_security"


def test_threshold_override(client):
    low = client.post("/classify", json={"text": ONE_NET, "threshold": 0.0}).get_json()
    high = client.post("/classify", json={"text": ONE_NET, "threshold": 1.0}).get_json()
    assert len(low["themes"]) == 3
    assert high["themes"] == []


def test_chinese_is_not_escaped(client):
    raw = client.get("/themes").get_data(as_text=True)
    assert "数字政府" in raw and "\\u" not in raw


def test_health_themes_model(client, tiny_model):
    assert client.get("/health").get_json() == {"status": "ok", "model": tiny_model.version}
    themes = client.get("/themes").get_json()["themes"]
    assert [t["key"] for t in themes] == tiny_model.keys
    assert set(themes[0]) == {"key", "name_zh", "name_en", "description", "core", "threshold"}
    meta = client.get("/model").get_json()
    assert meta["version"] == tiny_model.version and "cv" in meta and "thresholds" in meta


@pytest.mark.parametrize(
    ("kwargs", "status", "code"),
    [
        ({"data": "{not json", "content_type": "application/json"}, 400, "bad_request"),
        ({"json": ["a list"]}, 400, "bad_request"),
        ({"json": {}}, 400, "bad_request"),
        ({"json": {"text": ""}}, 400, "bad_request"),
        ({"json": {"text": "   \n"}}, 400, "bad_request"),
        ({"json": {"text": 42}}, 400, "bad_request"),
        ({"json": {"text": None}}, 400, "bad_request"),
        ({"json": {"text": "甲", "texts": ["乙"]}}, 400, "bad_request"),
        ({"json": {"texts": []}}, 400, "bad_request"),
        ({"json": {"texts": "not a list"}}, 400, "bad_request"),
        ({"json": {"texts": ["ok", 3]}}, 400, "bad_request"),
        ({"json": {"texts": ["段落"] * 257}}, 400, "bad_request"),
        ({"json": {"text": "甲", "threshold": 2}}, 400, "bad_request"),
        ({"json": {"text": "甲", "threshold": "0.5"}}, 400, "bad_request"),
        ({"json": {"text": "甲", "threshold": True}}, 400, "bad_request"),
        ({"data": b"\xff\xfe\xfa", "content_type": "text/plain"}, 400, "bad_request"),
        ({"data": "   ", "content_type": "text/plain"}, 400, "bad_request"),
        ({"json": {"text": "字" * 20_001}}, 413, "payload_too_large"),
        ({"json": {"texts": ["字" * 20_001]}}, 413, "payload_too_large"),
        ({"data": "字" * 400_000, "content_type": "text/plain"}, 413, "request_entity_too_large"),
        ({"json": {"text": "字" * 400_000}}, 413, "request_entity_too_large"),
        ({"data": "text=甲", "content_type": "application/x-www-form-urlencoded"}, 415, "unsupported_media_type"),
        ({"data": "甲"}, 415, "unsupported_media_type"),
    ],
)
def test_bad_requests_get_json_errors(client, kwargs, status, code):
    response = client.post("/classify", **kwargs)
    assert response.status_code == status
    assert error_of(response)["code"] == code


def test_not_found_and_method_not_allowed(client):
    missing = client.get("/nope")
    assert missing.status_code == 404 and error_of(missing)["code"] == "not_found"
    wrong = client.get("/classify")
    assert wrong.status_code == 405 and error_of(wrong)["code"] == "method_not_allowed"


def test_batch_limit_is_configurable(tiny_model):
    client = create_app({"MODEL": tiny_model, "MAX_TEXTS": 2}).test_client()
    assert client.post("/classify", json={"texts": ["甲", "乙", "丙"]}).status_code == 400
    assert client.post("/classify", json={"texts": ["甲", "乙"]}).status_code == 200


def test_factory_loads_model_from_configured_path(tiny_model_path, tiny_model):
    client = create_app({"MODEL_PATH": str(tiny_model_path)}).test_client()
    assert client.get("/health").get_json()["model"] == tiny_model.version


def test_factory_refuses_a_missing_model(tmp_path):
    from classifier.errors import ModelNotFoundError

    with pytest.raises(ModelNotFoundError, match="make train"):
        create_app({"MODEL_PATH": str(tmp_path / "none.joblib")})


@pytest.mark.parametrize(
    "text", ['"\\ud800数据安全"', '"ABC only latin text"', '"\\u0000\\u0001"', '"🙂🙂🙂"', '"   数据   "']
)
def test_odd_texts_get_an_answer_not_a_crash(client, text):
    response = client.post("/classify", data='{"text": ' + text + "}", content_type="application/json")
    assert response.status_code == 200
    body = response.get_json()
    if not any("\u4e00" <= c <= "\u9fff" for c in body.get("warning", "") + json.loads(text)):
        assert body["themes"] == [] and "no Chinese text" in body["warning"]


def test_service_drops_the_reference_pipeline_it_never_uses(tiny_model_path):
    from classifier.errors import ModelLoadError
    from classifier.model import ThemeModel

    app = create_app({"MODEL_PATH": str(tiny_model_path), "RELOAD_SECONDS": 0})
    model: ThemeModel = app.extensions["policy_themes"].current()
    assert app.test_client().post("/classify", json={"text": "全面推行政务服务一网通办"}).status_code == 200
    with pytest.raises(ModelLoadError, match="serving only"):
        model.pipeline  # noqa: B018
    with pytest.raises(ModelLoadError, match="cannot be saved"):
        model.__getstate__()


def test_the_loaded_app_is_kept_out_of_the_garbage_collectors_walks(tiny_model):
    """Full collections over a worker's model and libraries took ~14 ms, a pause that lands on p99."""
    import gc

    gc.unfreeze()
    create_app({"MODEL": tiny_model, "TESTING": True})
    assert gc.get_freeze_count() > 0
