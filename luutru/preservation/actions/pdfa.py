"""The ``pdfa`` action: a PDF/A-2b preservation copy of each PDF that is not PDF/A.

Ghostscript converts; the copy must keep its original's text (words compared after
extraction, :func:`~.common.text_kept`): when Ghostscript's default PDF interpreter
loses it (Ghostscript 10.0x drops ToUnicode maps of subset fonts: "BỘ NỘI VỤ" becomes
"B NI V"), the conversion is run again with the older interpreter; a copy that still
loses text is not stored and the event says so.  veraPDF (when installed) then checks
the copy; a non-conforming copy is not stored either.  Each file gets a PREMIS
``migration`` event (agent: Ghostscript and its version) and, with veraPDF, a
``validation`` event.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from luutru.ingest.checks.fulltext import extract_pdf_text
from luutru.preservation.actions.common import TEXT_KEPT, NewFile, fetch, head, originals, text_kept, write_results
from luutru.preservation.actions.plan import action_for
from luutru.records.events import MIGRATION, VALIDATION, Event
from luutru.services import Services
from luutru.tools import ghostscript, verapdf


class ActionFailed(Exception):
    """A failure another attempt will not cure (a tool not installed): the job fails at once."""


@dataclass
class ActionReport:
    dossier: str
    kind: str
    done: list[str] = field(default_factory=list)  # documents with a new copy
    flagged: dict[str, str] = field(default_factory=dict)  # document → why no copy was stored
    failed: dict[str, str] = field(default_factory=dict)  # document → error (retried)
    revision: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class _Converted:
    result: ghostscript.ConversionResult
    kept: float
    legacy: bool


def _convert(src: Path, dest: Path, original_text: str | None, gs: str, timeout: float | None) -> _Converted:
    """Convert; when text was lost, once more with the older interpreter (kept if it does better)."""
    first: _Converted | None = None
    for legacy in (False, True):
        r = ghostscript.convert_to_pdfa(src, dest, gs=gs, part=2, timeout=timeout, legacy_interpreter=legacy)
        if not r.ok:
            return first or _Converted(r, 0.0, legacy)
        conv = _Converted(r, text_kept(original_text, extract_pdf_text(dest).text), legacy)
        if conv.kept >= TEXT_KEPT:
            return conv
        first = first or conv
    assert first is not None
    # neither kept the text: report the first conversion (its output was overwritten: re-run it)
    ghostscript.convert_to_pdfa(src, dest, gs=gs, part=2, timeout=timeout)
    return first


@dataclass(frozen=True)
class _Candidate:
    ident: str
    dest: Path
    agent: str
    detail: dict[str, Any]
    kept: float


def _one(services: Services, code: str, doc: dict[str, Any], comp: dict[str, Any], tmp: Path,
         rep: ActionReport, events: list[Event]) -> _Candidate | None:
    """Convert one original; a copy that kept the text is a candidate for veraPDF."""
    s = services.settings
    ident = doc["ma_dinh_danh_van_ban"]
    src = fetch(services, code, comp, tmp / ident / "in")
    dest = tmp / ident / "out" / (src.stem + ".pdfa.pdf")
    conv = _convert(src, dest, extract_pdf_text(src).text, s.ghostscript, s.pdf_timeout_s)
    r = conv.result
    agent = f"Ghostscript {r.version or '?'}"
    if r.status is ghostscript.ConversionStatus.NOT_INSTALLED:
        raise ActionFailed(r.message)
    if not r.ok:
        rep.failed[ident] = f"{r.status.value}: {r.message[:300]}"
        events.append(Event(MIGRATION, ident, "failure", f"PDF/A-2b conversion failed: {r.message[:300]}",
                            {"source": comp["path"], "exit_code": r.exit_code}, agent=agent))
        return None
    detail = {"source": comp["path"], "text_kept": round(conv.kept, 4),
              "interpreter": "legacy (-dNEWPDF=false)" if conv.legacy else "default"}
    if conv.kept < TEXT_KEPT:
        rep.flagged[ident] = f"text lost: copy keeps {conv.kept:.0%} of the original's words"
        events.append(Event(MIGRATION, ident, "failure", "PDF/A-2b copy not stored: it lost text of the original",
                            detail, agent=agent))
        return None
    return _Candidate(ident, dest, agent, detail, conv.kept)


def _checked(services: Services, cands: list[_Candidate], rep: ActionReport, events: list[Event]) -> list[NewFile]:
    """veraPDF over every copy of the dossier in one run; conforming copies become files."""
    s = services.settings
    outcomes, installed = verapdf.outcomes_for([c.dest for c in cands], s.verapdf, timeout=s.pdf_timeout_s)
    files = []
    for c in cands:
        vera = outcomes.get(str(c.dest))
        if installed and vera is not None:
            ok = bool(vera.compliant)
            events.append(Event(VALIDATION, c.ident, "success" if ok else "failure",
                                f"veraPDF: the PDF/A-2b copy {'conforms' if ok else 'does not conform'}",
                                {"profile": vera.profile, "failed_rules": list(vera.failed_rules)[:20],
                                 "error": vera.error}, agent="veraPDF"))
            if not ok:
                rep.flagged[c.ident] = "veraPDF: the copy does not conform to PDF/A-2b"
                continue
        events.append(Event(MIGRATION, c.ident, "success", "PDF/A-2b preservation copy made",
                            {**c.detail, "verapdf": bool(installed and vera is not None)}, agent=c.agent))
        rep.done.append(c.ident)
        files.append(NewFile(c.ident, "preservation", f"data/objects/{c.ident}/preservation/{c.dest.name}",
                             c.dest.read_bytes(), c.dest.name, mime="application/pdf", format_name="PDF/A-2b",
                             puid="fmt/477", extra={"made_by": c.agent, "text_kept": round(c.kept, 4)}))
    return files


def migrate(services: Services, code: str) -> ActionReport:
    """Make the PDF/A-2b copies a dossier still needs, as one new revision."""
    rep = ActionReport(code, "pdfa")
    meta = head(services, code)
    targets = [(d, c) for d, c in originals(meta) if action_for(d, c) == "pdfa"]
    if not targets:
        return rep
    events: list[Event] = []
    work = services.settings.work_dir
    work.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="luutru-pdfa-", dir=work) as tmp:
        cands = [c for d, comp in targets if (c := _one(services, code, d, comp, Path(tmp), rep, events))]
        files = _checked(services, cands, rep, events) if cands else []
        if events:
            rep.revision = write_results(services, code, files, events, message="preservation action: PDF/A-2b")
    return rep
