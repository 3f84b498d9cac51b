"""Every finding code the program can emit is registered once, with meaning and fix.

The emitted codes are read from the source: every call of ``error``/``warning``/``info``/
``finding``/``Finding``/``_refuse`` whose code is a literal, and every registered constant
used as a code.  A code built at run time would escape this test, so none is: dynamic
families (the signature statuses) map to registered constants.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

from luutru.cli.findings import markdown_table
from luutru.records.finding_codes import REGISTRY
from luutru.records.findings import FindingCode, Severity

ROOT = Path(__file__).resolve().parent.parent / "luutru"
CALLS = {"error", "warning", "info", "finding", "_refuse", "Finding"}
CODE = re.compile(r"[A-Z][A-Z0-9_]{2,}")


def emitted_codes() -> dict[str, str]:
    out: dict[str, str] = {}
    for path in ROOT.rglob("*.py"):
        if "finding_codes" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in CALLS:
                continue
            pos = 1 if name == "Finding" else 0
            if len(node.args) <= pos:
                continue
            arg = node.args[pos]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and CODE.fullmatch(arg.value):
                out[arg.value] = f"{path.relative_to(ROOT.parent)}:{node.lineno}"
            elif isinstance(arg, ast.JoinedStr):
                raise AssertionError(f"{path}:{node.lineno}: a finding code built at run time")
    return out


def test_every_emitted_code_is_registered() -> None:
    missing = {c: where for c, where in emitted_codes().items() if c not in REGISTRY}
    assert not missing, f"register these in luutru/records/finding_codes/: {missing}"


def test_every_registered_code_has_a_meaning_in_both_languages() -> None:
    assert len(REGISTRY) >= 120
    for code, fc in REGISTRY.items():
        assert isinstance(fc, FindingCode) and fc == code and CODE.fullmatch(code)
        assert isinstance(fc.severity, Severity)
        assert fc.meaning_vi.strip() and fc.meaning_en.strip(), code
        assert fc.area, code


def test_signature_status_codes_are_registered() -> None:
    for status in ("VALID_UNTRUSTED", "MODIFIED", "EXPIRED", "REVOKED", "INVALID", "UNSIGNED"):
        assert f"SIGNATURE_{status}" in REGISTRY


def test_cli_findings_lists_the_whole_registry_with_fix(tmp_path: Path) -> None:
    env = {"LUUTRU_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    r = subprocess.run([sys.executable, "-m", "luutru.cli.main", "findings", "--json"], capture_output=True,
                       text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    listed = json.loads(r.stdout)
    assert set(listed) == set(REGISTRY)
    assert listed["FILE_MISSING"]["severity"] == "error" and listed["FILE_MISSING"]["meaning_en"]
    assert "SIGNATURE_MODIFIED" in listed and "TRANSFER_OUT_NOTHING" in listed


def test_the_documented_table_lists_every_registered_code() -> None:
    """docs/transfer-format.md shows the registry as it is (scripts/findings_table.py rewrites it)."""
    doc = (Path(__file__).resolve().parent.parent / "docs" / "transfer-format.md").read_text(encoding="utf-8")
    block = doc.split("<!-- findings:begin -->\n", 1)[1].split("<!-- findings:end -->", 1)[0]
    assert block == markdown_table(), "run: .venv/bin/python scripts/findings_table.py"
