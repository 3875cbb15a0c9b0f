"""Typed errors of the core. The CLI and the HTTP layer each translate them once."""


class PolicyThemesError(Exception):
    """Base class: the message says what went wrong and what to do next."""


class ModelNotFoundError(PolicyThemesError):
    """No model file where configuration says it is."""


class ModelLoadError(PolicyThemesError):
    """The model file exists but cannot be trusted or read."""


class InputTextError(PolicyThemesError):
    """A text given for classification is unusable (empty, not a string, too long)."""


class DocumentReadError(PolicyThemesError):
    """An input document cannot be read or decoded."""


class LabelDataError(PolicyThemesError):
    """Labelled data is invalid; `problems` lists every `file:line: message`."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        shown = "\n".join(problems[:50])
        more = f"\n… and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{len(problems)} problem(s) in the labelled data:\n{shown}{more}")


class TextTooLongError(InputTextError):
    """A text is longer than the configured limit."""
