"""Ingest step of signatures that last: keep PAdES-LTA evidence for each validly signed PDF.

Why at ingest: the CA's OCSP responder and CRLs answer today; in ten years they may be
gone.  For a PDF whose signatures are VALID (a path to a configured trust root), the
validation data and an archive timestamp go into an *evidence copy* stored beside the
original in the AIP (role ``signature_evidence``); the original is never written.
:mod:`luutru.preservation.signature_evidence` does the work; this module turns its
outcome into a finding and a PREMIS event.  Without a TSA (``LUUTRU_TSA_URL``) nothing is
done here; :func:`not_configured_finding` says so once per transfer.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import luutru.records.events as ev
import luutru.records.finding_codes.signatures as sfc
from luutru.ingest.checks.results import CheckConfig, FileCheckItem
from luutru.ingest.checks.signature_model import SignatureReport, SignatureStatus
from luutru.ingest.checks.signatures import TrustRootError, load_trust_roots
from luutru.preservation.signature_evidence import collect_evidence
from luutru.records.findings import Finding, finding

EVIDENCE_ROLE = "signature_evidence"


def wants_evidence(sig: SignatureReport | None) -> bool:
    """Evidence is kept when every signature is VALID (nothing to prove for the others)."""
    return sig is not None and sig.error is None and sig.status is SignatureStatus.VALID


def _path(item: FileCheckItem) -> Path:
    rel = PurePosixPath(item.relpath.replace("\\", "/"))
    parts = [p for p in rel.parent.parts if p not in ("", ".", "..", "/")]
    base = item.out_dir if item.out_dir is not None else item.path.parent / "_preservation"
    return base.joinpath(*parts, rel.stem + ".ltv.pdf")


def keep_evidence(item: FileCheckItem, cfg: CheckConfig, sig: SignatureReport | None, time_left: float | None = None
                  ) -> tuple[Path | None, list[Finding], ev.Event | None]:
    """(evidence copy, findings, event) for one file; nothing when not wanted or no TSA.

    Each request (OCSP, CRL, TSA) gets at most a sixth of the file's remaining time, so a
    slow TSA ends as SIGNATURE_EVIDENCE_FAILED (a warning), never as a file timeout."""
    if not cfg.tsa_url or not wants_evidence(sig):
        return None, [], None
    try:
        roots = load_trust_roots(cfg.trust_roots)
    except TrustRootError:
        return None, [], None  # already a TRUST_ROOTS_UNREADABLE finding
    timeout = cfg.evidence_timeout_s if time_left is None else max(min(cfg.evidence_timeout_s, time_left / 6), 1.0)
    res = collect_evidence(item.path.read_bytes(), trust_roots=roots, tsa_url=cfg.tsa_url, timeout=timeout)
    if not res.ok or res.pdf is None:
        why = f"{res.problem}: {res.detail}"[:300]
        f = finding(sfc.SIGNATURE_EVIDENCE_FAILED,
                    f"Không thu thập được dữ liệu xác thực dài hạn cho chữ ký số ({why}): chữ ký hợp lệ hôm nay nhưng "
                    f"sẽ không chứng minh được sau khi chứng thư hết hạn. {sfc.SIGNATURE_EVIDENCE_FAILED.fix_vi}",
                    f"Could not collect long-term validation data for the signature ({why}): valid today, but it "
                    f"cannot be shown valid once the certificate expires. {sfc.SIGNATURE_EVIDENCE_FAILED.fix_en}",
                    details=res.to_dict(), **item.where)
        return None, [f], ev.Event(ev.SIGNATURE_EVIDENCE, item.object_id, "failure", why, res.to_dict())
    dest = _path(item)
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(res.pdf)
    event = ev.Event(ev.SIGNATURE_EVIDENCE, item.object_id, "success",
                     f"validation data of {res.signatures} signature(s) and an archive timestamp of "
                     f"{res.timestamp_at} kept in {dest.name}", res.to_dict())
    return dest, [], event


def not_configured_finding() -> Finding:
    return finding(sfc.SIGNATURE_EVIDENCE_NOT_CONFIGURED,
                   f"{sfc.SIGNATURE_EVIDENCE_NOT_CONFIGURED.meaning_vi}. {sfc.SIGNATURE_EVIDENCE_NOT_CONFIGURED.fix_vi}",
                   f"{sfc.SIGNATURE_EVIDENCE_NOT_CONFIGURED.meaning_en}. {sfc.SIGNATURE_EVIDENCE_NOT_CONFIGURED.fix_en}")
