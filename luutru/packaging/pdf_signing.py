"""PAdES signatures on what the archive issues: handover records, receipts, destruction minutes.

Why: every outgoing electronic document is digitally signed (Decree 30/2020, Circular
05/2025), and the receiving side checks authenticity and integrity.  The archive signs
with its organisation certificate, configured in :class:`luutru.config.SigningSettings`:

* a PKCS#12 file (``LUUTRU_ORG_PKCS12``) with its passphrase in a file
  (``LUUTRU_ORG_PKCS12_PASSPHRASE_FILE``) or the environment; or
* a PKCS#11 token or HSM (``LUUTRU_ORG_PKCS11_MODULE`` + token, key and certificate
  labels, PIN in ``LUUTRU_ORG_PKCS11_PIN_FILE``) through pyHanko's PKCS#11 signer
  (needs ``python-pkcs11``; configuration only, not exercised by the tests).

With a time-stamping authority configured (``LUUTRU_TSA_URL``) the signature carries a
signature timestamp (PAdES B-T).  Without a certificate the document is issued unsigned
and :func:`sign_issued_pdf` returns an ``ISSUED_UNSIGNED`` warning the caller puts in its
report and log: never silence.  The file is replaced atomically (signed or untouched).
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import luutru.records.finding_codes.signatures as fc
from luutru.config import SigningSettings
from luutru.records.findings import Finding, finding

log = logging.getLogger(__name__)


class SigningConfigError(ValueError):
    """The organisation certificate is configured but cannot be used."""


@dataclass(frozen=True)
class IssuedSignature:
    """What happened to one issued document."""

    signed: bool
    signer: str | None = None  # subject of the organisation certificate
    timestamped: bool = False
    findings: tuple[Finding, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {"signed": self.signed, "signer": self.signer, "timestamped": self.timestamped,
                "findings": [f.code for f in self.findings]}


def org_certificate_configured(cfg: SigningSettings) -> bool:
    return cfg.org_pkcs12 is not None or cfg.org_pkcs11_module is not None


def _secret(value: str | None, file: Path | None, what: str) -> bytes | None:
    if file is not None:
        try:
            return Path(file).expanduser().read_text("utf-8").rstrip("\r\n").encode("utf-8")
        except OSError as e:
            raise SigningConfigError(f"cannot read the {what} file {file}: {e.strerror}") from None
    return value.encode("utf-8") if value is not None else None


def _pkcs12_signer(cfg: SigningSettings) -> Any:
    from pyhanko.sign import signers

    p = Path(cfg.org_pkcs12).expanduser()  # type: ignore[arg-type]
    try:
        data = p.read_bytes()
    except OSError as e:
        raise SigningConfigError(f"cannot read the PKCS#12 file {p}: {e.strerror}") from None
    pw = _secret(cfg.org_pkcs12_passphrase, cfg.org_pkcs12_passphrase_file, "PKCS#12 passphrase")
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(data, other_certs=(), passphrase=pw)
    except Exception as e:  # noqa: BLE001 - a wrong passphrase or a damaged file
        raise SigningConfigError(f"cannot open the PKCS#12 file {p.name}: {type(e).__name__}") from None
    if signer is None:
        raise SigningConfigError(f"cannot open the PKCS#12 file {p.name} (wrong passphrase?)")
    return signer


@contextlib.contextmanager
def org_signer(cfg: SigningSettings) -> Iterator[Any]:
    """The pyHanko signer of the organisation certificate (PKCS#12 or PKCS#11)."""
    if cfg.org_pkcs12 is not None:
        yield _pkcs12_signer(cfg)
        return
    try:
        from pyhanko.config.pkcs11 import PKCS11SignatureConfig, TokenCriteria
        from pyhanko.sign.pkcs11 import PKCS11SigningContext
    except ImportError as e:  # a third-party extra, not project code
        raise SigningConfigError(f"PKCS#11 signing needs python-pkcs11 (pip install 'pyHanko[pkcs11]'): {e}") from None
    pin = _secret(None, cfg.org_pkcs11_pin_file, "PKCS#11 PIN")
    conf = PKCS11SignatureConfig(module_path=str(cfg.org_pkcs11_module), key_label=cfg.org_pkcs11_key_label,
                                 cert_label=cfg.org_pkcs11_cert_label,
                                 token_criteria=TokenCriteria(label=cfg.org_pkcs11_token))
    with PKCS11SigningContext(conf, user_pin=pin.decode() if pin else None) as signer:
        yield signer


def _sign_bytes(data: bytes, signer: Any, cfg: SigningSettings, reason: str, location: str | None) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.timestamps import HTTPTimeStamper

    w = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    existing = len(list(fields.enumerate_sig_fields(w.prev)))
    meta = signers.PdfSignatureMetadata(field_name=f"LuuTru{existing + 1}", md_algorithm="sha256",
                                        subfilter=fields.SigSeedSubFilter.PADES, reason=reason, location=location)
    ts = HTTPTimeStamper(cfg.tsa_url, timeout=int(cfg.evidence_timeout_s) or 1) if cfg.tsa_url else None
    out = io.BytesIO()
    signers.sign_pdf(w, meta, signer=signer, timestamper=ts, output=out)
    return out.getvalue()


def _replace(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.signing")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def sign_issued_pdf(path: Path | str, cfg: SigningSettings, *, what_vi: str, what_en: str, reason: str,
                    location: str | None = None, name: str | None = None) -> IssuedSignature:
    """Sign ``path`` in place with the organisation certificate; never raises for a
    signing problem: the document stays unsigned and the result carries the warning.
    ``name``: the file name shown in messages (default: the name of ``path``)."""
    p = Path(path)
    shown = name or p.name
    if not org_certificate_configured(cfg):
        f = finding(fc.ISSUED_UNSIGNED,
                    f"Văn bản do lưu trữ phát hành ({what_vi}, {shown}) chưa được ký số: chưa cấu hình chứng thư số "
                    "của cơ quan (LUUTRU_ORG_PKCS12 hoặc PKCS#11).",
                    f"The document the archive issues ({what_en}, {shown}) is not signed: no organisation "
                    "certificate is configured (LUUTRU_ORG_PKCS12 or PKCS#11).", file=shown)
        log.warning("%s", f.message_en)
        return IssuedSignature(False, findings=(f,))
    try:
        with org_signer(cfg) as signer:
            subject = signer.signing_cert.subject.human_friendly if signer.signing_cert is not None else None
            signed = _sign_bytes(p.read_bytes(), signer, cfg, reason, location)
        _replace(p, signed)
    except Exception as e:  # noqa: BLE001 - SigningConfigError, TSA down, token absent: issue unsigned, say so
        detail = str(e)[:300] if isinstance(e, SigningConfigError) else f"{type(e).__name__}: {str(e)[:300]}"
        f = finding(fc.ISSUED_SIGNING_FAILED,
                    f"Không ký số được văn bản do lưu trữ phát hành ({what_vi}, {shown}): {detail}. "
                    "Văn bản được phát hành chưa ký.",
                    f"Could not sign the document the archive issues ({what_en}, {shown}): {detail}. "
                    "It is issued unsigned.", file=shown, details={"error": detail})
        log.warning("%s", f.message_en)
        return IssuedSignature(False, findings=(f,))
    return IssuedSignature(True, subject, timestamped=bool(cfg.tsa_url))
