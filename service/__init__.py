"""The edges of policy-themes: the HTTP service (`create_app`) and the command line (`cli`).

`create_app` is imported on first use, so that the command line does not load Flask for nothing.
"""

__all__ = ["create_app"]


def __getattr__(name: str):
    if name == "create_app":
        from .app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
