"""veraPDF decides PDF/A at ingest: its verdict sets the PUID and whether a PDF/A-2b
preservation copy is made; the in-process checks are the fast pre-filter and the
fallback, and never overrule it.

Runs the project's corpus (tests/pdfa_corpus.py: conforming PDF/A-1b/2b/2u/3b/4, broken
files and invalid claims) through ``check_files`` as one transfer, with the real veraPDF
(LUUTRU_TEST_VERAPDF, installed by scripts/setup) and without it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import luutru.records.events as ev
import luutru.tools.ghostscript as ghostscript
import luutru.tools.verapdf as verapdf
from luutru.config import Settings
from luutru.ingest.checks.per_file import check_files
from luutru.ingest.checks.results import CheckConfig, FileCheckResult, FileItem
from tests import engines
from tests.pdfa_corpus import CASES, Case, write_corpus

PUIDS = {"1B": "fmt/354", "2B": "fmt/477", "2U": "fmt/478", "3B": "fmt/480", "4": "fmt/1910"}
needs_gs = pytest.mark.skipif(ghostscript.find_ghostscript() is None, reason="Ghostscript (gs) not installed")


def run(tmp: Path, exe: str | None) -> tuple[dict[str, FileCheckResult], list[str]]:
    files = write_corpus(tmp / "in")
    items = [FileItem(p, case.name, document=case.name) for case, p in files]
    # Siegfried identifies the files (when setup installed it); this test is about veraPDF
    cfg = CheckConfig(verapdf=exe or str(tmp / "no-verapdf-here"), siegfried=engines.value("siegfried"))
    b = check_files(items, Settings(), out_dir=tmp / "out", config=cfg)
    return ({r.relpath: r for r in b.results},
            [f.code for f in b.batch_findings if f.code != "SIEGFRIED_NOT_INSTALLED"])


def migrated(r: FileCheckResult) -> bool:
    return any(e.event_type == ev.MIGRATION for e in r.events)


@pytest.fixture(scope="module")
def with_verapdf(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, FileCheckResult], int]:
    exe = engines.need("verapdf")
    calls: list[int] = []
    real = verapdf.validate_batch

    def counting(paths, **kw):  # type: ignore[no-untyped-def]
        calls.append(len(paths))
        return real(paths, **kw)

    mp = pytest.MonkeyPatch()
    mp.setattr(verapdf, "validate_batch", counting)
    try:
        results, batch = run(tmp_path_factory.mktemp("vera"), exe)
    finally:
        mp.undo()
    assert batch == []
    return results, len(calls)


@engines.mark("verapdf")
def test_one_verapdf_run_for_the_whole_transfer(with_verapdf) -> None:  # type: ignore[no-untyped-def]
    _, calls = with_verapdf
    assert calls == 1


@needs_gs
@engines.mark("verapdf")
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_verapdf_verdict_sets_puid_and_copy(with_verapdf, case: Case) -> None:  # type: ignore[no-untyped-def]
    r = with_verapdf[0][case.name]
    if case.claim is not None:
        assert r.pdfa is not None and r.pdfa.verapdf_compliant is case.compliant, r.pdfa
    if case.compliant:
        assert r.format.key == "pdfa" and r.format.name.upper() == f"PDF/A-{case.claim}"
        assert r.format.puid == PUIDS[case.claim or ""]  # PDF/A-4 too (PRONOM fmt/1910)
        assert not migrated(r) and r.preservation_copy is None
    else:
        assert r.format.key == "pdf" and r.format.puid not in PUIDS.values()
        assert migrated(r)  # a PDF/A-2b preservation copy is made (or its failure reported)
    if case.claim is not None and not case.compliant:
        [f] = [f for f in r.findings if f.code == "PDFA_CLAIM_INVALID"]
        assert any(c in f.message_en for c in ("6.", "7."))  # the veraPDF rules that failed


@engines.mark("verapdf")
def test_in_process_checks_never_overrule_verapdf(with_verapdf) -> None:  # type: ignore[no-untyped-def]
    """Transparency in PDF/A-1 passes the pre-filter; veraPDF's "no" stands."""
    r = with_verapdf[0]["broken-1b-transparency.pdf"]
    assert r.pdfa is not None and not r.pdfa.in_process_problems
    assert r.pdfa.verapdf_compliant is False and not r.pdfa.is_pdfa and r.format.key == "pdf"


@pytest.fixture(scope="module")
def without_verapdf(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, FileCheckResult], list[str]]:
    return run(tmp_path_factory.mktemp("novera"), None)


@needs_gs
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_without_verapdf_the_prefilter_decides_and_says_so(without_verapdf, case: Case) -> None:  # type: ignore[no-untyped-def]
    results, batch = without_verapdf
    assert batch == ["VERAPDF_NOT_INSTALLED"]
    r = results[case.name]
    assert (r.format.key == "pdfa") is case.in_process_verdict
    assert migrated(r) is not case.in_process_verdict
