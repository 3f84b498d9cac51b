"""METS/EAD/PREMIS inside every AIP: written at ingest beside the BagIt manifests, valid against
the schemas, an E-ARK AIP for eark-validator, the same metadata and events as the JSON — and
``reindex`` reads them back and reports an AIP whose XML no longer agrees."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
from urllib.parse import unquote

import bagit
from lxml import etree

from luutru.catalog.records import load_aip_metadata
from luutru.ingest.pipeline import ingest
from luutru.packaging.ocfl import RevisionReader, export_object
from luutru.packaging.sip.aip_xml import read_aip_xml
from luutru.packaging.sip.xmlschemas import EAD_NS, METS_NS, PREMIS_NS, schema_errors
from luutru.preservation.corrections import correct_metadata
from luutru.preservation.fixity_run import run_audit
from luutru.preservation.reindex import reindex
from luutru.records.events import FIXITY_CHECK, METADATA_MODIFICATION
from tests.factory import base_spec, write_transfer
from tests.sip_helpers import eark_errors, eark_validate

KINDS = {f"{{{METS_NS}}}mets": "mets", f"{{{EAD_NS}}}ead": "ead", f"{{{PREMIS_NS}}}premis": "premis"}
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


def test_stored_aip_carries_mets_ead_premis(services, tmp_path):
    spec = base_spec(1, 2)
    report = ingest(write_transfer(spec, tmp_path / "t"), services)
    assert report.status == "accepted"
    code = spec.dossiers[0]["ma_ho_so"]
    meta = load_aip_metadata(services.storage, code, with_text=False)
    bag = services.storage.fetch_aip(code, tmp_path / "bag")
    bagit.Bag(str(bag)).validate()  # the XML files are payload, in the manifests

    for rel in ("METS.xml", "metadata/descriptive/EAD.xml", "metadata/preservation/PREMIS.xml",
                "metadata/preservation/PREMIS_original.xml", "schemas/premis-v3-0.xsd", "documentation/README.txt"):
        assert (bag / "data" / rel).is_file(), rel
    for p in (bag / "data").rglob("*.xml"):
        root = etree.parse(str(p)).getroot()
        assert schema_errors(root, KINDS[root.tag]) == [], p

    # every payload file is in METS once
    mets = etree.parse(str(bag / "data/METS.xml")).getroot()
    listed = {"data/" + unquote(el.get(XLINK_HREF)) for tag in ("FLocat", "mdRef") for el in mets.iter(f"{{{METS_NS}}}{tag}")}
    payload = {p.relative_to(bag).as_posix() for p in (bag / "data").rglob("*") if p.is_file()} - {"data/METS.xml"}
    assert listed == payload

    report = eark_validate(bag / "data", "V2.0.4")
    assert report["structure"]["status"] == "WellFormed", report["structure"]
    assert report["metadata"]["schema_results"]["status"] == "VALID"
    assert eark_errors(report) == []  # an AIP is not held to the SIP rules, so no SIP14 either

    back = read_aip_xml(lambda rel: (bag / rel).read_bytes())
    assert back.findings == []
    strip = lambda d: {k: v for k, v in d.items() if k != "_service"}  # noqa: E731
    assert back.dossier == strip(meta.dossier)
    assert back.documents == [strip(d) for d in sorted(meta.documents, key=lambda d: d["so_thu_tu"])]
    assert back.events == meta.events

    rep = reindex(services, index=False)
    assert rep.xml_checked == 1 and rep.xml_mismatch == [] and not rep.failed

    # rewrite the stored EAD.xml through the storage layer (which encrypts at rest), as damage would
    rel = "data/metadata/descriptive/EAD.xml"
    with services.storage.open_file(code, rel) as fh:
        edited = fh.read().replace(b"<unittitle", b'<unittitle altrender="x"', 1)
    stored = services.storage.stored_name(code, rel)  # fixed-term: encrypted, under an opaque name
    services.storage.repair_file(code, stored, io.BytesIO(edited), sha256=hashlib.sha256(edited).hexdigest())
    rep = reindex(services, index=False)
    assert [a for a, _why in rep.xml_mismatch] == [code]
    assert "data/metadata/descriptive/EAD.xml" in rep.xml_mismatch[0][1]


def _xml_of_export(export: Path) -> tuple[etree._Element, dict[str, str]]:
    """The head METS of an OCFL export, and every payload file of its head state with its SHA-256."""
    head = json.loads((export / "inventory.json").read_text())
    state = {p: head["manifest"][d][0] for d, ps in head["versions"][head["head"]]["state"].items() for p in ps}
    sha = {p: hashlib.sha256((export / cp).read_bytes()).hexdigest() for p, cp in state.items()}
    return etree.fromstring((export / state["data/METS.xml"]).read_bytes()), sha


def test_later_revisions_rewrite_mets_ead_premis(services, tmp_path):
    """A correction and a fixity audit write new revisions; the XML of the head describes the AIP
    as it now is (new title, every event, every file with its hash), read by an archive from the
    OCFL export without luutru, and reindex finds XML and JSON in agreement."""
    spec = base_spec(1, 2)
    assert ingest(write_transfer(spec, tmp_path / "t"), services).status == "accepted"
    code = spec.dossiers[0]["ma_ho_so"]
    correct_metadata(services, code, fields={"tieu_de": "Hồ sơ đã hiệu đính tiêu đề"}, reason="Sai tiêu đề",
                     actor="lan.luutru")
    assert run_audit(services, aip_ids=[code]).ok
    meta = load_aip_metadata(services.storage, code, with_text=False)
    assert meta.revisions == 3

    def raw(rel: str) -> bytes:
        with services.storage.open_file(code, rel) as f:
            return f.read()

    export = export_object(raw, services.storage.list_files(code), tmp_path / "ocfl")
    mets, sha = _xml_of_export(export)
    assert schema_errors(mets, "mets") == []
    listed = {}
    for el in mets.iter(f"{{{METS_NS}}}file", f"{{{METS_NS}}}mdRef"):
        loc = el if el.tag.endswith("mdRef") else el.find(f"{{{METS_NS}}}FLocat")
        listed["data/" + unquote(loc.get(XLINK_HREF))] = el.get("CHECKSUM")
    payload = {p: h for p, h in sha.items() if p.startswith("data/") and p != "data/METS.xml"}
    assert listed == payload  # every file of the head state, once, with its hash as stored

    back = read_aip_xml(RevisionReader(raw, services.storage.list_files(code)).read)
    assert back.findings == []
    assert back.dossier["tieu_de"] == "Hồ sơ đã hiệu đính tiêu đề"
    assert back.events == meta.events
    assert {METADATA_MODIFICATION, FIXITY_CHECK} <= {e["event_type"] for e in back.events}
    rep = reindex(services, index=False)
    assert rep.xml_checked == 1 and rep.xml_mismatch == [] and not rep.failed
