"""A few files that Siegfried identified as no PDF are checked in the ingest's own
process (ingest/checks/inline.py); a PDF, under any name, still goes to a worker."""

from __future__ import annotations

import hashlib
from pathlib import Path
from types import SimpleNamespace

import pytest

import luutru.ingest.checks.isolation as isolation
import luutru.ingest.checks.per_file as per_file
from luutru.ingest.checks.inline import INLINE_MAX_FILES, InlinePool, runs_inline
from luutru.ingest.pipeline import ingest
from luutru.search.query import Rights, SearchQuery
from tests.factory import (
    TransferSpec,
    document_row,
    dossier_row,
    make_pdf,
    write_transfer,
)


def _data_spec(files: dict[str, bytes]) -> TransferSpec:
    spec = TransferSpec()
    d = dossier_row(1, len(files))
    spec.dossiers.append(d)
    for s, (name, data) in enumerate(files.items(), 1):
        path = f"files/{name}"
        spec.files[path] = data
        spec.documents.append(document_row(d, s, path, hashlib.sha256(data).hexdigest()))
    return spec


class _Counted(isolation.WorkerPool):
    made = 0

    def __init__(self, *a, **kw):
        type(self).made += 1
        super().__init__(*a, **kw)


@pytest.fixture
def pools(monkeypatch):
    _Counted.made = 0
    monkeypatch.setattr(isolation, "WorkerPool", _Counted)
    return _Counted


def test_which_batches_run_inline() -> None:
    csv, pdf = SimpleNamespace(key="csv"), SimpleNamespace(key="pdf")
    rejected = SimpleNamespace(key=None)  # identified, and no format of the policy: nothing is parsed
    paths = [Path("/t/a.csv"), Path("/t/b.bin")]
    assert runs_inline(paths, {"/t/a.csv": csv, "/t/b.bin": rejected})
    assert not runs_inline(paths, {"/t/a.csv": csv, "/t/b.bin": pdf})  # content says PDF
    assert not runs_inline(paths, {"/t/a.csv": csv})  # one not identified yet
    assert not runs_inline(paths, None)
    many = [Path(f"/t/{i}.csv") for i in range(INLINE_MAX_FILES)]
    assert not runs_inline(many, {str(p): csv for p in many})  # two workers pay for themselves


def test_a_data_transfer_is_checked_without_a_worker_and_its_text_is_found(services, tmp_path, pools) -> None:
    spec = _data_spec({"so_lieu.csv": "mã;tên\n1;Sổ đăng ký văn bản đến năm 2021\n".encode(),
                       "ghi_chu.txt": "Biên bản bàn giao tài liệu lưu trữ".encode()})
    rep = ingest(write_transfer(spec, tmp_path / "t"), services)
    assert rep.status == "accepted", [f.message_en for f in rep.findings if f.is_error]
    assert pools.made == 0
    hits = services.index.search(SearchQuery(text="so dang ky van ban den"), Rights.everything()).hits
    assert any(h.dossier_code == spec.dossiers[0]["ma_ho_so"] for h in hits)


def test_a_pdf_named_as_data_still_goes_to_a_worker(services, tmp_path, pools) -> None:
    spec = _data_spec({"so_lieu.csv": make_pdf(["QUYẾT ĐỊNH số 7/QĐ-UBND"])})
    ingest(write_transfer(spec, tmp_path / "t"), services)
    assert pools.made == 1


def test_a_check_that_fails_inline_ends_in_a_finding(services, tmp_path, pools, monkeypatch) -> None:
    def broken(path):
        raise UnicodeError("decoder gave up")

    monkeypatch.setattr(per_file, "_read_text", broken)
    spec = _data_spec({"so_lieu.csv": b"a;b\n1;2\n"})
    rep = ingest(write_transfer(spec, tmp_path / "t"), services)
    assert pools.made == 0
    failed = [f for f in rep.findings if f.code == "FILE_CHECK_FAILED"]
    assert failed and "decoder gave up" in failed[0].message_en
    assert rep.status == "rejected"


def test_inline_pool_reports_each_call_in_order() -> None:
    seen = []

    def fn(x):
        if x == 2:
            raise ValueError("bad")
        return x * 10

    out = InlinePool(fn).map([(1,), (2,), (3,)], timeout=1, each=lambda i, o: seen.append(i))
    assert [o.ok for o in out] == [True, False, True]
    assert out[0].value == 10 and "ValueError: bad" in out[1].error
    assert seen == [0, 1, 2]
