"""The one commit path of an AIP: store → catalog rows → search index.

Ingest, the destruction minutes and ``reindex`` all go through here, so the order and
the failure rules live in one place:

1. **store** the sealed bag (:func:`store`): atomically, with the retention lock or legal
   hold the caller asks for.  A concurrent run that stored the same dossier first is
   fine when ``same_content`` says the stored AIP is ours; anything else re-raises.
2. **catalog** (:func:`record`): the rows are written in one transaction from the
   *stored* AIP's own JSON (the AIP is the truth, never the in-memory record): read back
   from storage, or, for an AIP this process has just stored from bytes held in memory,
   from those very bytes (:func:`stored_from`).
3. **index** (:func:`index`): a failure is queued as an ``index`` job (:mod:`luutru.catalog.index_retries`) and returned as an
   ``INDEX_QUEUED`` warning; it never fails the stored AIP.

``checkpoint`` names the points between steps where tests crash the process
(``after_store``, ``after_catalog``); callers that are not ingest pass none.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import luutru.catalog.index_retries as index_retries
import luutru.records.finding_codes.ingest as fc
from luutru.catalog.records import (
    AipMetadata,
    load_aip_metadata,
    metadata_of,
    upsert_dossier,
)
from luutru.packaging.bag import MANIFEST
from luutru.packaging.held import held_bag
from luutru.preservation.storage import StorageError
from luutru.records.findings import Finding, finding
from luutru.services import FaultInjected, Services

log = logging.getLogger(__name__)

Checkpoint = Callable[[str], None]


def _no_checkpoint(_name: str) -> None:
    pass


@dataclass
class Committed:
    """What the commit path did with one AIP."""

    code: str
    stored: bool  # False: the AIP was already in storage (a re-run, or catalog/index repair)
    meta: AipMetadata
    index_warning: Finding | None = None


def store(services: Services, code: str, bag: Path, *, lock: dict[str, Any] | None = None,
          same_content: Callable[[AipMetadata], bool] | None = None) -> bool:
    """Put a sealed bag into storage; a concurrent identical store is not an error.
    True when this call stored the bag, False when a concurrent run had stored the same."""
    try:
        services.storage.put_aip(code, bag, **(lock or {}))
        return True
    except StorageError:
        if same_content is None or not services.storage.has_aip(code):
            raise
        # stored meanwhile by a concurrent run: fine if it is the same content
        if not same_content(load_aip_metadata(services.storage, code, with_text=False)):
            raise
        return False


def stored_from(code: str, bag: Path) -> AipMetadata | None:
    """The metadata of the AIP this process has just stored from ``bag``, read from the
    bytes it was stored from when the bag holds them in memory (:mod:`luutru.packaging.held`):
    the stored files are those very bytes, encrypted; reading them back and decrypting
    them gave the same and cost a fifth of the ingest's main thread (issue 17).  None
    when the bag does not hold them all: the caller reads the stored AIP."""
    hb = held_bag(bag)
    if hb is None or MANIFEST not in hb.files:
        return None
    try:
        return metadata_of(code, hb.files[MANIFEST], hb.files.__getitem__)
    except KeyError:  # a file too large to hold was written to disk: read the AIP
        return None


def record(services: Services, code: str, meta: AipMetadata | None = None, *, durable: bool = True) -> AipMetadata:
    """Write the catalog rows of a stored AIP, from the AIP itself, in one transaction
    (``durable=False``: see :meth:`luutru.catalog.db.Catalog.session`)."""
    meta = meta or load_aip_metadata(services.storage, code)
    with services.catalog.session(durable=durable) as s:
        upsert_dossier(s, meta)
    return meta


def _unqueue(services: Services, code: str) -> None:
    with services.catalog.session() as s:
        index_retries.drop(s, code)


def _queue(services: Services, code: str, err: str) -> None:
    """An ``index`` job in the one job queue, retried with the queue's back-off."""
    js = services.settings.jobs
    with services.catalog.session() as s:
        index_retries.queue_retry(s, code, err, max_attempts=js.index_max_attempts, delay=js.retry_backoff_seconds)


def index(services: Services, code: str, meta: AipMetadata | None = None, *, unqueue: bool = True) -> Finding | None:
    """Index one stored dossier; on failure queue it and return a warning (never raise).
    ``unqueue=False``: an :class:`IndexBatch` drops the dossier's pending retry when its
    index commit succeeds (one statement for the transfer, not a transaction each)."""
    try:
        meta = meta or load_aip_metadata(services.storage, code)
        services.index.index_dossier(meta.dossier, meta.documents, meta.texts)
        if unqueue:
            _unqueue(services, code)
        return None
    except FaultInjected:
        raise
    except Exception as e:  # noqa: BLE001 - any index failure is queued, by design
        log.warning("indexing %s failed: %s", code, e)
        _queue(services, code, str(e))
        return _queued(code, e)


class IndexBatch:
    """Index writes of several commits made visible by one index commit (one per transfer).

    Why: a tantivy commit costs tens of milliseconds, paid once per dossier before.
    Inside the batch each :func:`commit` still stores and catalogues its AIP; the
    caller adds to ``codes`` the dossiers whose index step succeeded.  When the final
    index commit fails those dossiers are queued for retry and ``findings`` holds one
    INDEX_QUEUED warning each, exactly as a failed index step would have; the stored
    AIPs stand.  An exception from the body propagates unchanged.
    """

    def __init__(self, services: Services):
        self.services = services
        self.codes: list[str] = []
        self.findings: list[Finding] = []
        self._bulk: Any = None

    def __enter__(self) -> "IndexBatch":
        try:
            bulk = self.services.index.bulk()
            bulk.__enter__()
            self._bulk = bulk
        except FaultInjected:
            raise
        except Exception as e:  # noqa: BLE001 - no index now: each index step fails and is queued
            log.warning("no index batch: %s", e)
        return self

    @property
    def active(self) -> bool:
        """Whether index writes wait for the batch's commit (else each is committed alone)."""
        return self._bulk is not None

    def __exit__(self, *exc: Any) -> bool:
        if self._bulk is None:
            return False
        try:
            self._bulk.__exit__(None, None, None)
        except FaultInjected:
            raise
        except Exception as e:  # noqa: BLE001 - any index failure is queued, by design
            if exc[0] is not None:
                return False  # the body's own exception is the one to report
            log.warning("index commit of %d dossiers failed: %s", len(self.codes), e)
            for code in self.codes:
                _queue(self.services, code, str(e))
                self.findings.append(_queued(code, e))
            return False
        try:
            with self.services.catalog.session() as s:  # indexed now: no retry pending for them
                index_retries.drop_many(s, self.codes)
        except FaultInjected:
            raise
        except Exception as e:  # noqa: BLE001 - a retry left behind only indexes a dossier once more
            log.warning("could not drop the index retries of %d dossiers: %s", len(self.codes), e)
        return False


def _queued(code: str, e: Exception) -> Finding:
    return finding(
        fc.INDEX_QUEUED,
        f"Hồ sơ {code} đã lưu an toàn nhưng chưa vào chỉ mục tìm kiếm ({e}); sẽ thử lại, hoặc chạy `luutru reindex`.",
        f"Dossier {code} is stored safely but not yet searchable ({e}); it is queued for retry, or run "
        "`luutru reindex`.", dossier=code, details={"error": str(e)[:2000]})


def commit(services: Services, code: str, bag: Path | None, *, lock: dict[str, Any] | None = None,
           same_content: Callable[[AipMetadata], bool] | None = None,
           checkpoint: Checkpoint = _no_checkpoint, storing: Future[bool] | None = None,
           batched: bool = False) -> Committed:
    """Store (when ``bag`` is given), then catalog, then index one AIP.

    ``bag=None`` commits an AIP already in storage: its catalog rows and index entry are
    written again (a re-run after a crash, or a dossier found ``already_stored``).
    ``storing``: the bag's store already started by :class:`StoreAhead`; it is waited
    for (and its error raised) before anything is catalogued.  ``batched``: inside an
    :class:`IndexBatch`, which the caller tells of each dossier indexed (``codes``).
    """
    ours = False
    if bag is not None:
        ours = storing.result() if storing is not None else store(services, code, bag, lock=lock,
                                                                    same_content=same_content)
        checkpoint("after_store")
    meta = stored_from(code, bag) if ours and bag is not None else None
    if batched and getattr(services.index, "hidden_until_commit", False):
        return _index_then_record(services, code, bag is not None, meta, checkpoint)
    # in a batch (an ingest), the rows are made durable by the ingest's report, committed last
    meta = record(services, code, meta, durable=not batched)
    checkpoint("after_catalog")
    return Committed(code, bag is not None, meta, index(services, code, meta, unqueue=not batched))


def _index_then_record(services: Services, code: str, stored: bool, meta: AipMetadata | None,
                       checkpoint: Checkpoint) -> Committed:
    """Steps 2 and 3 of a batched commit on an index whose writes stay unseen until the
    batch commits (tantivy): the entries are handed to the index first, so that its
    threads analyse the texts while the catalog rows are written (issue 17: the text of
    a 1 GiB file took 0.3 s, after the rows).  Searchers still see the dossier only at
    the batch's commit, after its rows.  When the rows fail, its entries are withdrawn
    before that commit, and an index retry is queued: the withdrawal also hides an
    earlier version's entries, which the retry writes again from storage."""
    meta = meta or load_aip_metadata(services.storage, code)
    warning = index(services, code, meta, unqueue=False)
    try:
        record(services, code, meta, durable=False)
    except BaseException as e:
        if warning is None:
            _withdraw(services, code, e)
        raise
    checkpoint("after_catalog")
    return Committed(code, stored, meta, warning)


def _withdraw(services: Services, code: str, why: BaseException) -> None:
    """Take back the entries of a dossier whose catalog rows failed (see :func:`_index_then_record`)."""
    try:
        services.index.delete_dossier(code)
    except Exception as e:  # noqa: BLE001 - the error being raised is the one to report
        log.error("could not withdraw the index entries of %s (its catalog rows failed): %s", code, e)
    try:
        _queue(services, code, f"catalog rows failed: {why!r}"[:2000])
    except Exception as e:  # noqa: BLE001 - the catalog may be what failed; reindex repairs
        log.warning("could not queue an index retry for %s: %s", code, e)


class StoreAhead:
    """Stores the next sealed bags on threads while the caller catalogues and indexes
    the earlier ones, in order, with :func:`commit` (``storing=``).

    Why: storing a small encrypted AIP is encryption, hashing, file writes and a flush to
    disk, much of which runs outside the interpreter lock, while cataloguing and
    indexing are Python, so the two can overlap.  At most ``depth`` stores run ahead, so
    a crash leaves at most that many AIPs stored before their catalog rows; the re-run
    finds them ``already stored`` and catalogues them, as after any crash between the
    steps.  Leaving the block waits for the stores already running; when it is left by
    an error, stores not yet started are cancelled, so nothing more is stored after it.
    """

    def __init__(self, services: Services, depth: int = 2):
        self.services = services
        self.depth = depth
        self._pool = ThreadPoolExecutor(depth, thread_name_prefix="luutru-store")

    def __enter__(self) -> "StoreAhead":
        return self

    def __exit__(self, *exc: Any) -> bool:
        self._pool.shutdown(wait=True, cancel_futures=exc[0] is not None)
        return False

    def submit(self, code: str, bag: Path, *, lock: dict[str, Any] | None = None,
               same_content: Callable[[AipMetadata], bool] | None = None) -> Future[bool]:
        return self._pool.submit(store, self.services, code, bag, lock=lock, same_content=same_content)


def retry_index_queue(services: Services, *, limit: int = 200) -> tuple[int, int]:
    """Index again the dossiers whose indexing failed earlier; returns (done, still queued)."""
    with services.catalog.session() as s:
        codes = index_retries.pending(s, limit)
    done = 0
    for code in codes:
        if not services.storage.has_aip(code):  # destroyed meanwhile: nothing to index
            _unqueue(services, code)
            continue
        if index(services, code) is None:
            done += 1
    with services.catalog.session() as s:
        left = index_retries.count_pending(s)
    return done, left
