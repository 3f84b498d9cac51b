"""Format identification by content with Siegfried (PRONOM byte and container signatures).

Runs the real ``sf`` built by scripts/setup (LUUTRU_TEST_SIEGFRIED) on files the tests
make (tests/formats_corpus.py): containers are told by what is inside, a renamed
container is an error with its fix, UTF-16 text is text, PDF/A-4's claim is seen (veraPDF
still decides PDF/A: tests/test_pdfa_decision.py), and the whole batch is ONE sf run.
Without sf: one SIEGFRIED_NOT_INSTALLED finding per transfer, never a silent fallback.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import luutru.tools.siegfried as sf
from luutru.config import Settings
from luutru.ingest.checks.formats import format_findings
from luutru.ingest.checks.per_file import check_files
from luutru.ingest.checks.pronom import identify_formats
from luutru.ingest.checks.results import CheckConfig, FileItem
from luutru.policies.formats import FormatVerdict
from tests import engines
from tests.formats_corpus import write_corpus

pytestmark = engines.mark("siegfried")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_corpus(tmp_path_factory.mktemp("formats"))


@pytest.fixture(scope="module")
def identified(corpus):  # type: ignore[no-untyped-def]
    exe = engines.need("siegfried")
    batch = identify_formats(list(corpus.values()), exe=exe)
    assert batch.findings == [] and batch.identifier.startswith("siegfried 1.11")
    return {name: batch.formats[str(p)] for name, p in corpus.items()}


@pytest.mark.parametrize("name,key,puid", [
    ("cong-van.docx", "docx", "fmt/412"),
    ("muc-luc.xlsx", "xlsx", "fmt/214"),
    ("bao-cao.odt", "odt", "fmt/291"),
    ("bang-tinh.ods", "ods", "fmt/295"),
    ("utf8.txt", "txt", "x-fmt/111"),
    ("danh-sach.csv", "csv", "x-fmt/18"),
    ("quyet-dinh.pdf", "pdf", "fmt/276"),
])
def test_accepted_formats_identified_by_content(identified, name, key, puid):  # type: ignore[no-untyped-def]
    info = identified[name]
    assert (info.key, info.puid) == (key, puid), info
    assert info.identifier.startswith("siegfried") and info.basis.startswith(f"siegfried {puid}")
    assert format_findings(info) == []


def test_containers_told_by_what_is_inside(identified):  # type: ignore[no-untyped-def]
    """A pptx and a plain zip are what they are, whatever their name says."""
    assert identified["trinh-chieu.pptx"].puid == "fmt/215"
    assert identified["tep-nen.zip"].puid == "x-fmt/263"
    assert "container" in identified["cong-van.docx"].basis  # [Content_Types].xml looked into
    for name in ("trinh-chieu.pptx", "tep-nen.zip"):
        assert identified[name].verdict is FormatVerdict.REJECTED
        assert [f.code for f in format_findings(identified[name])] == ["FORMAT_REJECTED"]


@pytest.mark.parametrize("name,inside,puid", [
    ("trinh-chieu-doi-ten.docx", "Powerpoint", "fmt/215"),
    ("nen-doi-ten.docx", "ZIP", "x-fmt/263"),
])
def test_renamed_container_is_an_error_with_the_fix(identified, name, inside, puid):  # type: ignore[no-untyped-def]
    info = identified[name]
    assert info.key is None and info.puid == puid and info.claimed == "Microsoft Word (Office Open XML)"
    [f] = format_findings(info, file=name)
    assert f.code == "FORMAT_CONTAINER_MISMATCH" and f.is_error and f.file == name
    assert inside in f.message_en and puid in f.message_en and ".docx" in f.message_en
    assert "save it as Microsoft Word" in f.message_en
    assert "bên trong là" in f.message_vi and "lưu lại đúng định dạng" in f.message_vi


def test_accepted_container_under_another_name_is_a_rename_warning(identified):  # type: ignore[no-untyped-def]
    info = identified["word-doi-ten.xlsx"]
    assert (info.key, info.puid, info.extension_mismatch) == ("docx", "fmt/412", True)
    [f] = format_findings(info)
    assert f.code == "FORMAT_EXTENSION_MISMATCH" and ".docx" in f.message_en


@pytest.mark.parametrize("name,encoding", [("utf16le.txt", "UTF-16-LE"), ("utf16be.txt", "UTF-16-BE"),
                                           ("utf8.txt", "UTF-8")])
def test_unicode_text_is_text(identified, name, encoding):  # type: ignore[no-untyped-def]
    info = identified[name]
    assert (info.key, info.puid, info.encoding, info.verdict) == ("txt", "x-fmt/111", encoding,
                                                                   FormatVerdict.ACCEPTED)


def test_eight_bit_text_is_refused(identified):  # type: ignore[no-untyped-def]
    info = identified["tcvn3.txt"]
    assert info.key is None and "ISO-8859" in info.name
    assert [f.code for f in format_findings(info)] == ["FORMAT_REJECTED"]


def test_pdfa4_claim_is_seen_and_veraPDF_left_to_decide(identified):  # type: ignore[no-untyped-def]
    info = identified["pdfa-4.pdf"]
    assert info.basis.startswith("siegfried fmt/1910")  # PRONOM's PDF/A-4
    assert (info.key, info.puid, info.version) == ("pdf", "fmt/1129", "2.0")  # a PDF 2.0 until veraPDF says


def test_one_siegfried_run_per_transfer_and_utf16_text_read(corpus, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    exe = engines.need("siegfried")
    calls: list[list[str]] = []
    real = sf.run_sf

    def counting(exe_, args, **kw):  # type: ignore[no-untyped-def]
        calls.append(list(args))
        return real(exe_, args, **kw)

    monkeypatch.setattr(sf, "run_sf", counting)
    names = ["utf16le.txt", "cong-van.docx", "trinh-chieu-doi-ten.docx", "danh-sach.csv"]
    items = [FileItem(corpus[n], n, document=n) for n in names]
    b = check_files(items, Settings(), out_dir=tmp_path / "o", config=CheckConfig(siegfried=exe, migrate=False))
    assert len(calls) == 1 and "-multi" in calls[0]
    r = {x.relpath: x for x in b.results}
    assert "Ủy ban nhân dân tỉnh" in (r["utf16le.txt"].text or "")
    assert r["utf16le.txt"].findings == [] and not r["utf16le.txt"].rejected
    assert [f.code for f in r["trinh-chieu-doi-ten.docx"].findings] == ["FORMAT_CONTAINER_MISMATCH"]
    ev = r["cong-van.docx"].events[0]
    assert ev.outcome_detail["puid"] == "fmt/412" and "siegfried" in ev.detail  # the PUID is recorded


def test_without_siegfried_the_transfer_says_so(corpus, tmp_path):  # type: ignore[no-untyped-def]
    """No sf: one warning for the transfer, in-process identification named as such."""
    items = [FileItem(corpus[n], n) for n in ("cong-van.docx", "utf8.txt")]
    cfg = CheckConfig(siegfried=str(tmp_path / "no-sf-here"), migrate=False)
    b = check_files(items, Settings(), out_dir=tmp_path / "o", config=cfg)
    [f] = [f for f in b.batch_findings if f.code == "SIEGFRIED_NOT_INSTALLED"]
    assert f.severity.value == "warning" and "LUUTRU_SIEGFRIED" in f.message_en and "Siegfried" in f.message_vi
    assert all(r.format.identifier == "in-process" for r in b.results)


def test_file_siegfried_cannot_read_falls_back_with_a_finding(tmp_path):  # type: ignore[no-untyped-def]
    exe = engines.need("siegfried")
    odd = tmp_path / "dong\nmoi.txt"
    odd.write_text("Văn bản\n", encoding="utf-8")
    info = identify_formats([odd], exe=exe).formats[str(odd)]
    assert info.key == "txt" and info.identifier_error and "line break" in info.identifier_error
    assert [f.code for f in format_findings(info)] == ["FORMAT_IDENTIFICATION_FAILED"]


def test_report_parsing_keeps_the_first_pronom_match():
    raw = ('{"siegfried":"1.11.4","identifiers":[{"name":"pronom","details":"DROID_SignatureFile_V122.xml"}],'
           '"files":[{"filename":"/x/a.docx","errors":"","matches":[{"ns":"pronom","id":"fmt/215",'
           '"format":"Microsoft Powerpoint for Windows","version":"2007 onwards","mime":"m","basis":'
           '"container name [Content_Types].xml","warning":"extension mismatch"}]},'
           '{"filename":"/x/b.bin","errors":"","matches":[{"ns":"pronom","id":"UNKNOWN","warning":"no match"}]}]}')
    matches, head = sf.parse_report(raw)
    a, b = matches["/x/a.docx"], matches["/x/b.bin"]
    assert a.puid == "fmt/215" and a.by_container and a.extension_mismatch and head["siegfried"] == "1.11.4"
    assert b.puid is None and not b.by_container


def test_early_identification_of_the_senders_files_judges_as_the_staged_ones(corpus, tmp_path):  # type: ignore[no-untyped-def]
    """Siegfried run over the sender's files while they are staged (pronom.identify_early)
    gives, judged as the staged links (judged_as), exactly what identifying the staged
    links gives; a staged name with another extension is left to be identified again."""
    from luutru.ingest.checks.pronom import identify_early, identify_rest, judged_as
    from luutru.policies.formats import load_format_policy

    exe = engines.need("siegfried")
    policy = load_format_policy()
    staged = tmp_path / "staged"
    staged.mkdir()
    pairs = []
    for name, p in corpus.items():
        link = staged / (name if not name.endswith(".csv") else name + ".txt")  # one renamed on staging
        os.link(p, link)
        pairs.append((p, link))
    known = judged_as(identify_early([p for p, _ in pairs], exe=exe), pairs, policy)
    renamed = [str(link) for _, link in pairs if link.name.endswith(".csv.txt")]
    assert renamed and not set(renamed) & set(known)  # identified again under its staged name
    late = identify_formats([link for _, link in pairs], exe=exe, policy=policy)
    assert {k: late.formats[k] for k in known} == known
    merged = identify_rest([link for _, link in pairs], known, policy=policy, exe=exe)
    assert merged.formats == late.formats
