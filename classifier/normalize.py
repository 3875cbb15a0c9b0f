"""Text normalisation applied before everything else, in training and at prediction alike."""

import re
import unicodedata
from functools import lru_cache

# Lone surrogates (a JSON "\\ud800" escape decodes to one) are not text: no codec or engine takes them.
LONE_SURROGATES = re.compile("[\ud800-\udfff]")
# A space between two CJK characters is layout (PDF extraction, justified text), not meaning.
_CJK_GAP = re.compile(r"(?<=[\u3000-\u9fff\uf900-\ufaff]) (?=[\u3000-\u9fff\uf900-\ufaff])")


@lru_cache(maxsize=1)
def _to_simplified():
    import opencc  # imported lazily: loading the conversion tables is not free

    return opencc.OpenCC("t2s")


# The full-width characters common in Chinese text, replaced by exactly what NFKC maps them to. That
# usually leaves the text in NFKC form already, and checking this is far cheaper than normalising:
# same result (anything else still goes through NFKC), a fraction of the time.
_COMMON_FULL_WIDTH = [(c, unicodedata.normalize("NFKC", c)) for c in "，：；（）！？％　"]


def normalize_text(text: str) -> str:
    """NFKC (full-width → half-width), traditional → simplified, whitespace folded."""
    for full, half in _COMMON_FULL_WIDTH:
        text = text.replace(full, half)
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    try:
        text = _to_simplified().convert(text)
    except UnicodeEncodeError:  # lone surrogates (e.g. from a JSON "\\ud800" escape) are not text
        text = _to_simplified().convert(LONE_SURROGATES.sub("\ufffd", text))
    # Whitespace runs → one space, ends stripped: what re.sub(r"\s+", " ", text).strip() gives (str.split and
    # the regex share one definition of whitespace), in a fraction of the time.
    text = " ".join(text.split())
    return _CJK_GAP.sub("", text) if " " in text else text


def normalize_all(texts):
    """Picklable batch form, used as the first step of the model pipeline."""
    return [normalize_text(t) for t in texts]
