"""05/2025 submission information packages (SIP_hoso) on E-ARK CSIP/SIP 2.0.4: METS, EAD 2002, PREMIS 3.0.

* :mod:`.model` — the typed description of a package (builder input, reader output);
* :mod:`.builder` — lays out, validates and zips a package;
* :mod:`.reader` — unpacks, verifies (METS checksums and sizes, schemas) and maps a package back;
* :mod:`.mets`, :mod:`.ead`, :mod:`.premis` — one writer/reader per metadata standard;
* :mod:`.mapping` — luutru catalogue fields ↔ 05/2025 elements and codes;
* :mod:`.xmlschemas` — the shipped schemas and validation.
"""
