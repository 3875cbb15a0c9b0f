"""The model's fast path: what the saved scikit-learn Pipeline computes, without its per-call overhead.

Texts are normalised and segmented as in the Pipeline; then n-grams become integer keys (characters by
code point, words by their vocabulary column) looked up with `numpy.searchsorted` over the whole batch at
once, TF-IDF and l2 norms are computed with array operations, and one sparse product scores every theme.
The Pipeline stays the reference: tests check both give the same scores to 1e-9.
"""

import re
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from .normalize import normalize_text

_WHITE_SPACES = re.compile(r"\s\s+")  # what scikit-learn's char analyzer folds before slicing
_CODE_BITS = 21  # every Unicode code point fits in 21 bits
_DROPPED, _UNSEEN = -2, -3
_SMALL_BATCH = 64  # up to this many rows, score without building a sparse matrix
_MEMO_LIMIT = 300_000  # bounds the token memo (and memory) of a long-running process


@dataclass
class Hits:
    """Feature occurrences found in a batch: row of the text, column of the feature."""

    rows: np.ndarray
    columns: np.ndarray


class _KeyTable:
    """Integer n-gram keys → vocabulary columns, as an open-addressing hash table probed with numpy.

    One or two vectorised gathers a query instead of a binary search's chain of dependent reads.
    """

    _MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing

    def __init__(self, keys: list[int], columns: list[int]):
        keys_array = np.array(keys, dtype=np.int64)
        self.bits = max(4, int(2 * max(len(keys_array), 1) - 1).bit_length())
        self.mask = (1 << self.bits) - 1
        self.slots = np.full(1 << self.bits, -1, dtype=np.int64)
        self.values = np.zeros(1 << self.bits, dtype=np.int64)
        pending, position = np.arange(len(keys_array)), self._home(keys_array)
        while len(pending):  # place keys; those that collide move one slot on and try again
            free = self.slots[position] == -1
            slots, first = np.unique(position[free], return_index=True)
            placed = pending[free][first]
            self.slots[slots] = keys_array[placed]
            self.values[slots] = np.array(columns, dtype=np.int64)[placed]
            keep = np.ones(len(pending), dtype=bool)
            keep[np.flatnonzero(free)[first]] = False
            pending, position = pending[keep], (position[keep] + 1) & self.mask
        occupied = np.flatnonzero(self.slots != -1)
        displacement = (occupied - self._home(self.slots[occupied])) & self.mask
        self.max_displacement = int(displacement.max()) if len(occupied) else 0

    def _home(self, keys: np.ndarray) -> np.ndarray:
        hashed = keys.astype(np.uint64) * self._MULTIPLIER
        return (hashed >> np.uint64(64 - self.bits)).astype(np.int64)

    def lookup(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(mask of keys found, their columns): one probe for all, then one window for the few left."""
        position = self._home(keys)
        slot_keys = self.slots[position]
        found = slot_keys == keys
        columns = np.where(found, self.values[position], 0)
        unresolved = np.flatnonzero(~found & (slot_keys != -1))
        if len(unresolved) and self.max_displacement:
            # A stored key sits at most max_displacement slots past its home, so one window settles it.
            window = (position[unresolved, None] + np.arange(1, self.max_displacement + 1)) & self.mask
            match = self.slots[window] == keys[unresolved, None]
            hit = match.any(axis=1)
            rows = unresolved[hit]
            found[rows] = True
            columns[rows] = self.values[window[hit, match[hit].argmax(axis=1)]]
        return found, columns[found]


def _gram_keys(units: np.ndarray, owner: np.ndarray, n: int, base: int) -> tuple[np.ndarray, np.ndarray]:
    """Integer keys of all n-grams that stay within one text, and the text each belongs to."""
    count = len(units) - n + 1
    if count <= 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    same = owner[:count] == owner[n - 1 :]
    key = units[:count].copy()
    for offset in range(1, n):
        key = key * base + units[offset : offset + count]
        same &= units[offset : offset + count] >= 0
    same &= units[:count] >= 0
    return key[same], owner[:count][same]


class FeatureBlock:
    """One TfidfVectorizer of the FeatureUnion, as integer lookup tables."""

    def __init__(self, vectorizer, offset: int):
        if vectorizer.analyzer not in ("word", "char") or vectorizer.norm != "l2" or not vectorizer.use_idf:
            raise ValueError("fast path supports l2-normalised TF-IDF over word or char n-grams")
        self.analyzer = vectorizer.analyzer
        self.tokenizer = vectorizer.tokenizer
        self.ngram_range = tuple(vectorizer.ngram_range)
        self.idf = np.asarray(vectorizer.idf_, dtype=np.float64)
        self.sublinear_tf = bool(vectorizer.sublinear_tf)
        self.offset = offset
        if self.analyzer == "word":
            self._build_word_tables(vectorizer.vocabulary_)
        else:
            self._build_char_tables(vectorizer.vocabulary_)

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("_token_memo", None)  # grows with use; rebuilt from token_ids
        return state

    def _build_word_tables(self, vocabulary: dict):
        low, high = self.ngram_range
        unigrams = {term: column for term, column in vocabulary.items() if " " not in term}
        # A kept n-gram's words are all kept unigrams (their document frequency is at least as high),
        # so n-grams can be keyed by their words' unigram columns.
        if low != 1 or len(unigrams) ** high >= 2**62:
            raise ValueError("fast path needs word n-grams from 1 and a vocabulary small enough to key")
        self.token_ids = unigrams
        self.base = len(self.idf)
        self.tables = {}
        for n in range(2, high + 1):
            keys, columns = [], []
            for term, column in vocabulary.items():
                words = term.split(" ")
                if len(words) == n and all(w in unigrams for w in words):
                    key = 0
                    for word in words:
                        key = key * self.base + unigrams[word]
                    keys.append(key)
                    columns.append(column)
            self.tables[n] = _KeyTable(keys, columns)

    def _build_char_tables(self, vocabulary: dict):
        low, high = self.ngram_range
        if high * _CODE_BITS > 63:
            raise ValueError("fast path keys char n-grams up to 3 characters")
        self.base = 1 << _CODE_BITS
        self.tables = {}
        for n in range(low, high + 1):
            keys, columns = [], []
            for term, column in vocabulary.items():
                if len(term) == n:
                    key = 0
                    for char in term:
                        key = key * self.base + ord(char)
                    keys.append(key)
                    columns.append(column)
            self.tables[n] = _KeyTable(keys, columns)

    def _token_units(self, tokens: list[str]) -> list[int]:
        """Unigram columns of the words (-1 outside the vocabulary), punctuation and spaces dropped.

        A memo of every raw token seen maps it in one dict lookup; filled lazily, bounded in size.
        """
        memo = self.__dict__.get("_token_memo")
        if memo is None:
            memo = self._token_memo = dict(self.token_ids)
        units = [memo.get(token, _UNSEEN) for token in tokens]
        if _UNSEEN in units:
            units = [self._classify(t, memo) if u == _UNSEEN else u for t, u in zip(tokens, units, strict=True)]
        return [u for u in units if u != _DROPPED]

    def _classify(self, token: str, memo: dict) -> int:
        unit = -1 if self.tokenizer.keeps(token) else _DROPPED
        if len(memo) < _MEMO_LIMIT:
            memo[token] = unit
        return unit

    def units(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Per batch: the units n-grams are made of (word columns, -1 for unknown words; or code points)."""
        if self.analyzer == "word":
            per_text = [self._token_units(self.tokenizer.raw_tokens(text)) for text in texts]
            lengths = [len(ids) for ids in per_text]
            flat = np.fromiter((i for ids in per_text for i in ids), dtype=np.int64, count=sum(lengths))
        else:
            folded = [_WHITE_SPACES.sub(" ", text) for text in texts]
            lengths = [len(text) for text in folded]
            flat = np.frombuffer("".join(folded).encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        owner = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
        return flat, owner

    def hits(self, texts: list[str]) -> Hits:
        units, owner = self.units(texts)
        rows, columns = [], []
        low, high = self.ngram_range
        if self.analyzer == "word" and low == 1:
            known = units >= 0
            rows.append(owner[known])
            columns.append(units[known])
        for n, table in self.tables.items():
            keys, key_owner = _gram_keys(units, owner, n, self.base)
            found, found_columns = table.lookup(keys)
            rows.append(key_owner[found])
            columns.append(found_columns)
        return Hits(np.concatenate(rows), np.concatenate(columns))

    def tfidf(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(rows, union columns, values) of this block's l2-normalised TF-IDF rows."""
        hits = self.hits(texts)
        width = len(self.idf)
        combined, counts = np.unique(hits.rows * width + hits.columns, return_counts=True)
        rows, columns = combined // width, combined % width
        tf = counts.astype(np.float64)
        if self.sublinear_tf:
            tf = np.log(tf) + 1.0
        values = tf * self.idf[columns]
        norms = np.sqrt(np.bincount(rows, weights=values * values, minlength=len(texts)))
        values /= norms[rows]
        return rows, columns + self.offset, values


class CompiledScorer:
    """Scores texts like `pipeline.predict_proba`, built from a fitted pipeline."""

    def __init__(self, pipeline):
        union = pipeline.named_steps["features"]
        self.blocks, offset = [], 0
        for _, vectorizer in union.transformer_list:
            self.blocks.append(FeatureBlock(vectorizer, offset))
            offset += len(vectorizer.idf_)
        self.width = offset
        self.segmenter = self.blocks[0].tokenizer if self.blocks[0].analyzer == "word" else None
        estimators = pipeline.named_steps["model"].estimators_
        if not all(hasattr(e, "coef_") for e in estimators):
            raise ValueError("fast path needs a fitted linear model for every theme")
        self.weights = np.ascontiguousarray(np.column_stack([e.coef_.ravel() for e in estimators]))
        self.intercept = np.array([float(e.intercept_[0]) for e in estimators])

    def features(self, texts: list[str]) -> sparse.csr_matrix:
        """The union's TF-IDF matrix for raw texts (normalised here, as the Pipeline's first step does)."""
        normalised = [normalize_text(text) for text in texts]
        parts = [block.tfidf(normalised) for block in self.blocks]
        rows, columns, values = (np.concatenate([p[i] for p in parts]) for i in range(3))
        return sparse.csr_matrix((values, (rows, columns)), shape=(len(texts), self.width))

    def score(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, len(self.intercept)))
        normalised = [normalize_text(text) for text in texts]
        decision = np.tile(self.intercept, (len(texts), 1))
        for block in self.blocks:
            rows, columns, values = block.tfidf(normalised)
            if not len(rows):
                continue
            if len(texts) <= _SMALL_BATCH:
                # Few rows: gather the weights directly; a sparse matrix costs more to build than to use.
                starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
                decision[rows[starts]] += np.add.reduceat(self.weights[columns] * values[:, None], starts, axis=0)
            else:
                width = len(block.idf)
                matrix = sparse.csr_matrix((values, (rows, columns - block.offset)), shape=(len(texts), width))
                decision += matrix @ self.weights[block.offset : block.offset + width]
        return 1.0 / (1.0 + np.exp(-decision))
