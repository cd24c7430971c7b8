"""Domain errors that the web layer turns into clear messages and the API into 4xx."""


class DomainError(Exception):
    """A request that the domain refuses; `field` names what was wrong, if one thing was."""

    status = 400

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotAuthenticated(DomainError):
    status = 401


class PermissionDenied(DomainError):
    status = 403


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409
