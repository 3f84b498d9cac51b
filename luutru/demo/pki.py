"""A throw-away test PKI and PDF signing helpers, built with ``cryptography`` and pyHanko.

Why: signature checks must be tested against real signed PDFs, and the demo generator and
benchmarks need the same material.  Nothing here is for production: keys are written
unencrypted into the directory you give.

Typical use::

    pki = make_test_pki(tmp_path / "pki")
    pdf = make_pdf(tmp_path / "a.pdf", "Công văn số 12/UBND")
    sign_pdf(pdf, pki.personal, tmp_path / "a-signed.pdf")
    # Settings(trust_roots=pki.root_pem) trusts the chain.

The PKI holds a root CA, an intermediate CA and signers: ``personal`` (a named person),
``organisation`` (an agency seal certificate), ``expired`` (validity ended before any
signing today) and ``revoked`` (listed on ``pki.crl``, issued by the intermediate).
``sign_pdf(..., embed_crl=True)`` writes that CRL into the document security store so the
revocation can be decided offline.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from asn1crypto import crl as asn1_crl
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
CRL_URL = "http://crl.test.invalid/intermediate.crl"


@dataclass(frozen=True)
class TestSigner:
    """One certificate + key, with the chain above it (intermediate, root)."""

    __test__ = False  # not a pytest class

    name: str
    cert: x509.Certificate
    key: rsa.RSAPrivateKey
    chain: tuple[x509.Certificate, ...]

    def pyhanko_signer(self):
        """A pyHanko ``SimpleSigner`` for this certificate."""
        from pyhanko.sign import signers
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        key_der = self.key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        return signers.SimpleSigner(
            signing_cert=_to_asn1(self.cert),
            signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
            cert_registry=SimpleCertificateStore.from_certs([_to_asn1(c) for c in self.chain]),
        )


@dataclass(frozen=True)
class TestPki:
    """Root, intermediate, the four signers and the intermediate's CRL; files in ``dir``."""

    __test__ = False

    dir: Path
    root: x509.Certificate
    intermediate: x509.Certificate
    personal: TestSigner
    organisation: TestSigner
    expired: TestSigner
    revoked: TestSigner
    crl: x509.CertificateRevocationList
    root_pem: Path  # trust bundle: the root only
    untrusted_root: x509.Certificate  # a root nobody configured (for VALID_UNTRUSTED)
    stranger: TestSigner  # signer under the untrusted root

    @property
    def signers(self) -> dict[str, TestSigner]:
        return {s.name: s for s in (self.personal, self.organisation, self.expired, self.revoked, self.stranger)}


def _to_asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _name(**attrs: str) -> x509.Name:
    oids = {
        "CN": NameOID.COMMON_NAME,
        "O": NameOID.ORGANIZATION_NAME,
        "OU": NameOID.ORGANIZATIONAL_UNIT_NAME,
        "L": NameOID.LOCALITY_NAME,
        "C": NameOID.COUNTRY_NAME,
        "UID": NameOID.USER_ID,
    }
    return x509.Name([x509.NameAttribute(oids[k], v) for k, v in attrs.items()])


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _cert(
    subject: x509.Name,
    key: rsa.RSAPrivateKey,
    issuer: x509.Name,
    issuer_key: rsa.RSAPrivateKey,
    *,
    ca: bool,
    not_before: datetime,
    not_after: datetime,
    serial: int | None = None,
    crl_url: str | None = None,
) -> x509.Certificate:
    b = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(serial or x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False
        )
    )
    if ca:
        b = b.add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
    else:
        b = b.add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=True, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
    if crl_url:
        b = b.add_extension(
            x509.CRLDistributionPoints(
                [x509.DistributionPoint([x509.UniformResourceIdentifier(crl_url)], None, None, None)]
            ),
            critical=False,
        )
    return b.sign(issuer_key, hashes.SHA256())


def _crl(issuer_name: x509.Name, issuer_key: Any, revoked: TestSigner, now: datetime) -> x509.CertificateRevocationList:
    """The intermediate CA's CRL, revoking ``revoked`` two days ago (key compromise)."""
    return (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer_name)
        .last_update(now - timedelta(days=2))
        .next_update(now + timedelta(days=30))
        .add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(revoked.cert.serial_number)
            .revocation_date(now - timedelta(days=2))
            .add_extension(x509.CRLReason(x509.ReasonFlags.key_compromise), critical=False)
            .build()
        )
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
        .add_extension(x509.CRLNumber(1), critical=False)
        .sign(issuer_key, hashes.SHA256())
    )


def _stranger(not_before: datetime, not_after: datetime) -> tuple[TestSigner, x509.Certificate]:
    """A signer under a root nobody trusts, and that root."""
    other_key = _key()
    other_name = _name(CN="Unknown Root CA", O="Elsewhere", C="VN")
    other_root = _cert(other_name, other_key, other_name, other_key, ca=True, not_before=not_before,
                       not_after=not_after)
    sk = _key()
    cert = _cert(_name(CN="Phạm Thị Dung", C="VN"), sk, other_name, other_key, ca=False,
                 not_before=not_before, not_after=not_after)
    return TestSigner("stranger", cert, sk, (other_root,)), other_root


def _write_pki(d: Path, root: x509.Certificate, inter: x509.Certificate, crl: x509.CertificateRevocationList,
               signers: tuple[TestSigner, ...]) -> None:
    def pem(c: x509.Certificate) -> bytes:
        return c.public_bytes(serialization.Encoding.PEM)

    (d / "root.pem").write_bytes(pem(root))
    (d / "intermediate.pem").write_bytes(pem(inter))
    (d / "intermediate.crl").write_bytes(crl.public_bytes(serialization.Encoding.DER))
    for s in signers:
        (d / f"{s.name}.pem").write_bytes(pem(s.cert))
        (d / f"{s.name}.key").write_bytes(
            s.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        )


def make_test_pki(dir: Path | str) -> TestPki:
    """Create the test PKI and write ``root.pem`` (the trust bundle) plus each cert/key into ``dir``."""
    d = Path(dir)
    d.mkdir(parents=True, exist_ok=True)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    long_ago = now - timedelta(days=3650)
    far = now + timedelta(days=3650)

    root_key = _key()
    root_name = _name(CN="Test Root CA Lưu trữ", O="Test PKI", C="VN")
    root = _cert(root_name, root_key, root_name, root_key, ca=True, not_before=long_ago, not_after=far)
    inter_key = _key()
    inter_name = _name(CN="Test Intermediate CA Lưu trữ", O="Test PKI", C="VN")
    inter = _cert(inter_name, inter_key, root_name, root_key, ca=True, not_before=long_ago, not_after=far)

    def signer(name: str, subject: x509.Name, not_before=long_ago, not_after=far) -> TestSigner:
        k = _key()
        c = _cert(subject, k, inter_name, inter_key, ca=False, not_before=not_before,
                  not_after=not_after, crl_url=CRL_URL)
        return TestSigner(name, c, k, (inter, root))

    personal = signer("personal", _name(CN="Nguyễn Văn An", O="UBND tỉnh Tiền Giang", L="Tiền Giang", C="VN"))
    organisation = signer(
        "organisation", _name(CN="UBND tỉnh Tiền Giang", O="UBND tỉnh Tiền Giang", L="Tiền Giang", C="VN")
    )
    expired = signer(
        "expired", _name(CN="Trần Thị Bình", O="Sở Nội vụ tỉnh Tiền Giang", C="VN"),
        not_before=now - timedelta(days=800), not_after=now - timedelta(days=400),
    )
    revoked = signer("revoked", _name(CN="Lê Văn Cường", O="Sở Tư pháp tỉnh Tiền Giang", C="VN"))

    crl = _crl(inter_name, inter_key, revoked, now)

    stranger, other_root = _stranger(long_ago, far)

    _write_pki(d, root, inter, crl, (personal, organisation, expired, revoked, stranger))
    return TestPki(d, root, inter, personal, organisation, expired, revoked, crl, d / "root.pem", other_root, stranger)


def _font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(FONT_DIR / "DejaVuSans.ttf")))
    return "DejaVuSans"


def make_pdf_bytes(text: str = "Công văn thử nghiệm", *, pages: int = 1, title: str | None = None) -> bytes:
    """A small text PDF (reportlab, DejaVu Sans embedded so Vietnamese renders)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    font = _font()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, pageCompression=1, initialFontName=font, pdfVersion=(1, 7))
    c.setTitle(title or text[:60])
    for i in range(pages):
        c.setFont(font, 13)
        y = 780
        for line in text.splitlines() or [""]:
            c.drawString(72, y, line)
            y -= 18
        c.drawString(72, 60, f"Trang {i + 1}/{pages}")
        c.showPage()
    c.save()
    return buf.getvalue()


def make_pdf(path: Path | str, text: str = "Công văn thử nghiệm", *, pages: int = 1) -> Path:
    p = Path(path)
    p.write_bytes(make_pdf_bytes(text, pages=pages))
    return p


def sign_pdf(
    pdf: bytes | Path | str,
    signer: TestSigner,
    out_path: Path | str | None = None,
    *,
    field_name: str | None = None,
    reason: str | None = None,
    location: str | None = None,
    embed_crl: x509.CertificateRevocationList | None = None,
) -> bytes:
    """Sign ``pdf`` (bytes or a path) with ``signer`` as a PAdES signature; return the bytes.

    Adds a new signature each call, so signing a signed file gives two signatures.
    With ``embed_crl`` the CRL goes into the document security store (an allowed
    incremental update after signing), so revocation is decidable offline.
    """
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    data = pdf if isinstance(pdf, bytes) else Path(pdf).read_bytes()
    w = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    if field_name is None:
        existing = len(list(fields.enumerate_sig_fields(w.prev)))
        field_name = f"Signature{existing + 1}"
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
    )
    out = io.BytesIO()
    signers.sign_pdf(w, meta, signer=signer.pyhanko_signer(), output=out)
    if embed_crl is not None:
        from pyhanko.pdf_utils.reader import PdfFileReader

        r = PdfFileReader(out)
        sig = r.embedded_signatures[-1]
        out.seek(0)
        DocumentSecurityStore.add_dss(
            out,
            sig.pkcs7_content,
            crls=[asn1_crl.CertificateList.load(embed_crl.public_bytes(serialization.Encoding.DER))],
            certs=[_to_asn1(c) for c in (signer.cert, *signer.chain)],
        )
    result = out.getvalue()
    if out_path is not None:
        Path(out_path).write_bytes(result)
    return result


def add_annotation_after_signing(signed: bytes, out_path: Path | str | None = None) -> bytes:
    """Append an incremental update that adds a text annotation to page 1 (a change the
    signer never saw)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    w = IncrementalPdfFileWriter(io.BytesIO(signed), strict=False)
    page_ref = w.root["/Pages"]["/Kids"][0]
    page = page_ref.get_object()
    annot = generic.DictionaryObject({
        generic.NameObject("/Type"): generic.NameObject("/Annot"),
        generic.NameObject("/Subtype"): generic.NameObject("/Text"),
        generic.NameObject("/Rect"): generic.ArrayObject([generic.FloatObject(v) for v in (100, 100, 120, 120)]),
        generic.NameObject("/Contents"): generic.TextStringObject("Đã sửa sau khi ký"),
    })
    annot_ref = w.add_object(annot)
    annots = page.get("/Annots")
    if annots is None:
        page[generic.NameObject("/Annots")] = generic.ArrayObject([annot_ref])
    else:
        annots.get_object().append(annot_ref)
    w.update_container(page)
    out = io.BytesIO()
    w.write(out)
    result = out.getvalue()
    if out_path is not None:
        Path(out_path).write_bytes(result)
    return result


def tamper_signed_range(signed: bytes, out_path: Path | str | None = None, needle: bytes = b"/Title") -> bytes:
    """Flip one byte inside the signed byte range (in the document body, before the signature)."""
    i = signed.find(needle)
    if i < 0:
        i = 20
    b = bytearray(signed)
    b[i + 2] = ord("X") if b[i + 2] != ord("X") else ord("Y")
    result = bytes(b)
    if out_path is not None:
        Path(out_path).write_bytes(result)
    return result
