"""The synthetic partnership's joint referral meetings (issue 5): being written."""


def write(partnership, loaded, progress: bool) -> None:
    return None
