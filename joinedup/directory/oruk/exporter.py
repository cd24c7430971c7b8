"""Every service of the directory as one Open Referral UK file: a JSON array of full
services, the form `import-oruk` reads back (DESIGN.md §7).

Written service by service as it is read, a chunk of services at a time, so exporting
100,000 services holds a few hundred in memory, never the whole array.
"""

import json
from typing import Protocol

from joinedup.directory.oruk.selectors import services_in_export_order
from joinedup.directory.oruk.serialize import service_dict


class Writable(Protocol):
    def write(self, text: str, /) -> object: ...


def export_services(*, out: Writable, chunk_size: int = 500) -> int:
    """Write the array to `out`, one service a line; return how many services."""
    count = 0
    out.write("[")
    for chunk in services_in_export_order(chunk_size=chunk_size):
        for service in chunk:
            out.write(",\n" if count else "\n")
            out.write(json.dumps(service_dict(service), ensure_ascii=False))
            count += 1
    out.write("\n]\n" if count else "]\n")
    return count
