"""The Stax SDK for Python, on a Rust core.

The API of Stax's official Python SDK (``staxapp``), name for name::

    from staxapp_rs.config import Config
    from staxapp_rs.openapi import StaxClient

    Config.access_key = "..."
    Config.secret_key = "..."
    accounts = StaxClient("accounts").ReadAccounts(filter="ACTIVE", include_tags=True)

Importing the package is cheap: the native module loads with the first client.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
