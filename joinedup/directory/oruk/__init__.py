"""Open Referral UK (HSDS 3.0 UK profile): publishing, importing and exporting the directory.

- `serialize`: joinedup's models as ORUK objects (what `/api/oruk/` and `export-oruk` send).
- `selectors`: the reads behind `/api/oruk/`.
- `reader`, `records`: an ORUK file streamed record by record and checked, without writing.
- `importer`: the one write module: `oruk_import` upserts a checked file in bulk, with
  `bulk` (rows compared with the database, only changed ones written).
- `exporter`: every service as one streamed JSON array.
- `vocabulary`: the attributes and identifiers joinedup adds, with ids that never change.

The standard's schemas are copied into `schema/` (with their licence) so that validating
a file never reaches outside this package. `docs/oruk.md` describes the mapping.
"""
