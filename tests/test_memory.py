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
