"""In an ingest on the embedded index, a dossier's entries are handed to tantivy before
its catalog rows are written (preservation/commit.py, ``_index_then_record``).  What a
searcher sees must not change: a dossier is found only once its rows exist, and a
dossier whose rows failed is not found at all."""

from __future__ import annotations

import luutru.catalog.index_retries as index_retries
import luutru.preservation.commit as commit
from luutru.ingest.pipeline import ingest
from luutru.search.query import Rights, SearchQuery
from tests.factory import base_spec, write_transfer


def _found(services, code: str) -> int:
    return services.index.search(SearchQuery(dossier_code=code), Rights.everything()).total


def test_entries_are_unseen_until_the_rows_are_written(services, tmp_path, monkeypatch) -> None:
    assert services.index.hidden_until_commit  # the embedded index: the order applies
    real = commit.record
    seen_before_rows: dict[str, int] = {}

    def record(svc, code, meta=None, **kw):
        seen_before_rows[code] = _found(svc, code)
        return real(svc, code, meta, **kw)

    monkeypatch.setattr(commit, "record", record)
    spec = base_spec(2, 1)
    rep = ingest(write_transfer(spec, tmp_path / "t"), services)
    assert rep.status == "accepted"
    codes = [d["ma_ho_so"] for d in spec.dossiers]
    assert seen_before_rows == {c: 0 for c in codes}
    assert all(_found(services, c) >= 1 for c in codes)


def test_a_dossier_whose_rows_fail_is_not_found_and_is_queued(services, tmp_path, monkeypatch) -> None:
    spec = base_spec(2, 1)
    first, second = (d["ma_ho_so"] for d in spec.dossiers)
    real = commit.record

    def record(svc, code, meta=None, **kw):
        if code == second:
            raise OSError(28, "No space left on device")
        return real(svc, code, meta, **kw)

    monkeypatch.setattr(commit, "record", record)
    rep = ingest(write_transfer(spec, tmp_path / "t"), services)
    assert rep.status == "failed"
    assert [f.code for f in rep.findings if f.is_error] == ["DISK_FULL"]
    assert _found(services, first) >= 1  # stored, catalogued, indexed before the failure
    assert _found(services, second) == 0  # its entries were withdrawn before the batch's commit
    with services.catalog.session() as s:
        assert second in index_retries.pending(s, 10)
