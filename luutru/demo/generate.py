"""Generate realistic demo transfers: one clean, one with deliberate errors.

``generate_demo(out_dir)`` writes

* ``out_dir/good/`` — a transfer from several provincial agencies: dozens of dossiers,
  hundreds of documents with Vietnamese titles, abstracts, numbers and notations,
  signers, dates inside each dossier's span, a retention and access mix, born-digital
  PDFs, scanned-copy PDFs (200 dpi colour image + invisible text), a few XLSX annexes
  and a PNG site diagram; catalogue ``muc_luc_ho_so.xlsx`` (or CSV with ``csv=True``);
* ``out_dir/bad/`` — a smaller transfer carrying each deliberate error exactly once;
* ``out_dir/bad_errors.txt`` — the list of those errors (bilingual), kept outside the
  transfer folder so the folder holds only the catalogue and the files;
* ``out_dir/submitter/`` and ``out_dir/submitter.zip`` — a small clean transfer of one
  agency only (:data:`SUBMITTER_AGENCY`, the demo submitter's), not ingested by the demo:
  what the demo submitter uploads in the browser to see a transfer accepted (the good
  transfer holds several agencies' dossiers, which a submitter may not transfer).

Same seed, same bytes: every random choice comes from one ``random.Random(seed)``,
PDFs are written with reportlab's invariant mode and workbooks with fixed timestamps.
"""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import bagit

from luutru.demo.builder import DEMO_TIMESTAMP, DemoDossier, DossierBuilder
from luutru.demo.defects import Defect, bad_transfer, errors_text
from luutru.demo.pki import make_test_pki, sign_pdf
from luutru.demo.vocab import (
    AGENCIES,
    Agency,
)
from luutru.packaging.catalogue_writer import (
    TEMPLATE_NAME,
    write_csv_catalogue,
    write_reproducible_zip,
    write_xlsx_template,
)

GOOD_DIR, BAD_DIR, BAD_ERRORS = "good", "bad", "bad_errors.txt"
SUBMITTER_DIR = "submitter"
SUBMITTER_AGENCY = AGENCIES[0]
SUBMITTER_SIZES = (3, 4)  # documents of each dossier of the submitter's transfer
FIRST_YEAR, LAST_YEAR = 2015, 2024
YEARS = tuple(range(FIRST_YEAR, LAST_YEAR + 1))
YEAR_WEIGHTS = (1, 1, 2, 2, 3, 3, 3, 3, 3, 3)  # few old, scanned dossiers: they are the bulky ones
MIN_DOCS, MAX_DOCS = 3, 15

Progress = Callable[[int, int], None]


@dataclass
class DemoTransfers:
    """Where the demo transfers were written and what they hold."""

    good: Path
    bad: Path
    bad_errors: Path
    good_dossiers: int
    good_documents: int
    good_files: int
    good_bytes: int
    bad_dossiers: int
    bad_documents: int
    defects: list[Defect] = field(default_factory=list)
    trust_roots: Path | None = None  # root certificate of the demo PKI when PDFs are signed
    submitter_zip: Path | None = None  # the one-agency transfer for the demo submitter's upload
    submitter_agency: str = SUBMITTER_AGENCY.code


def _write_transfer(root: Path, dossiers: list[DemoDossier], *, as_csv: bool, name_on_disk: dict[str, str] | None = None,
                    skip_files: set[str] = frozenset()) -> int:
    """Write catalogue and files; returns the number of files written."""
    name_on_disk = name_on_disk or {}
    written = 0
    for d in dossiers:
        for doc in d.docs:
            if doc.path in skip_files:
                continue
            target = root / name_on_disk.get(doc.path, doc.path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(doc.data)
            written += 1
    dossier_rows = [d.row for d in dossiers]
    document_rows = [doc.row for d in dossiers for doc in d.docs]
    if as_csv:
        write_csv_catalogue(root, dossier_rows, document_rows)
    else:
        write_xlsx_template(root / TEMPLATE_NAME, (dossier_rows, document_rows), timestamp=DEMO_TIMESTAMP)
    return written


def _plan(rng: random.Random, count: int) -> list[tuple[Agency, str, int]]:
    """Which agency, topic and year each dossier gets: agencies in turn, no repeats."""
    seen: set[tuple[str, str, int]] = set()
    plan = []
    for i in range(count):
        agency = AGENCIES[i % len(AGENCIES)]
        topic = agency.topics[(i // len(AGENCIES)) % len(agency.topics)]
        year = rng.choices(YEARS, YEAR_WEIGHTS)[0]
        while (agency.code, topic, year) in seen:
            year = FIRST_YEAR + (year - FIRST_YEAR + 1) % (LAST_YEAR - FIRST_YEAR + 1)
        seen.add((agency.code, topic, year))
        plan.append((agency, topic, year))
    return plan


def _prepare(path: Path, overwrite: bool) -> None:
    if path.exists() and any(path.iterdir()):
        if not overwrite:
            raise FileExistsError(
                f"Thư mục {path} đã có dữ liệu; xóa đi hoặc dùng overwrite. / {path} is not empty; "
                "remove it or pass overwrite=True.")
        shutil.rmtree(path)
    path.mkdir(parents=True, exist_ok=True)


def demo_signer(pki_dir: Path) -> tuple[Callable[[bytes, str], bytes], Path]:
    """A signing function for demo PDFs and the trust bundle that validates it.

    Born-digital documents get the signer's personal signature; digitised copies the
    organisation's (as the regulations ask of a copy).  The PKI is made fresh in
    ``pki_dir``: signed output is therefore not byte-for-byte reproducible.
    """

    pki = make_test_pki(pki_dir)

    def sign(data: bytes, reliability: str) -> bytes:
        signer = pki.organisation if reliability == "Số hóa" else pki.personal
        return sign_pdf(data, signer, reason="Ký số văn bản" if signer is pki.personal else "SAO Y")

    return sign, pki.root_pem


def generate_demo(out_dir: Path, *, seed: int = 2026, dossiers: int = 36, csv: bool = False,
                  overwrite: bool = False, progress: Progress | None = None, sign: bool = False) -> DemoTransfers:
    """Write the good and bad demo transfers under ``out_dir``; see the module docstring.

    With ``sign=True`` every PDF is signed with a demo PKI made in ``out_dir/pki``; its
    root certificate (``DemoTransfers.trust_roots``) is what ingest must trust.
    """
    if dossiers < 1:
        raise ValueError("dossiers must be at least 1")
    out_dir = Path(out_dir)
    good, bad, mine = out_dir / GOOD_DIR, out_dir / BAD_DIR, out_dir / SUBMITTER_DIR
    _prepare(good, overwrite)
    _prepare(bad, overwrite)
    _prepare(mine, overwrite)
    rng = random.Random(seed)
    signer, trust_roots = demo_signer(out_dir / "pki") if sign else (None, None)
    builder = DossierBuilder(rng, signer)

    plan = _plan(rng, dossiers)
    sizes = [rng.randint(MIN_DOCS, MAX_DOCS) for _ in plan]
    bad_sizes = [5, 5, 4, 5, 4, 6]
    total = sum(sizes) + sum(bad_sizes) + sum(SUBMITTER_SIZES)
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, total)

    good_dossiers = [builder.dossier(a, t, y, n_docs=n, progress=tick) for (a, t, y), n in zip(plan, sizes)]
    files = _write_transfer(good, good_dossiers, as_csv=csv)
    size = sum(len(doc.data) for d in good_dossiers for doc in d.docs)

    bad_dossiers, defects, name_on_disk, skip = bad_transfer(builder, bad_sizes, tick)
    _write_transfer(bad, bad_dossiers, as_csv=False, name_on_disk=name_on_disk, skip_files=skip)
    unlisted = defects[-1]
    (bad / unlisted.file).parent.mkdir(parents=True, exist_ok=True)
    (bad / unlisted.file).write_bytes(bad_dossiers[0].docs[0].data)
    errors = out_dir / BAD_ERRORS
    errors.write_text(errors_text(defects), encoding="utf-8")
    # last, so the good and bad transfers stay the bytes they were for a seed
    topics = SUBMITTER_AGENCY.topics
    own = [builder.dossier(SUBMITTER_AGENCY, topics[i % len(topics)], LAST_YEAR, n_docs=n, progress=tick)
           for i, n in enumerate(SUBMITTER_SIZES)]
    _write_transfer(mine, own, as_csv=False)
    submitter_zip = zip_transfer(mine, out_dir / f"{SUBMITTER_DIR}.zip")
    return DemoTransfers(
        good=good, bad=bad, bad_errors=errors,
        good_dossiers=len(good_dossiers), good_documents=sum(len(d.docs) for d in good_dossiers),
        good_files=files, good_bytes=size,
        bad_dossiers=len(bad_dossiers), bad_documents=sum(len(d.docs) for d in bad_dossiers),
        defects=defects, trust_roots=trust_roots, submitter_zip=submitter_zip)


def zip_transfer(folder: Path, dest: Path, *, top_folder: bool = True) -> Path:
    """Pack a transfer folder as a reproducible .zip (under its own folder name by default)."""
    folder = Path(folder)
    members = []
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            rel = p.relative_to(folder).as_posix()
            members.append((f"{folder.name}/{rel}" if top_folder else rel, p.read_bytes()))
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    write_reproducible_zip(dest, members, DEMO_TIMESTAMP)
    return dest


def bag_transfer(folder: Path, dest: Path) -> Path:
    """Copy a transfer folder into a BagIt bag at ``dest`` (payload under data/, SHA-256 manifest)."""
    dest = Path(dest)
    shutil.copytree(folder, dest)
    bagit.make_bag(str(dest), {"Source-Organization": "luutru demo"}, checksums=["sha256"])
    return dest
