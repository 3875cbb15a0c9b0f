"""Switching to a retrained model without downtime, and refusing a bad one."""

import json
import shutil
import time

import pytest

from classifier.artifact import save_model
from service import create_app
from training.train import train_model

from .conftest import FIXTURES


@pytest.fixture(scope="module")
def second_model(tmp_path_factory):
    labels = tmp_path_factory.mktemp("labels2") / "labels"
    shutil.copytree(FIXTURES / "labels", labels)
    extra = {"id": "x", "text": "推进政务服务事项跨省通办，异地办事更方便。", "themes": ["digital_government"]}
    (labels / "extra.jsonl").write_text(json.dumps(extra, ensure_ascii=False) + "\n", encoding="utf-8")
    return train_model(labels, folds=3)


@pytest.fixture
def served(tmp_path, tiny_model_path):
    path = tmp_path / "model.joblib"
    shutil.copy(tiny_model_path, path)
    shutil.copy(str(tiny_model_path) + ".sha256", str(path) + ".sha256")
    return path


def test_admin_reload_switches_models(served, second_model, tiny_model):
    client = create_app({"MODEL_PATH": str(served), "RELOAD_SECONDS": 0}).test_client()
    assert client.post("/admin/reload").get_json()["status"] == "unchanged"
    save_model(second_model, served)
    answer = client.post("/admin/reload").get_json()
    assert answer == {"status": "reloaded", "model": second_model.version} != tiny_model.version
    assert client.get("/health").get_json()["model"] == second_model.version


def test_workers_notice_a_new_file_by_themselves(served, second_model):
    client = create_app({"MODEL_PATH": str(served), "RELOAD_SECONDS": 0.01}).test_client()
    save_model(second_model, served)
    time.sleep(0.05)
    assert client.post("/classify", json={"text": "推进一网通办"}).get_json()["model"] == second_model.version


def test_a_bad_file_leaves_the_old_model_serving(served, tiny_model):
    client = create_app({"MODEL_PATH": str(served), "RELOAD_SECONDS": 0}).test_client()
    served.write_bytes(b"not a model at all")
    response = client.post("/admin/reload")
    assert response.status_code == 409
    assert "does not match its checksum" in response.get_json()["error"]["message"]
    health = client.get("/health").get_json()
    assert health["model"] == tiny_model.version and "checksum" in health["reload_error"]
    assert client.post("/classify", json={"text": "推进一网通办"}).status_code == 200


def test_admin_needs_loopback_or_token(served):
    app = create_app({"MODEL_PATH": str(served), "RELOAD_SECONDS": 0})
    remote = app.test_client().post("/admin/reload", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert remote.status_code == 403
    guarded = create_app({"MODEL_PATH": str(served), "RELOAD_SECONDS": 0, "ADMIN_TOKEN": "s3cret"}).test_client()
    assert guarded.post("/admin/reload").status_code == 403
    assert guarded.post("/admin/reload", headers={"Authorization": "Bearer s3cret"}).status_code == 200


def test_injected_model_cannot_be_reloaded(tiny_model):
    client = create_app({"MODEL": tiny_model}).test_client()
    assert client.post("/admin/reload").status_code == 409
