"""Demo transfers: realistic catalogues and documents for trying the service end to end."""

from luutru.demo.defects import Defect
from luutru.demo.generate import (
    DemoTransfers,
    bag_transfer,
    generate_demo,
    zip_transfer,
)

__all__ = ["DemoTransfers", "Defect", "bag_transfer", "generate_demo", "zip_transfer"]
