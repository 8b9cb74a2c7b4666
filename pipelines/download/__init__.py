"""The download stage: the public's side of the portal — verified downloads and data packages.

Modules: `datasets` (one dataset's file, or every public dataset as a
Frictionless data package, from the anonymous API) and `transfer` (one
resumable, SHA-256-verified file transfer).
"""

from .datasets import (
    FORMATS,
    Downloaded,
    DownloadError,
    PackageResult,
    PublicPortal,
    available_formats,
    download_all,
    download_dataset,
)
from .transfer import ChecksumMismatch, ProgressHook, TransferError, TransferResult, fetch

__all__ = [
    "FORMATS",
    "ChecksumMismatch",
    "DownloadError",
    "Downloaded",
    "PackageResult",
    "ProgressHook",
    "PublicPortal",
    "TransferError",
    "TransferResult",
    "available_formats",
    "download_all",
    "download_dataset",
    "fetch",
]
