"""The test PKI lives in the package (the demo signs its PDFs with it); re-exported here."""

from luutru.demo.pki import *  # noqa: F401,F403
from luutru.demo.pki import TestPki, TestSigner  # noqa: F401
