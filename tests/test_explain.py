import pytest
from click.testing import CliRunner

from classifier.explain import explain
from service import create_app
from service.cli import cli

ONE_NET = "全面推行政务服务一网通办，企业和群众办事实现掌上办、网上办。"


def test_evidence_for_one_net_includes_the_term(real_model):
    (prediction,) = real_model.predict([ONE_NET], explain=True)
    assert "digital_government" in prediction.themes
    terms = prediction.evidence["digital_government"]
    assert "一网通办" in [t["term"] for t in terms]
    weights = [t["weight"] for t in terms]
    assert weights == sorted(weights, reverse=True) and all(w > 0 for w in weights)
    assert all(t["term"] in ONE_NET for t in terms)


@pytest.mark.parametrize(
    ("text", "theme", "term"),
    [
        ("加强个人信息保护，处理敏感个人信息应当取得个人单独同意。", "data_security", "个人信息保护"),
        ("促进高校毕业生就业创业，开发见习岗位。", "youth", "高校毕业生"),
        ("提高最低工资标准，扎实推动共同富裕。", "income_distribution", "共同富裕"),
    ],
)
def test_evidence_names_the_signature_term(real_model, text, theme, term):
    evidence = explain(real_model, text, [theme])
    assert term in [t["term"] for t in evidence[theme]]


def test_evidence_only_for_returned_themes(real_model):
    (prediction,) = real_model.predict(["坚持全面从严治党。"], explain=True)
    assert prediction.themes == [] and prediction.evidence == {}


def test_service_explain_flag(real_model):
    client = create_app({"MODEL": real_model}).test_client()
    body = client.post("/classify", json={"text": ONE_NET, "explain": True}).get_json()
    assert set(body["evidence"]) == set(body["themes"])
    batch = client.post("/classify", json={"texts": [ONE_NET], "explain": True}).get_json()
    assert "一网通办" in [t["term"] for t in batch["results"][0]["evidence"]["digital_government"]]
    assert "evidence" not in client.post("/classify", json={"text": ONE_NET}).get_json()
    assert client.post("/classify", json={"text": ONE_NET, "explain": "yes"}).status_code == 400


def test_cli_explain(tiny_model_path, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(ONE_NET, encoding="utf-8")
    result = CliRunner().invoke(cli, ["label", str(path), "--explain", "--model", str(tiny_model_path)])
    assert result.exit_code == 0
    assert '"evidence"' in result.stdout and "一网通办" in result.stdout
