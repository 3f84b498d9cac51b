"""Build 05/2025 SIPs from `luutru demo` data and run eark-validator and commons-ip2 on them (offline).

    python scripts/sip_demo_check.py OUT_DIR [--dossiers 8]

Generates the demo transfers in a fresh LUUTRU_HOME under OUT_DIR, ingests the good one, builds
one SIP per stored permanent dossier (at most three) from what the AIPs hold, and prints the
package names with eark-validator's and commons-ip2's verdicts (CSIP/SIP 2.0.4).  Used for the output
quoted in docs/sip-05-2025.md.  Needs the eark-validator environment (tests/sip_helpers.py makes it)
and commons-ip2 (scripts/setup installs it; LUUTRU_TEST_COMMONS_IP or .engines/env names it).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from luutru import __version__
from luutru.catalog.records import load_aip_metadata
from luutru.config import Settings
from luutru.services import Services
from luutru.demo.generate import generate_demo
from luutru.ingest.pipeline import ingest
from luutru.packaging.sip.builder import build_sip
from luutru.packaging.sip.from_aip import package_from_aip
from luutru.packaging.sip.model import SipAgent
from luutru.packaging.sip.reader import read_sip
from tests.sip_helpers import commons_ip_problems, commons_ip_validate, eark_validate


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("--dossiers", type=int, default=8)
    args = ap.parse_args()
    home = args.out / "home"
    home.mkdir(parents=True, exist_ok=True)
    demo = generate_demo(args.out / "demo", dossiers=args.dossiers, overwrite=True)
    services = Services(Settings(home=home))
    try:
        report = ingest(demo.good, services)
        print(f"ingest: {report.status}, {len(report.dossiers)} dossiers")
        creator = SipAgent("luutru", "luutru", "software", role="CREATOR", version=__version__)
        built = []
        for code in sorted(services.storage.list_aips()):
            meta = load_aip_metadata(services.storage, code, with_text=False)
            if meta.dossier.get("_service", {}).get("retention_years") is not None:
                continue
            pkg = package_from_aip(meta.dossier, meta.documents, meta.events,
                                   lambda p, c=code: services.storage.open_file(c, p),
                                   sequence=len(built) + 1, submission_id="DEMO")
            built.append(build_sip(pkg, args.out / "sip", creator=creator))
            if len(built) == 3:
                break
        for b in built:
            res = read_sip(b.path, args.out / "read" / b.objid)
            rep = eark_validate(b.path, "V2.0.4")
            msgs = [m for m in rep["metadata"]["schematron_results"]["messages"] if m["severity"] == "Error"]
            print(json.dumps({
                "package": b.path.name, "sha256": b.sha256, "size": b.size, "luutru_reader_ok": res.ok,
                "structure": rep["structure"]["status"], "schema": rep["metadata"]["schema_results"]["status"],
                "schematron": rep["metadata"]["schematron_results"]["status"],
                "errors": [f"{m['rule_id']}: {m['message']}" for m in msgs],
                "warnings": sorted({m["rule_id"] for m in rep["metadata"]["schematron_results"]["messages"]
                                    if m["severity"] == "Warn"} | {m["rule_id"] for m in rep["structure"]["messages"]
                                                                  if m["severity"] == "Warn"}),
            }, ensure_ascii=False, indent=1))
            cip = commons_ip_validate(b.path, args.out / "commons-ip" / b.objid)
            print(json.dumps({"commons_ip": cip["summary"], "not_passed": commons_ip_problems(cip)}, ensure_ascii=False))
    finally:
        services.close()


if __name__ == "__main__":
    main()
