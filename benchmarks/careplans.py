"""The synthetic partnership's care plans (issue 5): being written."""


def write(partnership, loaded, progress: bool) -> None:
    return None
