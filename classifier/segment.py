"""Word segmentation with jieba plus the project's policy dictionary.

The segmenter is part of the saved model: it carries its user words, so a model segments the same way
wherever it is loaded. jieba's tokenizer holds a lock and cannot be pickled, so it is rebuilt lazily.
"""

import logging
import re
import threading

_KEEP = re.compile(r"[\u4e00-\u9fff]|[A-Za-z0-9]{2,}")
_INIT_LOCK = threading.Lock()


class Segmenter:
    """Callable text → tokens; picklable; thread-safe after `warm_up()`."""

    def __init__(self, user_words=()):
        self.user_words = tuple(user_words)
        self._tokenizer = None
        self._memo = None

    def __getstate__(self):
        return {"user_words": self.user_words}

    def __setstate__(self, state):
        self.user_words = tuple(state["user_words"])
        self._tokenizer = None
        self._memo = None

    def __call__(self, text: str) -> list[str]:
        if self._memo is not None:
            tokens = self._memo.get(text)
            if tokens is None:
                tokens = self._memo[text] = self._segment(text)
            return tokens
        return self._segment(text)

    def _segment(self, text: str) -> list[str]:
        return [t for t in self.tokenizer.lcut(text) if _KEEP.search(t)]

    def remember(self, enabled: bool) -> None:
        """Cache results while training: cross-validation segments each paragraph once, not per fold."""
        self._memo = {} if enabled else None

    @property
    def tokenizer(self):
        if self._tokenizer is None:
            with _INIT_LOCK:
                if self._tokenizer is None:
                    self._tokenizer = self._build()
        return self._tokenizer

    def warm_up(self) -> None:
        """Load jieba's dictionary now (about half a second) rather than on the first request."""
        self.tokenizer.lcut("预热")

    def _build(self):
        import jieba

        jieba.setLogLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        for word in self.user_words:
            # A high frequency makes jieba keep the term whole even where its parts are common words.
            tokenizer.add_word(word, freq=200000)
        return tokenizer


def read_user_words(path) -> list[str]:
    """One term per line; blank lines and `#` comments ignored."""
    words = []
    for line in path.read_text(encoding="utf-8").splitlines():
        word = line.split("#", 1)[0].strip()
        if word:
            words.append(word)
    return words
