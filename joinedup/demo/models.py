"""The marker that says what `joinedup demo` loaded, so it never mistakes real data for its own."""

from django.db import models


class DemoDataset(models.Model):
    """Written in the same transaction as the synthetic partnership it describes.

    `counts` holds the rows of each kind of content the demo loaded (organisations,
    services, user accounts …). While the database holds exactly those counts it holds
    only the demo; once someone adds an organisation or an account, it may hold real
    data, and `joinedup demo` refuses it as it refuses a database with no marker.
    """

    size = models.CharField(max_length=20)
    seed = models.BigIntegerField()
    counts = models.JSONField()
    # The generator's stages that wrote it, with their versions ({"people": 1, …}), so
    # `joinedup bench` can tell a database built before a stage was added or changed.
    stages = models.JSONField(default=dict)
    build_seconds = models.FloatField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        get_latest_by = "created_at"

    def __str__(self) -> str:
        return f"{self.size} partnership, seed {self.seed}"

    @property
    def services(self) -> int:
        return self.counts.get("services", 0)

    @property
    def organisations(self) -> int:
        return self.counts.get("organisations", 0)
