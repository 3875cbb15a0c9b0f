"""The web page: rendered by Flask, and driven in a real headless Chromium against the running service."""

import io
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from classifier import paths
from service import create_app

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOT = Path(os.environ.get("POLICY_THEMES_SCREENSHOTS", paths.project_root() / "build")) / "page.png"


@pytest.fixture
def page_client(real_model):
    return create_app({"MODEL": real_model}).test_client()


def test_form_is_served(page_client):
    html = page_client.get("/").get_data(as_text=True)
    assert '<textarea name="text"' in html and 'type="file"' in html


def test_pasted_text_is_split_and_tagged(page_client, seed_text):
    html = page_client.post("/", data={"text": seed_text}).get_data(as_text=True)
    assert html.count('class="paragraph"') == 55
    assert 'data-theme="digital_government"' in html and "<mark" in html
    assert 'id="summary"' in html and "数字政府" in html


def test_docx_upload(page_client):
    import docx

    document = docx.Document()
    document.add_paragraph("全面推行政务服务一网通办，企业和群众办事实现掌上办、网上办。")
    buffer = io.BytesIO()
    document.save(buffer)
    buffer.seek(0)
    response = page_client.post("/", data={"file": (buffer, "a.docx")}, content_type="multipart/form-data")
    assert response.status_code == 200 and 'class="chip c0" data-theme="digital_government"' in response.text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "  "}, "请粘贴文本"),
        ({"file": (io.BytesIO(b"x"), "a.pdf")}, "请上传"),
        ({"file": (io.BytesIO(b"PK\x03\x04bad"), "a.docx")}, "无法读取文件"),
    ],
)
def test_bad_input_gets_a_message_on_the_page(page_client, data, message):
    response = page_client.post("/", data=data, content_type="multipart/form-data")
    assert response.status_code == 400 and message in response.text and 'role="alert"' in response.text


@pytest.fixture
def live_server(real_model_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "POLICY_THEMES_MODEL": str(real_model_path)}
    granian = str(Path(sys.executable).parent / "granian")
    server = subprocess.Popen(
        [granian, "--interface", "wsgi", "--factory", "service:create_app", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(url + "/health", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    yield url
    server.terminate()
    server.wait(timeout=20)


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (.ci/run installs it)")
def test_seed_page_in_a_real_browser(live_server, seed_text):
    from playwright.sync_api import sync_playwright

    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=flags)
        page = browser.new_page(viewport={"width": 1100, "height": 1400})
        page.goto(live_server + "/")
        page.fill("textarea[name=text]", seed_text)
        page.click("button[type=submit]")
        page.wait_for_selector("article.paragraph")
        assert page.locator("article.paragraph").count() == 55
        first_chips = page.locator("article.paragraph").nth(0).locator(".chip")
        assert first_chips.first.get_attribute("data-theme") == "digital_government"
        assert "数字政府" in first_chips.first.inner_text()
        income = page.locator("article.paragraph").nth(41).locator(".chip").first
        assert income.get_attribute("data-theme") == "income_distribution"
        assert page.locator("#summary .bar").count() >= 3
        assert page.locator("mark[data-theme=digital_government]").count() > 0
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT), full_page=False)
        browser.close()
    assert SCREENSHOT.stat().st_size > 10_000
