"""05/2025 SIPs as built: tree and name, every XML valid against the shipped schemas, and
eark-validator (PyPI, run offline: see tests/eark_runner.py) finds no error but its disputed agent rules.

eark-validator 1.1.3 reports five errors on every SIP that meets E-ARK SIP 2.0.4 (``EARK_DISPUTED`` in
tests/sip_helpers.py): SIP15–20 (MUST) require a submitting agent with ``ROLE="CREATOR"`` and TYPE
ORGANIZATION/INDIVIDUAL beside the software agent, and the validator's CSIP12/13/16 hold every CREATOR
agent to the software agent's rules, its SIP14 every CREATOR note to an unqualified ``NOTETYPE`` the METS
schema does not allow.  No package can meet both; the reference implementation (commons-ip2,
tests/test_sip_commons_ip.py) finds no error in these packages.  The test checks that those are the only
errors and that they point at the CREATOR agents.
"""

from __future__ import annotations

import zipfile

import pytest
from lxml import etree

from luutru.packaging.sip.builder import SipBuildError, build_sip
from luutru.packaging.sip.xmlschemas import EAD_NS, METS_NS, PREMIS_NS, schema_errors
from tests.sip_helpers import CREATOR, eark_errors, eark_only_disputed, eark_validate, sample_package

KINDS = {f"{{{METS_NS}}}mets": "mets", f"{{{EAD_NS}}}ead": "ead", f"{{{PREMIS_NS}}}premis": "premis"}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("sip")
    pkg = sample_package(2)
    return pkg, build_sip(pkg, out / "zip", creator=CREATOR), build_sip(sample_package(2), out / "dir",
                                                                         creator=CREATOR, zip_package=False)


def test_zip_name_and_tree(built):
    pkg, z, _folder = built
    assert z.path.name == f"001_{pkg.objid}.zip" and pkg.objid.startswith("uuid-")
    code = pkg.dossier.file_code
    with zipfile.ZipFile(z.path) as zf:
        names = set(zf.namelist())
    o = pkg.objid
    expected = {
        f"{o}/METS.xml", f"{o}/metadata/descriptive/EAD.xml", f"{o}/metadata/preservation/PREMIS.xml",
        f"{o}/documentation/README.txt",
        f"{o}/representations/rep1/METS.xml", f"{o}/representations/rep2/METS.xml",
        f"{o}/representations/rep1/metadata/preservation/PREMIS_rep1.xml",
        f"{o}/representations/rep1/metadata/descriptive/EAD_doc_{code}.0001.xml",
        f"{o}/representations/rep1/data/{code}.0001/01 quyết định.pdf",
        f"{o}/representations/rep2/data/{code}.0001/01 quyết định.pdfa.pdf",
        f"{o}/schemas/mets.xsd", f"{o}/schemas/ead.xsd", f"{o}/schemas/premis-v3-0.xsd",
        f"{o}/schemas/DILCISExtensionMETS.xsd", f"{o}/schemas/DILCISExtensionSIPMETS.xsd", f"{o}/schemas/xlink.xsd",
    }
    assert expected <= names
    assert all(n.startswith(f"{o}/") for n in names)


def test_every_xml_validates_against_the_shipped_schemas(built):
    _pkg, _z, folder = built
    xml_files = sorted(folder.path.rglob("*.xml"))
    assert len(xml_files) == 3 + 2 + 2 + 2  # root METS, EAD, PREMIS; rep METS ×2; rep PREMIS ×2; EAD_doc ×2
    for p in xml_files:
        root = etree.parse(str(p)).getroot()
        kind = KINDS[root.tag]
        assert schema_errors(root, kind) == [], p


def test_schema_rejects_a_broken_document(built):
    """The validation above can fail: an EAD without its header is refused."""
    _pkg, _z, folder = built
    root = etree.parse(str(folder.path / "metadata/descriptive/EAD.xml")).getroot()
    root.remove(root.find(f"{{{EAD_NS}}}eadheader"))
    assert schema_errors(root, "ead")


def test_mets_declares_sha256_and_size_of_every_file(built):
    _pkg, _z, folder = built
    ns = {"m": METS_NS}
    for mets in folder.path.rglob("METS.xml"):
        root = etree.parse(str(mets)).getroot()
        for el in root.iterfind(".//m:file", ns):
            assert el.get("CHECKSUMTYPE") == "SHA-256" and len(el.get("CHECKSUM")) == 64 and int(el.get("SIZE")) > 0


@pytest.mark.parametrize("which", ["zip", "folder"])
def test_eark_validator_finds_no_error_but_its_disputed_agent_rules(built, which):
    _pkg, z, folder = built
    report = eark_validate(z.path if which == "zip" else folder.path, "V2.0.4")
    assert report["structure"]["status"] == "WellFormed", report["structure"]
    assert report["metadata"]["schema_results"]["status"] == "VALID", report["metadata"]["schema_results"]
    eark_only_disputed(eark_errors(report))


def test_refuses_a_file_that_changed_since_it_was_stored(tmp_path):
    pkg = sample_package(1)
    f = pkg.dossier.documents[0].files[0]
    f.source = f.source[:-1] + b"\x00"  # not the bytes the AIP recorded
    with pytest.raises(SipBuildError) as e:
        build_sip(pkg, tmp_path, creator=CREATOR)
    assert [x.code for x in e.value.findings] == ["SIP_FILE_CHANGED"]
    assert e.value.findings[0].file == f.name
    assert list(tmp_path.iterdir()) == []  # nothing half-written is left
