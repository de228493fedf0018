"""The exceptions of ``staxapp.exceptions``, and a few for what staxapp leaves to ``requests``.

``ApiException``, ``ValidationException`` and ``InvalidCredentialsException`` take the same
arguments and build the same messages as staxapp's. Network failures, which staxapp lets
through as ``requests`` exceptions, are ``TransportException`` (a ``ConnectionError``, as
``requests.ConnectionError`` is an ``OSError``).
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at run time: it costs a cold start milliseconds
    from typing import Any, List, Optional


class ApiException(Exception):
    """Stax answered with an error status.

    ``status_code`` is the HTTP status, ``response`` the decoded JSON body (or the raw text when
    it was not JSON) and ``message`` (also ``str()``) ``Api Exception: <status> - <Error>``.
    ``response`` may also be given as a ``requests``-like response object, as staxapp takes it.
    ``request_id`` is the server's id of the request (``x-amzn-RequestId``) when the answer
    carried one: quote it to Stax support.
    """

    status_code: Optional[int]
    response: Any
    message: str
    request_id: Optional[str] = None

    def __init__(self, message: str, response: Any = None, detail: str = "") -> None:
        super().__init__(message)
        if hasattr(response, "status_code"):
            self.status_code = response.status_code
            try:
                body = response.json()
            except Exception:
                body = getattr(response, "content", None)
        else:
            self.status_code = None
            body = response
        self.response = body
        if isinstance(body, dict) and body.get("Error"):
            self.message = f"Api Exception: {self.status_code} -{detail} {body['Error']}"
        else:
            self.message = f"Api Exception:{detail} {message}"

    def __str__(self) -> str:
        return self.message


def _api_exception(
    status_code: Optional[int], body: Any, message: str, request_id: Optional[str] = None
) -> ApiException:
    """Built by the native module: staxapp's message when the body has ``Error``, else the
    SDK's, which keeps the server's own words."""
    error = ApiException.__new__(ApiException)
    Exception.__init__(error, message)
    error.status_code = status_code
    error.response = body
    error.request_id = request_id
    if isinstance(body, dict) and body.get("Error"):
        error.message = f"Api Exception: {status_code} - {body['Error']}"
    else:
        error.message = message
    return error


class ValidationException(Exception):
    """A call refused before anything was sent: unknown class or operation, missing path
    parameters, a body the document rejects, an argument that cannot be sent."""

    message: str

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidCredentialsException(Exception):
    """Signing in with the API token failed; the message says what to check."""

    message: str

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        prefix = "InvalidCredentialsException: "
        if detail:
            prefix = f"{prefix}{detail} - "
        self.message = f"{prefix}{message}"

    def __str__(self) -> str:
        return self.message


class ConfigException(ValueError):
    """The configuration cannot be used (a CA bundle that does not exist, a retry setting out
    of range, an endpoint that is not a URL)."""


class SchemaException(Exception):
    """The installation's OpenAPI document could not be loaded or understood."""


class TransportException(ConnectionError):
    """A request could not be sent, or its answer could not be read, after the retries."""


class TaskFailedException(Exception):
    """A task waited for ended ``FAILED``. ``task`` is the last ``ReadTask`` answer."""

    task_id: str
    logs: List[str]
    task: Any

    def __init__(self, task_id: str, logs: List[str], task: Any) -> None:
        shown = f": {'; '.join(logs)}" if logs else ""
        super().__init__(f"task {task_id} FAILED{shown}")
        self.task_id = task_id
        self.logs = logs
        self.task = task


class TaskTimeoutException(TimeoutError):
    """A task waited for did not end in time."""

    task_id: str
    status: str
    waited: float

    def __init__(self, task_id: str, status: str, waited: float) -> None:
        super().__init__(
            f"task {task_id} still {status} after {waited:.1f} s; "
            "raise the timeout or check the task in Stax"
        )
        self.task_id = task_id
        self.status = status
        self.waited = waited


__all__ = [
    "ApiException",
    "ValidationException",
    "InvalidCredentialsException",
    "ConfigException",
    "SchemaException",
    "TransportException",
    "TaskFailedException",
    "TaskTimeoutException",
]
