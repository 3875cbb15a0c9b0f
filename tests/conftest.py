"""Shared fixtures: a tiny model trained in seconds, the real model trained once per run, app and client."""

import shutil
from pathlib import Path

import pytest

from classifier import paths
from classifier.artifact import load_model, save_model
from service import create_app
from training.train import train_model

FIXTURES = Path(__file__).parent / "fixtures"
SEED = paths.project_root().parent / "shared" / "seeds" / "000_9c509d75c53c5495.txt"


@pytest.fixture(scope="session")
def fixture_labels(tmp_path_factory) -> Path:
    """A writable copy of the tiny labelled set (tests may add files to it)."""
    target = tmp_path_factory.mktemp("labels") / "labels"
    shutil.copytree(FIXTURES / "labels", target)
    return target


@pytest.fixture(scope="session")
def tiny_model_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("tiny") / "tiny.joblib"
    save_model(train_model(FIXTURES / "labels", folds=3), path)
    return path


@pytest.fixture(scope="session")
def tiny_model(tiny_model_path):
    return load_model(tiny_model_path)


@pytest.fixture(scope="session")
def real_model_path(tmp_path_factory) -> Path:
    """The product model, trained from labels/ into a temporary directory once per test run."""
    path = tmp_path_factory.mktemp("real") / "policy-themes.joblib"
    save_model(train_model(paths.labels_dir()), path)
    return path


@pytest.fixture(scope="session")
def real_model(real_model_path):
    return load_model(real_model_path)


@pytest.fixture
def app(tiny_model):
    return create_app({"MODEL": tiny_model, "TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def seed_text() -> str:
    if not SEED.is_file():
        pytest.skip(f"seed page not found at {SEED}")
    return SEED.read_text(encoding="utf-8")
