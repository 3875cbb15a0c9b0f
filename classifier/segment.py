"""Word segmentation with jieba's algorithm and dictionary plus the project's policy dictionary.

The segmenter is part of the saved model: it carries its engine and user words, so a model segments the
same way wherever it is loaded. Engines: "rjieba" (jieba-rs, the Rust port of jieba: same dictionary and
algorithm, about 30x faster) and "jieba" (the Python original, kept as the reference). Neither engine's
tokenizer can be pickled, so it is rebuilt lazily after loading.
"""

import logging
import re
import threading

from .normalize import LONE_SURROGATES

_KEEP = re.compile(r"[\u4e00-\u9fff]|[A-Za-z0-9]{2,}")
_INIT_LOCK = threading.Lock()
ENGINES = ("rjieba", "jieba")
# A high frequency makes the engine keep a policy term whole even where its parts are common words.
USER_WORD_FREQ = 200000


class Segmenter:
    """Callable text → tokens (punctuation and spaces dropped); picklable; thread-safe."""

    def __init__(self, user_words=(), engine: str = "rjieba"):
        if engine not in ENGINES:
            raise ValueError(f"unknown segmentation engine {engine!r}; choose one of {ENGINES}")
        self.user_words = tuple(user_words)
        self.engine = engine
        self._cut = None
        self._memo = None

    def __getstate__(self):
        return {"user_words": self.user_words, "engine": self.engine}

    def __setstate__(self, state):
        self.__init__(state["user_words"], state.get("engine", "jieba"))

    def __call__(self, text: str) -> list[str]:
        if self._memo is not None:
            tokens = self._memo.get(text)
            if tokens is None:
                tokens = self._memo[text] = self._segment(text)
            return tokens
        return self._segment(text)

    def _segment(self, text: str) -> list[str]:
        return [t for t in self.raw_tokens(text) if _KEEP.search(t)]

    @staticmethod
    def keeps(token: str) -> bool:
        """Whether a raw token is a word the model sees (not punctuation or space)."""
        return _KEEP.search(token) is not None

    def raw_tokens(self, text: str) -> list[str]:
        """Every token the engine returns, punctuation and spaces included (they cover the whole text)."""
        cut = self._cut or self._load()
        try:
            return cut(text)
        except UnicodeEncodeError:  # lone surrogates are not text; one replacement char each keeps offsets
            return cut(LONE_SURROGATES.sub("\ufffd", text))

    def remember(self, enabled: bool) -> None:
        """Cache results while training: cross-validation segments each paragraph once, not per fold."""
        self._memo = {} if enabled else None

    def warm_up(self) -> None:
        """Load the dictionary now rather than on the first request."""
        self.raw_tokens("预热")

    def _load(self):
        with _INIT_LOCK:
            if self._cut is None:
                self._cut = _build_rjieba(self.user_words) if self.engine == "rjieba" else _build_jieba(self.user_words)
        return self._cut


def _build_rjieba(user_words):
    import rjieba

    tokenizer = rjieba.Jieba()
    for word in user_words:
        tokenizer.add_word(word, USER_WORD_FREQ, None)
    return tokenizer.cut


def _build_jieba(user_words):
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for word in user_words:
        tokenizer.add_word(word, freq=USER_WORD_FREQ)
    return tokenizer.lcut


def read_user_words(path) -> list[str]:
    """One term per line; blank lines and `#` comments ignored."""
    words = []
    for line in path.read_text(encoding="utf-8").splitlines():
        word = line.split("#", 1)[0].strip()
        if word:
            words.append(word)
    return words
