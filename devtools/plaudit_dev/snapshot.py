"""The local stack's data across restarts: moto's server cannot persist, so its in-memory state (every
service's backend: tables and their items, queues and their messages, the voucher key, secrets, sent mail)
is pickled to `<state dir>/moto-state.pickle` while the stack runs and when it stops, and loaded back at the
next start. `plaudit dev --fresh` (or FRESH=1) deletes it and starts from the seed.

What is not kept: stream records every consumer had read (trimmed as they go), shard iterators (they expire
in 15 minutes in AWS too), the fake Slack's record of calls. A snapshot written by another moto version is
not loaded (the stack starts from the seed and says so): moto's objects are not a stable format.

Pickle is only read from the developer's own state directory, which the stack itself wrote.
"""

from __future__ import annotations

import logging
import os
import pickle
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, BinaryIO

from plaudit_dev.paths import state_dir

log = logging.getLogger(__name__)

SNAPSHOT_FILE = "moto-state.pickle"
SAVE_EVERY_S = 30.0  # while running: a crash or kill -9 loses at most this much
_LOCK, _RLOCK = type(threading.Lock()), type(threading.RLock())


def snapshot_path() -> Path:
    return state_dir() / SNAPSHOT_FILE


def discard() -> bool:
    """Delete the snapshot (`--fresh`); True if there was one."""
    path = snapshot_path()
    existed = path.exists()
    path.unlink(missing_ok=True)
    return existed


def save(lock: AbstractContextManager[Any]) -> Path:
    """Write every moto backend to the snapshot, atomically; `lock` keeps moto's requests out meanwhile."""
    import moto
    from moto.core.base_backend import BackendDict

    path = snapshot_path()
    scratch = path.with_suffix(f".{os.getpid()}.tmp")
    # the directory's people, points and voucher keys: for the developer's eyes only, like the dev JWT key
    with lock, os.fdopen(os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as stream:
        backends = [
            (backend_dict.service_name, account_id, region, backend)
            for backend_dict in list(BackendDict._instances)
            for account_id, region, backend in backend_dict.iter_backends()
        ]
        # streamed to the file: the whole pickle is never held in memory (nor copied), so the stack's
        # resident memory does not keep a high-water mark of twice its data from every save
        _Pickler(stream).dump({"moto": moto.__version__, "backends": backends})
    scratch.replace(path)
    return path


def restore() -> bool:
    """Load the snapshot into moto (before moto serves anything); False when there is none to load."""
    import moto
    from moto.backends import get_backend

    path = snapshot_path()
    if not path.exists():
        return False
    try:
        saved = pickle.loads(path.read_bytes())  # noqa: S301 - our own state file, see the module's docstring
    except Exception as exc:  # a truncated or foreign file: start from the seed rather than not at all
        log.warning("could not read %s (%s): starting from the seed", path, exc)
        return False
    if saved.get("moto") != moto.__version__:
        log.warning(
            "%s was written by moto %s, this is %s: starting from the seed",
            path,
            saved.get("moto"),
            moto.__version__,
        )
        return False
    for service, account_id, region, backend in saved["backends"]:
        if service == "dynamodbstreams":
            backend.shard_iterators.clear()
        get_backend(service)[account_id][region] = backend
    return True


class Saver:
    """Saves the snapshot every `every` seconds from a daemon thread until stopped; logs what fails."""

    def __init__(self, save_now: Callable[[], object], every: float = SAVE_EVERY_S) -> None:
        self._save = save_now
        self._every = every
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="snapshot", daemon=True)

    def start(self) -> Saver:
        self._thread.start()
        return self

    def stop(self, timeout: float = 30.0) -> None:
        self._stopping.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stopping.wait(self._every):
            try:
                self._save()
            except Exception:
                log.exception("saving the local stack's data failed")


def _load_private_key(pem: bytes) -> Any:
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    return load_pem_private_key(pem, password=None)


class _Pickler(pickle.Pickler):
    """Pickles what moto holds that pickle cannot: locks (saved as new, unlocked ones) and the private keys
    of KMS keys (as PEM)."""

    def __init__(self, file: BinaryIO) -> None:
        from cryptography.hazmat.primitives.asymmetric import ec, rsa

        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._key_types = (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey)

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, _LOCK):
            return threading.Lock, ()
        if isinstance(obj, _RLOCK):
            return threading.RLock, ()
        if isinstance(obj, self._key_types):
            from cryptography.hazmat.primitives import serialization

            pem = obj.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
            return _load_private_key, (pem,)
        return NotImplemented
