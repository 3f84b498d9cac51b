"""Run eark-validator on one package, offline, and print its report as JSON.

Runs inside the eark-validator environment (``tests/eark.py`` starts it), not inside luutru's:
eark-validator 1.1.3 pins lxml 5.1.0 and importlib-resources 5.12.0, which luutru's
pyHanko (lxml >= 5.4) cannot share.

eark-validator downloads four CSIP vocabularies from earkcsip.dilcis.eu with ``urlopen`` when
it is imported; the machines that run the tests have no general internet.  So, before the
import, ``urllib.request.urlopen`` is replaced by a function that serves those four addresses
from the copies kept in ``tests/data/eark_vocabularies/`` (from the DILCIS Board's
E-ARK-CSIP repository, ``schema/``), and refuses any other address.  Nothing else is patched:
the schema and Schematron checks are the validator's own.

Usage: python eark_runner.py VOCAB_DIR PACKAGE [VERSION]
"""

import io
import sys
import urllib.request
from pathlib import Path

VOCAB_DIR = Path(sys.argv[1])
_real_urlopen = urllib.request.urlopen


def _local_urlopen(url, *args, **kwargs):
    name = str(url).rsplit("/", 1)[-1]
    if str(url).startswith("https://earkcsip.dilcis.eu/schema/") and (VOCAB_DIR / name).is_file():
        return io.BytesIO((VOCAB_DIR / name).read_bytes())
    raise OSError(f"offline test run: refusing to fetch {url}")


urllib.request.urlopen = _local_urlopen

import eark_validator.ipxml.schematron

eark_validator.ipxml.schematron.urlopen = _local_urlopen
from eark_validator import packages
from eark_validator.specifications.specification import SpecificationVersion

version = SpecificationVersion(sys.argv[3]) if len(sys.argv) > 3 else SpecificationVersion.V2_0_4
report = packages.PackageValidator(Path(sys.argv[2]), version).validation_report
print(report.model_dump_json())
