"""Libraries never print to the user's terminal (issue 16, item 5: "library tracebacks are
printed on stderr for an ordinary untrusted signature"): ``luutru ingest`` of a transfer
with an untrusted and a tampered signature writes the report and nothing from pyHanko,
certvalidator or any other library on stderr; their records go to
``<LUUTRU_HOME>/logs/luutru.log`` (0600)."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import stat
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from luutru.logs import configure_logging, log_path, unconfigure_logging
from tests.factory import base_spec, write_transfer
from tests.pki import make_test_pki, sign_pdf, tamper_signed_range

REPO = Path(__file__).parent.parent
LIBRARY_LINE = re.compile(r"^(WARNING|ERROR|INFO|DEBUG|CRITICAL)?:?\s*(pyhanko|certvalidator|pikepdf|fontTools|urllib3|"
                          r"opensearch|asyncio|py\.warnings)|Failed to build path|Warning:", re.I | re.M)


@pytest.fixture
def restore_logging():
    levels = {name: logging.getLogger(name).level for name in ("", "luutru")}
    yield
    unconfigure_logging()  # leave no handler writing into a test's folder
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def test_cli_ingest_with_untrusted_and_tampered_signatures_prints_no_library_output(tmp_path: Path) -> None:
    pki = make_test_pki(tmp_path / "pki")
    spec = base_spec(1, 2)
    first, second = (d["duong_dan_tep"] for d in spec.documents)
    spec.files[first] = sign_pdf(spec.files[first], pki.personal)  # no trust root configured: untrusted
    spec.files[second] = tamper_signed_range(sign_pdf(spec.files[second], pki.personal))
    for d in spec.documents:
        d["sha256"] = hashlib.sha256(spec.files[d["duong_dan_tep"]]).hexdigest()
    transfer = write_transfer(spec, tmp_path / "t")
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LUUTRU_")}
    env.update(LUUTRU_HOME=str(home), PYTHONWARNINGS="default")
    r = subprocess.run([sys.executable, "-m", "luutru.cli.main", "ingest", str(transfer)], env=env,
                       capture_output=True, text=True, encoding="utf-8", cwd=REPO, timeout=300)
    assert r.returncode == 1, r.stdout + r.stderr  # the tampered signature rejects the transfer
    assert "SIGNATURE" in r.stdout  # the findings are in the report
    assert "Traceback" not in r.stderr, r.stderr
    assert not LIBRARY_LINE.search(r.stderr), r.stderr
    log = log_path(home)
    text = log.read_text("utf-8")
    assert "pyhanko" in text and "Traceback" in text  # the operator still has them, in the file
    assert stat.S_IMODE(log.stat().st_mode) == 0o600 and stat.S_IMODE(log.parent.stat().st_mode) == 0o700


def test_library_records_and_warnings_go_to_the_file(tmp_path: Path, capfd: pytest.CaptureFixture[str],
                                                     restore_logging: None) -> None:
    configure_logging(tmp_path)
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("fontTools.ttLib").warning("glyph table odd", exc_info=True)
    logging.getLogger("urllib3.connectionpool").error("retrying")
    warnings.warn("a library warning", UserWarning, stacklevel=1)
    logging.getLogger("luutru.preservation.commit").warning("indexing failed:\nsecond line", exc_info=ValueError("x"))
    err = capfd.readouterr().err
    assert "glyph" not in err and "retrying" not in err and "library warning" not in err and "Traceback" not in err
    assert err.strip() == "warning: indexing failed: second line"  # our own: one line, no traceback
    text = log_path(tmp_path).read_text("utf-8")
    assert "glyph table odd" in text and "ValueError: boom" in text and "retrying" in text
    assert "a library warning" in text and "indexing failed" in text
