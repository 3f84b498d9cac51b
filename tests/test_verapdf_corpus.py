"""veraPDF on the project's own PDF/A corpus (tests/pdfa_corpus.py), in one batch.

Needs the veraPDF command line that scripts/setup installs (LUUTRU_TEST_VERAPDF); skips
with that reason without it, fails in CI. The whole corpus goes through one veraPDF
process: a JVM per file is what the wrapper exists to avoid.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import luutru.tools.verapdf as verapdf
from tests import engines
from tests.pdfa_corpus import CASES, write_corpus

pytestmark = engines.mark("verapdf")


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, verapdf.VeraPdfOutcome]:
    exe = engines.need("verapdf")
    files = write_corpus(tmp_path_factory.mktemp("pdfa"))
    out = verapdf.validate_batch([p for _, p in files], exe=exe, timeout=300)
    return {Path(k).name: v for k, v in out.items()}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_verdict_matches_the_case(verdicts: dict[str, verapdf.VeraPdfOutcome], case) -> None:  # type: ignore[no-untyped-def]
    o = verdicts[case.name]
    assert o.error is None, o.error
    assert o.compliant is case.compliant, (case.why, o.profile, o.failed_rules)
    if case.compliant:
        assert not o.failed_rules
        part = case.claim.rstrip("BUA") if case.claim else ""
        assert o.profile and f"PDF/A-{part}" in o.profile
    else:
        assert o.failed_rules, "a non-compliant verdict names the rules that failed"


def test_invalid_claims_are_refused_by_the_identification_rule(verdicts: dict[str, verapdf.VeraPdfOutcome]) -> None:
    """Part 0 and level R are not PDF/A: veraPDF fails clause 6.7.11 (the pdfaid schema)."""
    for name in ("claim-part-0.pdf", "claim-level-r.pdf"):
        assert any(r.startswith("6.7.11-") for r in verdicts[name].failed_rules), verdicts[name].failed_rules
