"""Preservation actions: work on a stored AIP after acceptance, run as jobs by workers.

Each action kind is a job kind (``pdfa``: PDF/A-2b migration with Ghostscript checked by
veraPDF; ``ocr``: Vietnamese OCR of scans with OCRmyPDF/Tesseract).  An action reads
the originals from storage, writes its results as a new AIP revision with a PREMIS
event per file (agent = tool and version, outcome), then the catalog and the index are
rebuilt from the stored AIP.  Ingest only queues them (:mod:`.plan`); a new kind is a
module here plus one line in :data:`luutru.jobs.registry.KINDS`.
"""
