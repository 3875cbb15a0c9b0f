import platform

import pytest

from classifier.memory import keep_freed_memory


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's")
def test_glibc_accepts_the_malloc_settings():
    assert keep_freed_memory() is True


def test_unknown_c_library_is_not_an_error(monkeypatch):
    import ctypes

    def missing(*args, **kwargs):
        raise OSError("no C library here")

    monkeypatch.setattr(ctypes, "CDLL", missing)
    assert keep_freed_memory() is False


def test_a_service_worker_scores_the_largest_request_without_importing_scipy(real_model_path):
    """Scipy costs a worker ~14 MB; only batch labelling (large slices) and explanations use it."""
    import subprocess
    import sys

    script = (
        "import sys; from pathlib import Path\n"
        "from service import create_app\n"
        f"app = create_app({{'MODEL_PATH': Path({str(real_model_path)!r})}})\n"
        "texts = ['推进数字政府建设，加强数据安全保护，促进青年就业。' * 3] * 256\n"
        "answer = app.test_client().post('/classify', json={'texts': texts})\n"
        "assert answer.status_code == 200, answer.status_code\n"
        "print('scipy' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
