"""Split a plain-text document into paragraphs, joining paragraphs broken across page or column breaks.

Each non-blank line is a block. A block is joined to the next one when it stops mid-sentence: it does
not end with closing punctuation and it is prose (has sentence punctuation or is long), or a word runs
across the break (\"长期 / 性\"). Headings, bylines and column names end without punctuation but are
short, punctuation-free and no word crosses their end, so they stay paragraphs of their own.
"""

import re
from functools import lru_cache

_CLOSING = set("。！？；：…”’」』）)】》〕!?;:.\"'")
_PROSE_PUNCT = re.compile(r"[，,。；;、！？!?]")
_LONG_BLOCK = 40
# Lines that open a new structural unit are never the tail of a broken paragraph.
_NEW_UNIT = re.compile(
    r"^\s*(第[一二三四五六七八九十百零〇\d]+[条章节编]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)])"
)


def split_paragraphs(text: str) -> list[str]:
    blocks = [line.strip() for line in text.splitlines() if line.strip()]
    paragraphs: list[str] = []
    for block in blocks:
        if paragraphs and _continues(paragraphs[-1], block):
            paragraphs[-1] += block
        else:
            paragraphs.append(block)
    return paragraphs


def _continues(previous: str, block: str) -> bool:
    if previous[-1] in _CLOSING or _NEW_UNIT.match(block):
        return False
    body = _NEW_UNIT.sub("", previous)  # the 、 of "一、" is numbering, not prose
    if _PROSE_PUNCT.search(body) or len(previous) > _LONG_BLOCK:
        return True
    return _word_spans(previous, block)


def _word_spans(left: str, right: str) -> bool:
    """True when segmenting the joined edge puts one word across the boundary."""
    head, tail = left[-6:], right[:6]
    position = 0
    for token in _segmenter().raw_tokens(head + tail):
        if position < len(head) < position + len(token):
            return True
        position += len(token)
    return False


@lru_cache(maxsize=1)
def _segmenter():
    from .segment import Segmenter

    return Segmenter()
