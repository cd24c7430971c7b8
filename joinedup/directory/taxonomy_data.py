"""The taxonomies joinedup ships: mental health and wellbeing needs, and the Five Ways
to Wellbeing as tags. Loaded by migration, so every installation shares the same terms
with the same ids (UUID 5 of the code), which keeps ORUK exchange between installations
stable."""

import json
import uuid
from pathlib import Path

DATA = Path(__file__).parent / "data" / "taxonomy.json"
NAMESPACE = uuid.UUID("6f1c1a34-8f3e-4b53-9a1e-5a0b4c1e2d70")


def term_uuid(taxonomy_slug: str, code: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{taxonomy_slug}/{code}")


def load(apps, schema_editor=None) -> None:
    Taxonomy = apps.get_model("directory", "Taxonomy")
    TaxonomyTerm = apps.get_model("directory", "TaxonomyTerm")
    for spec in json.loads(DATA.read_text())["taxonomies"]:
        taxonomy, _ = Taxonomy.objects.update_or_create(
            slug=spec["slug"],
            defaults={
                "public_id": uuid.uuid5(NAMESPACE, spec["slug"]),
                "name": spec["name"],
                "description": spec["description"],
                "version": spec["version"],
                "is_tag_set": spec["is_tag_set"],
            },
        )

        def add(terms, parent, taxonomy=taxonomy, slug=spec["slug"]):
            for term in terms:
                obj, _ = TaxonomyTerm.objects.update_or_create(
                    taxonomy=taxonomy,
                    code=term["code"],
                    defaults={
                        "public_id": term_uuid(slug, term["code"]),
                        "name": term["name"],
                        "description": term.get("description", ""),
                        "parent": parent,
                    },
                )
                add(term.get("children", []), obj)

        add(spec["terms"], None)
