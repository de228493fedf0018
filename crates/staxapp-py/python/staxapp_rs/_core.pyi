"""Type stubs of the native module ``staxapp_rs._core`` (used through ``staxapp_rs.openapi``)."""

from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional

__version__: str
USER_AGENT: str

def task_id_of(response: Any) -> Optional[str]:
    """The task id a change's answer names (``TaskId``, ``Detail.TaskId`` or
    ``Detail.Message.TaskId``), or ``None``."""
    ...

class Client:
    """A Stax client with frozen settings (``Config._settings()``) and a session of its own."""

    def __init__(self, settings: Mapping[str, Any], reload: bool = False) -> None: ...
    @property
    def base_url(self) -> str: ...
    def load(self, service: str) -> None: ...
    def services(self) -> List[str]: ...
    def operations(self, service: str) -> List[str]: ...
    def add_interceptor(
        self,
        before_signing: Optional[Callable[[Dict[str, Any]], Any]] = None,
        after_attempt: Optional[Callable[[Dict[str, Any]], Any]] = None,
        after_call: Optional[Callable[[Dict[str, Any]], Any]] = None,
    ) -> None: ...
    def call(
        self, service: str, operation: str, arguments: Optional[Dict[str, Any]] = None
    ) -> Any: ...
    def wait_for_task(
        self,
        task_id: str,
        timeout: float,
        interval: float,
        max_interval: float,
        on_progress: Optional[Callable[[Dict[str, Any]], Any]] = None,
    ) -> Dict[str, Any]: ...
    def pages(
        self,
        service: str,
        operation: str,
        page_size: int,
        arguments: Optional[Dict[str, Any]] = None,
        max_items: Optional[int] = None,
        starting_token: Optional[str] = None,
    ) -> Pages: ...
    def items(
        self,
        service: str,
        operation: str,
        page_size: int,
        list_key: Optional[str] = None,
        arguments: Optional[Dict[str, Any]] = None,
        max_items: Optional[int] = None,
        starting_token: Optional[str] = None,
    ) -> Pages: ...

class Pages(Iterator[Any]):
    """Pages or items of a list operation, fetched as they are iterated."""

    def __iter__(self) -> Pages: ...
    def __next__(self) -> Any: ...
    @property
    def next_token(self) -> Optional[str]: ...
