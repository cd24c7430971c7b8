"""The synthetic partnership's activity: contacts and group sessions (issue 5): being written."""


def write(partnership, loaded, progress: bool) -> None:
    return None
