"""The download stage: the public's side of the portal — verified downloads and data packages.

Modules: `portal` (the anonymous CKAN API through ckanapi), `datasets` (one
dataset's file, verified), `package` (every public dataset as a Frictionless
data package) and `transfer` (one resumable, SHA-256-verified file transfer).
"""

from .datasets import FORMATS, Downloaded, available_formats, download_dataset
from .package import PackageResult, download_all
from .portal import DownloadError, PublicPortal
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
