"""What a plain signature verdict misses (issue 16): unparsable signature dictionaries,
bytes appended after the last revision, and weak algorithms.

Why separate: each is a distinct finding with its own fix for the agency, so it must not
hide behind "invalid" or "does not chain to a trusted root".

* **Unparsable**: a filled signature field whose dictionary pyHanko cannot read
  (no ``/ByteRange``, a ``/Contents`` that is not CMS …).  The file looks signed to a
  person but proves nothing.
* **Appended bytes**: bytes after the end of the final revision (its ``%%EOF``) that
  are not an incremental update.  pyHanko's strict reading ignores them, but a reader
  that repairs files may show objects defined there: the signed content can be
  replaced without touching the signed bytes.  Proper incremental updates are judged
  by pyHanko's modification analysis (``modification_level``) instead.
* **Weak algorithms**: a digest listed as weak in the policy (SHA-1, MD5) in the
  signature or in a certificate of the chain, or an RSA key shorter than the policy's
  minimum (2048 bits).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, Iterable

from luutru.ingest.checks.signature_model import SignatureResult, SignatureStatus
from luutru.policies.signatures import WeakAlgorithmRule

#: What may follow the last cross-reference section: its trailer, startxref, %%EOF.
_TAIL_OK = re.compile(rb"\A\s*(?:(?:trailer)?\s*<<(?:(?!\bobj\b|\bstream\b).)*>>\s*)?startxref\s+\d+\s*%%EOF[\s\x00]*\Z", re.S)
_TAIL_READ = 64 * 1024

#: Statuses a hazard may make worse (a MODIFIED or REVOKED verdict already says more).
_OVERRIDABLE = {SignatureStatus.VALID, SignatureStatus.VALID_UNTRUSTED, SignatureStatus.EXPIRED,
                SignatureStatus.INVALID}


def filled_signature_fields(reader: Any) -> list[str]:
    """Names of the signature fields that hold a value (a signature dictionary)."""
    from pyhanko.sign.fields import enumerate_sig_fields

    try:
        return [str(name) for name, _value, _ref in enumerate_sig_fields(reader, filled_status=True)]
    except Exception:  # noqa: BLE001 - a form too broken to list: say there is one unnamed field
        return ["?"]


def appended_bytes(reader: Any, stream: Any) -> int:
    """Bytes after the final revision that are not its trailer (0 when the file ends cleanly)."""
    try:
        last = reader.xrefs.total_revisions - 1
        end = reader.xrefs.get_xref_container_info(last).end_location
    except Exception:  # noqa: BLE001 - no readable revision structure: nothing to compare
        return 0
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(end)
    tail = stream.read(_TAIL_READ)
    if len(tail) < size - end or not _TAIL_OK.match(tail):
        return size - end  # counted from the end of the last cross-reference section
    return 0


def weak_algorithms(sig: Any, rule: WeakAlgorithmRule) -> list[str]:
    """Weak algorithms in one embedded signature: its digest and mechanism, the signer's
    key size, and the signature hash of each certificate it carries."""
    out: list[str] = []
    try:
        md = str(sig.md_algorithm).lower()
        if md in rule.digests:
            out.append(f"digest {md.upper()}")
        mech = str(sig.signer_info["signature_algorithm"]["algorithm"].native).lower()
        if any(mech.startswith(d + "_") for d in rule.digests) and not out:
            out.append(f"signature {mech}")
        key = sig.signer_cert.public_key
        if key.algorithm == "rsa" and key.bit_size < rule.min_rsa_bits:
            out.append(f"RSA-{key.bit_size} signer key")
        for cert in sig.signed_data["certificates"] or []:
            c = cert.chosen
            if c.hash_algo in rule.digests and c.self_signed != "maybe":
                out.append(f"{c.hash_algo.upper()} in certificate {c.subject.human_friendly[:80]}")
    except Exception:  # noqa: BLE001 - an unreadable part is judged elsewhere (unparsable/invalid)
        pass
    return out


def apply_weak(result: SignatureResult, weak: list[str]) -> SignatureResult:
    """The verdict of a signature with weak algorithms: INVALID, problem WEAK_ALGORITHM."""
    if not weak or result.status not in _OVERRIDABLE:
        return result
    return replace(result, status=SignatureStatus.INVALID, problem="WEAK_ALGORITHM", detail="; ".join(weak)[:500])


def apply_appended(results: Iterable[SignatureResult], extra: int) -> tuple[SignatureResult, ...]:
    """Every signature of a file with bytes appended after its last revision is MODIFIED."""
    out = []
    for r in results:
        if extra and r.status in _OVERRIDABLE and r.problem != "WEAK_ALGORITHM":
            r = replace(r, status=SignatureStatus.MODIFIED, problem="APPENDED_BYTES",
                        detail=f"{extra} byte(s) after the end of the last revision are not an incremental update")
        out.append(r)
    return tuple(out)
