"""Runners that label chunks on several cores or on a Dask cluster, results in input order.

Each worker loads the model once: a process pool from the (checksummed) model file, a Dask worker
from bytes scattered to it once and kept in a per-process cache keyed by their sha256.
"""

import hashlib
import io
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .batch import DEFAULT_SETTINGS, Chunk, ChunkResult, Settings, label_chunk
from .errors import ModelLoadError

_WORKER_MODELS: dict = {}  # per worker process: model path or digest → loaded model


def _in_order(submit: Callable[[Chunk], Callable[[], ChunkResult]], read_ahead: int):
    """A runner that keeps up to `read_ahead` chunks in flight and yields results in input order.

    Bounded read-ahead keeps memory flat on huge inputs while every worker stays busy.
    """

    def run(chunks: Iterable[Chunk]) -> Iterator[tuple[Chunk, ChunkResult]]:
        window: deque = deque()
        for chunk in chunks:
            window.append((chunk, submit(chunk)))
            if len(window) >= read_ahead:
                done, result = window.popleft()
                yield done, result()
        while window:
            done, result = window.popleft()
            yield done, result()

    return run


def _load_in_worker(path: str):
    from .artifact import load_model
    from .memory import keep_freed_memory

    keep_freed_memory()
    if "pool" not in _WORKER_MODELS:  # forked workers inherit the parent's model
        _WORKER_MODELS["pool"] = load_model(Path(path))


def _label_in_pool(args):
    chunk, settings = args
    return label_chunk(_WORKER_MODELS["pool"], chunk, settings)


@contextmanager
def process_pool(model_path: Path, jobs: int, settings: Settings = DEFAULT_SETTINGS, model=None):
    """A runner over `jobs` local processes.

    On Linux the workers are forked from this process with `model` already loaded (start it before any
    other thread, e.g. a progress bar's): a worker starts in milliseconds instead of importing everything
    and loading the model again, which on a province-sized batch was most of what --jobs failed to gain.
    Elsewhere they are spawned and load the (checksummed) model file themselves.
    """
    import multiprocessing

    forking = sys.platform == "linux" and model is not None
    if forking:
        _WORKER_MODELS["pool"] = model
    context = multiprocessing.get_context("fork" if forking else "spawn")
    try:
        with context.Pool(jobs, _load_in_worker, (str(model_path),)) as pool:

            def submit(chunk: Chunk):
                return pool.apply_async(_label_in_pool, ((chunk, settings),)).get

            yield _in_order(submit, 4 * jobs)
    finally:
        _WORKER_MODELS.pop("pool", None)


def _model_from_bytes(data: bytes, digest: str):
    model = _WORKER_MODELS.get(digest)
    if model is None:
        import joblib

        from .memory import keep_freed_memory

        keep_freed_memory()

        if hashlib.sha256(data).hexdigest() != digest:
            raise ModelLoadError("model bytes received by the worker do not match their checksum")
        model = _WORKER_MODELS[digest] = joblib.load(io.BytesIO(data))
    return model


def _label_on_dask(chunk: Chunk, data: bytes, digest: str, settings: Settings):
    return label_chunk(_model_from_bytes(data, digest), chunk, settings)


@contextmanager
def dask_cluster(address: str, model_path: Path, jobs: int, settings: Settings = DEFAULT_SETTINGS):
    """A runner on a Dask cluster at `address`, or on a LocalCluster of `jobs` processes for "local"."""
    from dask.distributed import Client, LocalCluster

    from .artifact import load_model

    load_model(model_path)  # verifies the checksum here before anything is shipped
    data = model_path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    cluster = None
    if address == "local":
        cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None)
    try:
        with Client(cluster or address) as client:
            [shipped] = client.scatter([data], broadcast=True)  # once per worker
            workers = max(1, len(client.scheduler_info().get("workers", {})))

            def submit(chunk: Chunk):
                return client.submit(_label_on_dask, chunk, shipped, digest, settings, pure=False).result

            yield _in_order(submit, 4 * workers)
    finally:
        if cluster is not None:
            cluster.close()
