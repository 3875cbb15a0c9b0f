"""The model's fast path: what the saved scikit-learn Pipeline computes, without its per-call overhead.

Texts are normalised and segmented as in the Pipeline; then n-grams become integer keys (characters by
code point, words by their vocabulary column) looked up in one hash table per feature block, and the
TF-IDF values, their l2 norms and the linear scores of paragraphs and of their sentences are computed
together in a handful of array operations, whatever the number of texts. That keeps one paragraph a
call cheap (few numpy calls) and large batches cheap (work proportional to the n-grams).
The Pipeline stays the reference: tests check both give the same scores to 1e-9.
"""

from itertools import repeat

import numpy as np

from .normalize import normalize_text
from .pooling import combine, sentence_spans

_CODE_BITS = 21  # every Unicode code point, plus one, fits in 21 bits
_DROPPED, _UNSEEN = -2, -3
_SMALL_BATCH = 64  # up to this many rows, gather every theme's weights at once
# From this many texts in one call (batch labelling, never a service slice) a sparse product scores them.
_SPARSE_PRODUCT_FROM = 128
_PROBE_IN_STEPS_FROM = 2048  # unresolved keys; below this a fixed probe window takes fewer numpy calls
_MEMO_LIMIT = 50_000  # bounds the token memo (and memory) of a long-running process
# log(n) + 1 at index n for term counts below 1024 (index 0 unused), as the vectorizer computes it on floats
_LOG_TF_PLUS_ONE = np.log(np.arange(1024, dtype=np.float64).clip(1)) + 1.0


class _KeyTable:
    """Integer n-gram keys → vocabulary columns, as an open-addressing hash table probed with numpy.

    Each slot holds (key, column) side by side, so a probe reads one cache line; one vectorised probe
    settles most keys and one window of neighbouring slots the rest.
    """

    _MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing

    def __init__(self, keys: np.ndarray, columns: np.ndarray):
        self.size = len(keys)
        # At most a quarter full: most keys sit in their home slot and the probe window stays short.
        self.bits = max(4, int(4 * max(len(keys), 1) - 1).bit_length())
        self.mask = (1 << self.bits) - 1
        self.entries = np.full((1 << self.bits, 2), -1, dtype=np.int64)
        pending, position = np.arange(len(keys)), self._home(keys)
        while len(pending):  # place keys; those that collide move one slot on and try again
            free = self.entries[position, 0] == -1
            slots, first = np.unique(position[free], return_index=True)
            placed = pending[free][first]
            self.entries[slots, 0] = keys[placed]
            self.entries[slots, 1] = columns[placed]
            keep = np.ones(len(pending), dtype=bool)
            keep[np.flatnonzero(free)[first]] = False
            pending, position = pending[keep], (position[keep] + 1) & self.mask
        occupied = np.flatnonzero(self.entries[:, 0] != -1)
        displacement = (occupied - self._home(self.entries[occupied, 0])) & self.mask
        self.max_displacement = int(displacement.max()) if len(occupied) else 0

    def _home(self, keys: np.ndarray) -> np.ndarray:
        hashed = keys.astype(np.uint64) * self._MULTIPLIER
        return (hashed >> np.uint64(64 - self.bits)).astype(np.int64)

    def lookup(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(mask of keys found, their columns)."""
        # `take` rather than fancy indexing: for rows of a 2-d array it is several times faster.
        position = self._home(keys)
        entries = self.entries.take(position, axis=0)
        found = entries[:, 0] == keys
        columns = entries[:, 1]
        unresolved = (~found & (entries[:, 0] != -1)).nonzero()[0]
        if len(unresolved) > _PROBE_IN_STEPS_FROM:
            self._probe_in_steps(keys, position, unresolved, found, columns)
        elif len(unresolved) and self.max_displacement:
            self._probe_window(keys, position, unresolved, found, columns)
        return found, columns[found]

    def _probe_window(self, keys, position, unresolved, found, columns) -> None:
        """A stored key sits at most max_displacement slots past its home: one window settles every key,
        in a fixed number of numpy calls (what one paragraph a call needs)."""
        steps = np.arange(1, self.max_displacement + 1)
        window = self.entries.take((position[unresolved, None] + steps) & self.mask, axis=0)
        match = window[:, :, 0] == keys[unresolved, None]
        hit = match.any(axis=1)
        rows = unresolved[hit]
        found[rows] = True
        columns[rows] = window[hit, match[hit].argmax(axis=1), 1]

    def _probe_in_steps(self, keys, position, pending, found, columns) -> None:
        """Slot after slot until the key or an empty slot: for large batches, less memory read than a
        window (most keys stop after one or two steps)."""
        step = 1
        while len(pending):
            probe = self.entries.take((position[pending] + step) & self.mask, axis=0)
            hit = probe[:, 0] == keys[pending]
            rows = pending[hit]
            found[rows] = True
            columns[rows] = probe[hit, 1]
            pending = pending[~hit & (probe[:, 0] != -1)]
            step += 1


class Hits:
    """Vocabulary n-gram occurrences in a batch: the text's row, the block's column, and the first and last
    unit (word or character) of the n-gram."""

    __slots__ = ("rows", "columns", "firsts", "lasts")

    def __init__(self, rows, columns, firsts, lasts):
        self.rows, self.columns, self.firsts, self.lasts = rows, columns, firsts, lasts


class Units:
    """A batch cut into the units n-grams are made of: per unit its value (word column, -1 for an unknown
    word; or code point + 1), the text it belongs to, and where it starts and ends in the batch's texts
    laid end to end (character offsets)."""

    __slots__ = ("values", "owner", "starts", "ends")

    def __init__(self, values, owner, starts, ends):
        self.values, self.owner, self.starts, self.ends = values, owner, starts, ends


class FeatureBlock:
    """One TfidfVectorizer of the FeatureUnion, as an integer lookup table."""

    def __init__(self, vectorizer, offset: int, weight: float = 1.0):
        if vectorizer.analyzer not in ("word", "char") or vectorizer.norm != "l2" or not vectorizer.use_idf:
            raise ValueError("fast path supports l2-normalised TF-IDF over word or char n-grams")
        if vectorizer.lowercase:
            raise ValueError("fast path needs lowercase=False (normalisation decides what text looks like)")
        self.analyzer = vectorizer.analyzer
        self.tokenizer = vectorizer.tokenizer
        self.ngram_range = tuple(vectorizer.ngram_range)
        self.idf = np.asarray(vectorizer.idf_, dtype=np.float64)
        self.sublinear_tf = bool(vectorizer.sublinear_tf)
        self.offset = offset
        self.weight = weight  # the FeatureUnion's transformer weight for this block
        vocabulary = vectorizer.vocabulary_
        grams = self._word_grams(vocabulary) if self.analyzer == "word" else self._char_grams(vocabulary)
        keys = np.array([self._key(units) for units in grams], dtype=np.int64)
        columns = np.array(list(grams.values()), dtype=np.int64)
        # Frequent n-grams (low idf) first: where keys collide they take the home slot, one probe away.
        order = np.argsort(self.idf[columns], kind="stable")
        self.table = _KeyTable(keys[order], columns[order])

    def _word_grams(self, vocabulary: dict) -> dict:
        low, high = self.ngram_range
        self.token_ids = {term: column for term, column in vocabulary.items() if " " not in term}
        # Units are shifted by one in keys, so n-grams of different lengths get disjoint key ranges.
        self.base = len(self.token_ids) + 1
        if low != 1 or self.base**high >= 2**63:
            raise ValueError("fast path needs word n-grams from 1 and a vocabulary small enough to key")
        self.shortest = 2  # unigrams are their own column; the table holds longer n-grams
        # A kept n-gram's words are all kept unigrams (their document frequency is at least as high),
        # so n-grams can be keyed by their words' unigram columns.
        return {
            tuple(self.token_ids[w] + 1 for w in term.split(" ")): column
            for term, column in vocabulary.items()
            if " " in term and all(w in self.token_ids for w in term.split(" "))
        }

    def _char_grams(self, vocabulary: dict) -> dict:
        low, high = self.ngram_range
        if high * _CODE_BITS > 63:
            raise ValueError("fast path keys char n-grams up to 3 characters")
        self.base = 1 << _CODE_BITS
        self.shortest = low
        return {tuple(ord(c) + 1 for c in term): column for term, column in vocabulary.items()}

    def _key(self, units: tuple[int, ...]) -> int:
        key = 0
        for unit in units:
            key = key * self.base + unit
        return key

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("_token_memo", None)  # grows with use; rebuilt from token_ids
        return state

    def _word_values(self, tokens: list[str]) -> np.ndarray:
        """Unigram columns of raw tokens: -1 for words outside the vocabulary, _DROPPED for punctuation.

        A memo of every raw token seen maps it in one dict lookup; filled lazily, bounded in size.
        """
        memo = self.__dict__.get("_token_memo")
        if memo is None:
            memo = self._token_memo = dict(self.token_ids)
        values = np.fromiter(map(memo.get, tokens, repeat(_UNSEEN)), dtype=np.int64, count=len(tokens))
        for index in (values == _UNSEEN).nonzero()[0].tolist():
            values[index] = self._classify(tokens[index], memo)
        return values

    def _classify(self, token: str, memo: dict) -> int:
        unit = -1 if self.tokenizer.keeps(token) else _DROPPED
        if len(memo) < _MEMO_LIMIT:
            memo[token] = unit
        return unit

    def units(self, texts: list[str], lengths: np.ndarray) -> Units:
        """The batch's units; `texts` are normalised, `lengths` their lengths."""
        if self.analyzer == "char":
            values = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32).astype(np.int64) + 1
            starts = np.arange(len(values), dtype=np.int64)
            return Units(values, np.repeat(np.arange(len(texts)), lengths), starts, starts + 1)
        tokens = [self.tokenizer.raw_tokens(text) for text in texts]
        every = tokens[0] if len(tokens) == 1 else [token for text_tokens in tokens for token in text_tokens]
        values = self._word_values(every)
        # Raw tokens cover their text, so offsets follow from token lengths.
        sizes = np.fromiter(map(len, every), dtype=np.int64, count=len(every))
        ends = sizes.cumsum()
        owner = np.repeat(np.arange(len(texts)), [len(t) for t in tokens])
        if self.table.size:  # n-grams are made of the words the model sees: drop punctuation and spaces
            kept = (values != _DROPPED).nonzero()[0]
            return Units(values[kept], owner[kept], ends[kept] - sizes[kept], ends[kept])
        return Units(values, owner, ends - sizes, ends)  # unigrams only: dropped tokens are never hits

    def hits(self, units: Units) -> Hits:
        """Every vocabulary n-gram occurrence (columns of this block)."""
        values, owner = units.values, units.owner
        rows, columns, firsts, lasts = [], [], [], []
        if self.analyzer == "word":
            known = (values >= 0).nonzero()[0]
            rows.append(owner[known])
            columns.append(values[known])
            firsts.append(known)
            lasts.append(known)
            values = values + 1  # key units; unknown words become 0 and break n-grams below
        keys, starts, sizes = [], [], []
        single = len(owner) == 0 or owner[0] == owner[-1]
        for n in range(self.shortest, self.ngram_range[1] + 1):
            key, start = _gram_keys(values, None if single else owner, n, self.base, self.analyzer == "word")
            keys.append(key)
            starts.append(start)
            sizes.append(n)
        if keys:
            key = np.concatenate(keys) if len(keys) > 1 else keys[0]
            start = np.concatenate(starts) if len(starts) > 1 else starts[0]
            length = np.repeat(sizes, [len(k) for k in keys])
            found, found_columns = self.table.lookup(key)
            start = start[found]
            rows.append(owner[start])
            columns.append(found_columns)
            firsts.append(start)
            lasts.append(start + length[found] - 1)
        return Hits(
            *(np.concatenate(parts) if len(parts) > 1 else parts[0] for parts in (rows, columns, firsts, lasts))
        )


def _gram_keys(
    units: np.ndarray, owner: np.ndarray | None, n: int, base: int, may_break: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Integer keys of all n-grams that stay within one text (`owner` None: all units are one text's) and,
    if `may_break`, contain no unit <= 0; and their first positions."""
    count = len(units) - n + 1
    if count <= 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    key = units[:count]
    for offset in range(1, n):
        key = key * base + units[offset : offset + count]
    if owner is None and not may_break:
        return key, np.arange(count)
    valid = np.ones(count, dtype=bool) if owner is None else owner[:count] == owner[n - 1 :]
    if may_break:
        for offset in range(n):
            valid &= units[offset : offset + count] > 0
    positions = valid.nonzero()[0]
    return key[positions], positions


class CompiledScorer:
    """Scores texts like `pipeline.predict_proba` (with sentence pooling), built from a fitted pipeline."""

    def __init__(self, pipeline):
        union = pipeline.named_steps["features"]
        self.blocks, offset = [], 0
        weights = union.transformer_weights or {}
        for name, vectorizer in union.transformer_list:
            self.blocks.append(FeatureBlock(vectorizer, offset, float(weights.get(name, 1.0))))
            offset += len(vectorizer.idf_)
        self.width = offset
        self.segmenter = next((b.tokenizer for b in self.blocks if b.analyzer == "word"), None)
        estimators = pipeline.named_steps["model"].estimators_
        if not all(hasattr(e, "coef_") for e in estimators):
            raise ValueError("fast path needs a fitted linear model for every theme")
        # One row of weights per theme: gathering a theme's weights for a batch reads one compact row.
        self.theme_weights = np.ascontiguousarray(np.vstack([e.coef_.ravel() for e in estimators]))
        self.intercept = np.array([float(e.intercept_[0]) for e in estimators])
        # Every column's idf, and where each block's columns begin, so all blocks are scored at once.
        self.idf = np.concatenate([b.idf for b in self.blocks])
        self.block_starts = np.array([b.offset for b in self.blocks])
        self.block_weight = np.array([b.weight for b in self.blocks])
        self.sublinear = np.array([b.sublinear_tf for b in self.blocks])

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("_weights_by_column", None)  # a copy of theme_weights, remade where it is needed
        return state

    def _hits(self, normalised: list[str]) -> Hits:
        """Hits of every block: columns in union numbering, first and last unit as the character offset
        where that unit starts."""
        lengths = np.fromiter(map(len, normalised), dtype=np.int64, count=len(normalised))
        parts = []
        for block in self.blocks:
            units = block.units(normalised, lengths)
            hits = block.hits(units)
            if block.analyzer == "char":  # a character's position is its index
                firsts, lasts = hits.firsts, hits.lasts
            else:
                firsts, lasts = units.starts[hits.firsts], units.starts[hits.lasts]
            parts.append(Hits(hits.rows, hits.columns + block.offset, firsts, lasts))
        if len(parts) == 1:
            return parts[0]
        return Hits(*(np.concatenate([getattr(p, name) for p in parts]) for name in Hits.__slots__))

    def _tfidf(self, rows: np.ndarray, columns: np.ndarray, count: int):
        """(rows, columns, values) of the union's TF-IDF rows for feature occurrences, sorted by row: each
        block's l2-normalised TF-IDF times the block's transformer weight, as the FeatureUnion gives."""
        bits = int(self.width).bit_length()  # (row, column) packed in one integer: shifts, not division
        combined = (rows << bits) | columns
        combined.sort()
        # np.unique(..., return_counts=True), without its per-call overhead
        first = np.empty(len(combined), dtype=bool)
        first[:1] = True
        np.not_equal(combined[1:], combined[:-1], out=first[1:])
        starts = first.nonzero()[0]
        counts = np.diff(starts, append=len(combined))
        combined = combined[starts]
        rows = combined >> bits
        columns = combined & ((1 << bits) - 1)
        blocks = np.searchsorted(self.block_starts, columns, side="right") - 1
        tf = counts.astype(np.float64)
        if self.sublinear.any():
            # log(count) + 1 as the vectorizer computes it; counts are small, so mostly looked up
            logged = _LOG_TF_PLUS_ONE.take(counts, mode="clip")
            large = counts >= len(_LOG_TF_PLUS_ONE)
            if large.any():
                logged[large] = np.log(tf[large]) + 1.0
            tf = logged if self.sublinear.all() else np.where(self.sublinear[blocks], logged, tf)
        values = tf * self.idf[columns]
        group = rows * len(self.blocks) + blocks
        norms = np.sqrt(np.bincount(group, weights=values * values, minlength=count * len(self.blocks)))
        return rows, columns, values * (self.block_weight[blocks] / norms[group])

    def prepare_for_batches(self) -> None:
        """Pay now what the first large batch would: importing scipy and laying out the weights for it.
        Batch labelling calls this at start-up, so forked workers share both."""
        import scipy.sparse  # noqa: F401

        self._columns_by_theme()

    def _columns_by_theme(self) -> np.ndarray:
        """The weights laid out (column, theme), as the sparse product reads them; made on first use."""
        laid_out = self.__dict__.get("_weights_by_column")
        if laid_out is None:
            laid_out = self._weights_by_column = np.ascontiguousarray(self.theme_weights.T)
        return laid_out

    @property
    def weights(self) -> np.ndarray:
        """The linear model's weights, one column per theme (a view)."""
        return self.theme_weights.T

    def features(self, texts: list[str]):
        """The union's TF-IDF matrix (scipy CSR) for raw texts, normalised here as the Pipeline's first step does."""
        from scipy import sparse  # only explanations and tests need a matrix; serving scores without scipy

        hits = self._hits([normalize_text(text) for text in texts])
        rows, columns, values = self._tfidf(hits.rows, hits.columns, len(texts))
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
        hits = self._hits(normalised)
        rows, columns, count = hits.rows, hits.columns, len(texts)
        owners = np.zeros(0, dtype=np.int64)
        if weight:
            owners, sentence = _sentences_of(normalised, hits)
            inside = sentence >= 0
            rows = np.concatenate((rows, count + sentence[inside]))
            columns = np.concatenate((columns, columns[inside]))
        probability = _sigmoid(self._decision(rows, columns, count + len(owners), count))
        paragraph, sentences = probability[:count], probability[count:]
        return combine(paragraph, sentences, owners, weight) if weight else paragraph

    def _decision(self, rows: np.ndarray, columns: np.ndarray, count: int, texts: int) -> np.ndarray:
        """Linear scores of `count` rows (paragraphs, then sentences) of a call on `texts` texts."""
        decision = np.repeat(self.intercept[None, :], count, axis=0)
        if not len(rows):
            return decision
        rows, columns, values = self._tfidf(rows, columns, count)
        if texts >= _SPARSE_PRODUCT_FROM:
            # Batch labelling: scipy's sparse product is one C loop, four times faster than numpy passes
            # per theme. Only here is scipy imported: service workers score small slices and skip its ~14 MB.
            from scipy.sparse import csr_matrix

            pointers = np.zeros(count + 1, dtype=np.int64)
            np.cumsum(np.bincount(rows, minlength=count), out=pointers[1:])
            matrix = csr_matrix((values, columns, pointers), shape=(count, self.width))
            decision += matrix @ self._columns_by_theme()
        elif count <= _SMALL_BATCH:
            # Few rows: gather all themes' weights at once and sum them per row.
            starts = np.concatenate(([True], rows[1:] != rows[:-1])).nonzero()[0]
            summed = np.add.reduceat(self.theme_weights.take(columns, axis=1) * values, starts, axis=1)
            decision[rows[starts]] += summed.T
        else:
            # Many rows: one theme at a time keeps the temporaries the size of the hits, not ten times it.
            for theme, weights in enumerate(self.theme_weights):
                decision[:, theme] += np.bincount(rows, weights=weights.take(columns) * values, minlength=count)
        return decision


def _sigmoid(decision: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-decision))


def _sentences_of(texts: list[str], hits: Hits) -> tuple[np.ndarray, np.ndarray]:
    """(the text of each sentence, the sentence each hit lies wholly inside or -1); a unit belongs to the
    sentence its first character is in."""
    starts, ends, owners, base = [], [], [], 0
    for index, text in enumerate(texts):
        for a, b in sentence_spans(text):
            starts.append(base + a)
            ends.append(base + b)
            owners.append(index)
        base += len(text)
    if not starts:
        return np.zeros(0, dtype=np.int64), np.full(len(hits.rows), -1, dtype=np.int64)
    span_starts, span_ends = np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64)

    def sentence_at(position: np.ndarray) -> np.ndarray:
        index = np.searchsorted(span_starts, position, side="right") - 1
        inside = (index >= 0) & (position < span_ends[np.maximum(index, 0)])
        return np.where(inside, index, -1)

    first, last = sentence_at(hits.firsts), sentence_at(hits.lasts)
    return np.array(owners, dtype=np.int64), np.where(first == last, first, -1)
