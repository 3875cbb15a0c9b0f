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
from .pooling import combine, sentence_spans

_WHITE_SPACES = re.compile(r"\s\s+")  # what scikit-learn's char analyzer folds before slicing
_CODE_BITS = 21  # every Unicode code point fits in 21 bits
_DROPPED, _UNSEEN = -2, -3
_SMALL_BATCH = 64  # up to this many rows, score without building a sparse matrix
_MEMO_LIMIT = 300_000  # bounds the token memo (and memory) of a long-running process


@dataclass
class Hits:
    """Feature occurrences in a batch: the text's row, the feature's column, the n-gram's first unit and
    its length in units (to tell which sentence holds it)."""

    rows: np.ndarray
    columns: np.ndarray
    firsts: np.ndarray
    lengths: np.ndarray


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
    """Integer keys of all n-grams that stay within one text, and the position of each first unit."""
    count = len(units) - n + 1
    if count <= 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    same = owner[:count] == owner[n - 1 :]
    key = units[:count].copy()
    for offset in range(1, n):
        key = key * base + units[offset : offset + count]
        same &= units[offset : offset + count] >= 0
    same &= units[:count] >= 0
    return key[same], np.flatnonzero(same)


class FeatureBlock:
    """One TfidfVectorizer of the FeatureUnion, as integer lookup tables."""

    def __init__(self, vectorizer, offset: int, weight: float = 1.0):
        if vectorizer.analyzer not in ("word", "char") or vectorizer.norm != "l2" or not vectorizer.use_idf:
            raise ValueError("fast path supports l2-normalised TF-IDF over word or char n-grams")
        self.analyzer = vectorizer.analyzer
        self.tokenizer = vectorizer.tokenizer
        self.ngram_range = tuple(vectorizer.ngram_range)
        self.idf = np.asarray(vectorizer.idf_, dtype=np.float64)
        self.sublinear_tf = bool(vectorizer.sublinear_tf)
        self.offset = offset
        self.weight = weight  # the FeatureUnion's transformer weight for this block
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

    def _token_units(self, tokens: list[str], keep_dropped: bool = False) -> list[int]:
        """Unigram columns of the words (-1 outside the vocabulary), punctuation and spaces dropped.

        A memo of every raw token seen maps it in one dict lookup; filled lazily, bounded in size.
        """
        memo = self.__dict__.get("_token_memo")
        if memo is None:
            memo = self._token_memo = dict(self.token_ids)
        units = [memo.get(token, _UNSEEN) for token in tokens]
        if _UNSEEN in units:
            units = [self._classify(t, memo) if u == _UNSEEN else u for t, u in zip(tokens, units, strict=True)]
        return units if keep_dropped else [u for u in units if u != _DROPPED]

    def _classify(self, token: str, memo: dict) -> int:
        unit = -1 if self.tokenizer.keeps(token) else _DROPPED
        if len(memo) < _MEMO_LIMIT:
            memo[token] = unit
        return unit

    def units(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per batch: the units n-grams are made of (word columns, -1 for unknown words; or code points),
        the text each belongs to, and where each starts in its text (character offset)."""
        if self.analyzer == "word":
            tokens = [self.tokenizer.raw_tokens(text) for text in texts]
            counts = [len(t) for t in tokens]
            every = [token for text_tokens in tokens for token in text_tokens]
            units = np.array(self._token_units(every, keep_dropped=True), dtype=np.int64)
            sizes = np.fromiter(map(len, every), dtype=np.int64, count=len(every))
            ends = np.cumsum(sizes)
            text_start = np.repeat(np.concatenate(([0], ends))[np.cumsum([0, *counts[:-1]])], counts)
            kept = units != _DROPPED
            flat, starts_array = units[kept], (ends - sizes - text_start)[kept]
            lengths = np.bincount(np.repeat(np.arange(len(texts)), counts)[kept], minlength=len(texts))
        else:
            folded = [_WHITE_SPACES.sub(" ", text) for text in texts]
            lengths = [len(text) for text in folded]
            flat = np.frombuffer("".join(folded).encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
            first = np.repeat(np.cumsum([0, *lengths[:-1]]), lengths) if texts else np.zeros(0, dtype=np.int64)
            starts_array = np.arange(len(flat), dtype=np.int64) - first
        owner = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
        return flat, owner, starts_array

    def hits(self, units: np.ndarray, owner: np.ndarray) -> Hits:
        """Every vocabulary n-gram occurrence: its text, column, first unit and length in units."""
        rows, columns, firsts, lengths = [], [], [], []
        low, _ = self.ngram_range
        if self.analyzer == "word" and low == 1:
            known = np.flatnonzero(units >= 0)
            rows.append(owner[known])
            columns.append(units[known])
            firsts.append(known)
            lengths.append(np.ones(len(known), dtype=np.int64))
        for n, table in self.tables.items():
            keys, positions = _gram_keys(units, owner, n, self.base)
            found, found_columns = table.lookup(keys)
            rows.append(owner[positions[found]])
            columns.append(found_columns)
            firsts.append(positions[found])
            lengths.append(np.full(int(found.sum()), n, dtype=np.int64))
        return Hits(*(np.concatenate(parts) for parts in (rows, columns, firsts, lengths)))

    def tfidf(self, rows: np.ndarray, columns: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(rows, union columns, values) of l2-normalised TF-IDF rows from feature occurrences."""
        width = len(self.idf)
        combined, counts = np.unique(rows * width + columns, return_counts=True)
        rows, columns = combined // width, combined % width
        tf = counts.astype(np.float64)
        if self.sublinear_tf:
            tf = np.log(tf) + 1.0
        values = tf * self.idf[columns]
        norms = np.sqrt(np.bincount(rows, weights=values * values, minlength=count))
        values /= norms[rows]
        if self.weight != 1.0:
            values *= self.weight
        return rows, columns + self.offset, values


class CompiledScorer:
    """Scores texts like `pipeline.predict_proba`, built from a fitted pipeline."""

    def __init__(self, pipeline):
        union = pipeline.named_steps["features"]
        self.blocks, offset = [], 0
        weights = union.transformer_weights or {}
        for name, vectorizer in union.transformer_list:
            self.blocks.append(FeatureBlock(vectorizer, offset, float(weights.get(name, 1.0))))
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
        parts = []
        for block in self.blocks:
            units, owner, _ = block.units(normalised)
            hits = block.hits(units, owner)
            parts.append(block.tfidf(hits.rows, hits.columns, len(texts)))
        rows, columns, values = (np.concatenate([p[i] for p in parts]) for i in range(3))
        return sparse.csr_matrix((values, (rows, columns)), shape=(len(texts), self.width))

    def score(self, texts: list[str]) -> np.ndarray:
        """Like the Pipeline's predict_proba on the texts."""
        return self.score_pooled(texts, 0.0)

    def score_pooled(self, texts: list[str], weight: float) -> np.ndarray:
        """Like `pooling.pooled_scores(texts, pipeline.predict_proba, weight)`, segmenting each text once:
        a sentence's features are the paragraph's n-grams that lie inside that sentence."""
        if not texts:
            return np.zeros((0, len(self.intercept)))
        normalised = [normalize_text(text) for text in texts]
        spans = [sentence_spans(text) for text in normalised] if weight else [[] for _ in texts]
        owners = np.array([i for i, found in enumerate(spans) for _ in found], dtype=np.int64)
        paragraph = np.tile(self.intercept, (len(texts), 1))
        sentence = np.tile(self.intercept, (len(owners), 1))
        for block in self.blocks:
            units, owner, starts = block.units(normalised)
            hits = block.hits(units, owner)
            self._add(paragraph, block, block.tfidf(hits.rows, hits.columns, len(texts)))
            if len(owners):
                inside = _sentence_of(owner, starts, normalised, spans)
                first, last = inside[hits.firsts], inside[hits.firsts + hits.lengths - 1]
                keep = (first >= 0) & (first == last)
                self._add(sentence, block, block.tfidf(first[keep], hits.columns[keep], len(owners)))
        paragraph, sentence = _sigmoid(paragraph), _sigmoid(sentence)
        return combine(paragraph, sentence, owners, weight) if weight else paragraph

    def _add(self, decision: np.ndarray, block: FeatureBlock, tfidf) -> None:
        rows, columns, values = tfidf
        if not len(rows):
            return
        if len(decision) <= _SMALL_BATCH:
            # Few rows: gather the weights directly; a sparse matrix costs more to build than to use.
            starts = np.flatnonzero(np.concatenate(([True], rows[1:] != rows[:-1])))
            decision[rows[starts]] += np.add.reduceat(self.weights[columns] * values[:, None], starts, axis=0)
        else:
            width = len(block.idf)
            matrix = sparse.csr_matrix((values, (rows, columns - block.offset)), shape=(len(decision), width))
            decision += matrix @ self.weights[block.offset : block.offset + width]


def _sigmoid(decision: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-decision))


def _sentence_of(owner: np.ndarray, starts: np.ndarray, texts: list[str], spans: list) -> np.ndarray:
    """For each unit: the row of the sentence it lies in, -1 outside every sentence."""
    base = np.cumsum([0, *[len(t) + 1 for t in texts[:-1]]])
    span_starts = np.array([base[i] + a for i, found in enumerate(spans) for a, _ in found], dtype=np.int64)
    span_ends = np.array([base[i] + b for i, found in enumerate(spans) for _, b in found], dtype=np.int64)
    position = base[owner] + starts
    index = np.searchsorted(span_starts, position, side="right") - 1
    inside = (index >= 0) & (position < span_ends[np.maximum(index, 0)])
    return np.where(inside, index, -1)
