"""A live test PKI for long-term signatures: CA, OCSP responder, CRLs and an RFC 3161 TSA.

Why certomancer: long-term validation needs services the archive talks to (an OCSP
responder and a time-stamping authority).  certomancer builds the certificates from a
declarative config and its Animator serves OCSP, CRLs and time stamps over HTTP; here
it runs on 127.0.0.1 in a thread, so the code under test makes real HTTP requests.

Keys are made with ``cryptography`` (as in :mod:`luutru.demo.pki`) and written
unencrypted into the directory given.  Timeline (from "now"): the CAs and the TSA live
for years, the signers for one year only, so a test can move the validation time past
the signer's expiry and still be inside the TSA's lifetime.  ``weak`` has an RSA-1024
key (for the weak-algorithm finding).  ``archive`` is the archive's organisation
certificate, also written as a PKCS#12 file with a passphrase file.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12

ARCH = "luutru"
SIGNERS = ("alice", "weak", "archive")
PASSPHRASE = "mat-khau-thu-nghiem"


def _fmt(d: datetime) -> str:
    return d.strftime("%Y-%m-%dT%H:%M:%S+0000")


def _ku(*usages: str) -> dict[str, Any]:
    return {"id": "key_usage", "critical": True, "smart-value": {"schema": "key-usage", "params": list(usages)}}


def _config(prefix: str, now: datetime) -> dict[str, Any]:
    ca_validity = {"valid-from": _fmt(now - timedelta(days=400)), "valid-to": _fmt(now + timedelta(days=3650))}
    tsa_validity = {"valid-from": _fmt(now - timedelta(days=30)), "valid-to": _fmt(now + timedelta(days=5 * 365))}
    signer_validity = {"valid-from": _fmt(now - timedelta(days=30)), "valid-to": _fmt(now + timedelta(days=365))}
    ca_ext = [{"id": "basic_constraints", "critical": True, "value": {"ca": True}},
              _ku("digital_signature", "key_cert_sign", "crl_sign")]
    aia = {"id": "authority_information_access",
           "smart-value": {"schema": "aia-urls", "params": {"ocsp-responder-names": ["interm"]}}}
    crl_root = {"id": "crl_distribution_points",
                "smart-value": {"schema": "crl-dist-url", "params": {"crl-repo-names": ["root"]}}}
    certs: dict[str, Any] = {
        "root": {"subject": "root", "issuer": "root", "validity": ca_validity, "extensions": ca_ext},
        "interm": {"subject": "interm", "issuer": "root", "validity": ca_validity,
                   "extensions": ca_ext + [crl_root]},
        "interm-ocsp": {"subject": "interm-ocsp", "issuer": "interm", "validity": ca_validity,
                        "extensions": [_ku("digital_signature"),
                                       {"id": "extended_key_usage", "critical": True, "value": ["ocsp_signing"]},
                                       {"id": "ocsp_no_check"}]},
        "tsa": {"subject": "tsa", "issuer": "root", "validity": tsa_validity,
                "extensions": [_ku("digital_signature"), crl_root,
                               {"id": "extended_key_usage", "critical": True, "value": ["time_stamping"]}]},
    }
    for s in SIGNERS:
        certs[s] = {"subject": s, "issuer": "interm", "validity": signer_validity,
                    "extensions": [_ku("digital_signature", "non_repudiation"), aia]}
    entities = {
        "root": {"common-name": "Test Root CA Lưu trữ LTV"},
        "interm": {"common-name": "Test Intermediate CA Lưu trữ LTV"},
        "interm-ocsp": {"common-name": "Test OCSP Lưu trữ"},
        "tsa": {"common-name": "Test TSA Lưu trữ"},
        "alice": {"common-name": "Nguyễn Thị Lan"},
        "weak": {"common-name": "Đỗ Văn Yếu"},
        "archive": {"common-name": "Trung tâm Lưu trữ thử nghiệm", "organization-name": "Trung tâm Lưu trữ thử nghiệm"},
    }
    labels = ["root", "interm", "interm-ocsp", "tsa", *SIGNERS]
    return {
        "external-url-prefix": prefix,
        "keysets": {ARCH: {"keys": {k: {"path": f"{k}.key.pem"} for k in labels}}},
        "pki-architectures": {ARCH: {
            "keyset": ARCH,
            "entity-defaults": {"country-name": "VN", "organization-name": "Test PKI Lưu trữ"},
            "entities": entities,
            "certs": certs,
            "services": {
                "ocsp": {"interm": {"for-issuer": "interm", "responder-cert": "interm-ocsp",
                                    "signing-key": "interm-ocsp"}},
                "crl-repo": {"root": {"for-issuer": "root", "signing-key": "root",
                                      "simulated-update-schedule": "P90D"}},
                "time-stamping": {"tsa": {"signing-key": "tsa", "signing-cert": "tsa"}},
            },
        }},
    }


class _Holder:
    """WSGI app set after the server knows its port (the URLs go into the certificates)."""

    app: Any = None

    def __call__(self, environ: Any, start_response: Any) -> Any:
        return self.app(environ, start_response)


@dataclass
class LtvPki:
    """The running PKI: certificates, signers, URLs; :meth:`stop` ends the server."""

    __test__ = False

    dir: Path
    url: str
    arch: Any  # certomancer PKIArchitecture
    server: Any
    thread: threading.Thread

    @property
    def tsa_url(self) -> str:
        return f"{self.url}/{ARCH}/tsa/tsa"

    @property
    def root_pem(self) -> Path:
        return self.dir / "root.pem"

    def cert(self, label: str) -> asn1_x509.Certificate:
        return self.arch.get_cert(label)

    def not_after(self, label: str) -> datetime:
        return self.cert(label).not_valid_after

    def signer(self, label: str) -> Any:
        """A pyHanko ``SimpleSigner`` for ``alice``, ``weak`` or ``archive``."""
        from pyhanko.sign import signers
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        key = asn1_keys.PrivateKeyInfo.load(self.arch.key_set.get_private_key(label).dump())
        return signers.SimpleSigner(
            signing_cert=self.cert(label), signing_key=key,
            cert_registry=SimpleCertificateStore.from_certs([self.cert("interm"), self.cert("root")]))

    def pkcs12(self, label: str = "archive") -> tuple[Path, Path]:
        """(PKCS#12 file, passphrase file) of a signer, chain included."""
        key = serialization.load_pem_private_key((self.dir / f"{label}.key.pem").read_bytes(), None)
        certs = [x509.load_der_x509_certificate(self.cert(n).dump()) for n in (label, "interm", "root")]
        data = pkcs12.serialize_key_and_certificates(
            label.encode(), key, certs[0], certs[1:],  # type: ignore[arg-type]
            serialization.BestAvailableEncryption(PASSPHRASE.encode()))
        p12, pw = self.dir / f"{label}.p12", self.dir / f"{label}.pass"
        p12.write_bytes(data)
        pw.write_text(PASSPHRASE + "\n", "utf-8")
        return p12, pw

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def _write_keys(d: Path) -> None:
    for label in ("root", "interm", "interm-ocsp", "tsa", *SIGNERS):
        k = rsa.generate_private_key(public_exponent=65537, key_size=1024 if label == "weak" else 2048)
        (d / f"{label}.key.pem").write_bytes(k.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))


def start_ltv_pki(dir: Path | str) -> LtvPki:
    """Build the PKI in ``dir`` and serve OCSP, CRLs and the TSA on 127.0.0.1 (any free port)."""
    from certomancer.integrations.animator import Animator, AnimatorArchStore
    from certomancer.registry import CertomancerConfig
    from werkzeug.serving import make_server

    d = Path(dir)
    d.mkdir(parents=True, exist_ok=True)
    _write_keys(d)
    holder = _Holder()
    server = make_server("127.0.0.1", 0, holder, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    now = datetime.now(timezone.utc).replace(microsecond=0)
    cfg = CertomancerConfig(_config(url, now), key_search_dir=str(d))
    arch = cfg.get_pki_arch(ARCH)
    holder.app = Animator(AnimatorArchStore({ARCH: arch}), with_web_ui=False)
    root_pem = x509.load_der_x509_certificate(arch.get_cert("root").dump()).public_bytes(serialization.Encoding.PEM)
    (d / "root.pem").write_bytes(root_pem)
    thread = threading.Thread(target=server.serve_forever, name="ltv-pki", daemon=True)
    thread.start()
    return LtvPki(d, url, arch, server, thread)
