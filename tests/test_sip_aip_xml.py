"""METS/EAD/PREMIS inside an AIP: written from a real stored AIP's payload, valid against the schemas,
checked by eark-validator as an E-ARK AIP, and read back to the same catalogue fields and events."""

from __future__ import annotations

import hashlib
from urllib.parse import unquote

from lxml import etree

from luutru.catalog.records import load_aip_metadata
from luutru.ingest.pipeline import ingest
from luutru.packaging.sip.aip_xml import aip_xml_files, read_aip_xml
from luutru.packaging.sip.xmlschemas import EAD_NS, METS_NS, PREMIS_NS, schema_errors
from tests.factory import base_spec, write_transfer
from tests.sip_helpers import CREATOR, eark_errors, eark_validate

KINDS = {f"{{{METS_NS}}}mets": "mets", f"{{{EAD_NS}}}ead": "ead", f"{{{PREMIS_NS}}}premis": "premis"}


def test_aip_carries_mets_ead_premis(services, tmp_path):
    spec = base_spec(1, 2)
    report = ingest(write_transfer(spec, tmp_path / "t"), services)
    assert report.status == "accepted"
    code = spec.dossiers[0]["ma_ho_so"]
    meta = load_aip_metadata(services.storage, code, with_text=False)
    bag = services.storage.fetch_aip(code, tmp_path / "bag")
    hashes = {}
    for p in sorted((bag / "data").rglob("*")):
        if p.is_file():
            data = p.read_bytes()
            hashes[p.relative_to(bag).as_posix()] = (hashlib.sha256(data).hexdigest(), len(data))

    files = aip_xml_files(code, meta.dossier, meta.documents, meta.events, hashes,
                          created="2026-01-02T03:04:05+07:00", creator=CREATOR)
    assert {"data/METS.xml", "data/metadata/descriptive/EAD.xml", "data/metadata/preservation/PREMIS.xml",
            "data/metadata/preservation/PREMIS_original.xml", "data/schemas/premis-v3-0.xsd"} <= set(files)
    for rel, data in files.items():
        (bag / rel).parent.mkdir(parents=True, exist_ok=True)
        (bag / rel).write_bytes(data)
        if rel.endswith(".xml"):
            root = etree.fromstring(data)
            assert schema_errors(root, KINDS[root.tag]) == [], rel

    # every payload file is in METS once, with its SHA-256
    mets = etree.fromstring(files["data/METS.xml"])
    listed = {"data/" + unquote(el.get('{http://www.w3.org/1999/xlink}href')) for el in mets.iter(f"{{{METS_NS}}}FLocat")}
    listed |= {"data/" + unquote(el.get('{http://www.w3.org/1999/xlink}href')) for el in mets.iter(f"{{{METS_NS}}}mdRef")}
    payload = {p.relative_to(bag).as_posix() for p in (bag / "data").rglob("*") if p.is_file()} - {"data/METS.xml"}
    assert listed == payload

    report = eark_validate(bag / "data", "V2.0.4")
    assert report["structure"]["status"] == "WellFormed", report["structure"]
    assert report["metadata"]["schema_results"]["status"] == "VALID"
    assert eark_errors(report) == []  # an AIP has no SIP rules, so no SIP14 either

    back = read_aip_xml(lambda rel: (bag / rel).read_bytes())
    assert back.findings == []
    strip = lambda d: {k: v for k, v in d.items() if k != "_service"}
    assert back.dossier == strip(meta.dossier)
    assert back.documents == [strip(d) for d in sorted(meta.documents, key=lambda d: d["so_thu_tu"])]
    assert back.events == meta.events

    ead_path = bag / "data/metadata/descriptive/EAD.xml"
    ead_path.write_bytes(ead_path.read_bytes().replace("Hồ sơ".encode(), "Hồ sơ sửa".encode(), 1))
    assert [f.file for f in read_aip_xml(lambda rel: (bag / rel).read_bytes()).findings] == [
        "data/metadata/descriptive/EAD.xml"]
