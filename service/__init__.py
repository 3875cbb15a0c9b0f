"""The edges of policy-themes: the HTTP service (`create_app`) and the command line (`cli`)."""

from .app import create_app

__all__ = ["create_app"]
