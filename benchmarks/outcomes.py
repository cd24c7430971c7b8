"""The synthetic partnership's outcome measures (issue 5): being written."""


def write(partnership, loaded, progress: bool) -> None:
    return None
