from tests.governance.governance_support import ig_lead, other_ig_lead  # noqa: F401
