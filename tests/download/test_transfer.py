"""Resumable, verified transfers against real HTTP servers with and without Range."""

from __future__ import annotations

import hashlib
import os

import pytest

from pipelines.download.transfer import ChecksumMismatch, TransferError, fetch as transfer
from pipelines.net import NetPolicy, guarded_session
from tests.download.range_server import FileServer


def fetch(url, dest, sha, **kwargs):
    """A transfer whose session trusts the loopback server of the URL (as PublicPortal trusts the portal)."""
    return transfer(url, dest, sha, session=guarded_session(NetPolicy.trusting(url)), **kwargs)

BODY = os.urandom(700_000)
SHA = hashlib.sha256(BODY).hexdigest()


def test_fresh_download_is_verified(tmp_path):
    with FileServer({"/f.csv": BODY}) as srv:
        seen = []
        got = fetch(f"{srv.url}/f.csv", tmp_path / "f.csv", SHA, progress=lambda n, t: seen.append((n, t)))
    assert (tmp_path / "f.csv").read_bytes() == BODY
    assert got.sha256 == SHA and got.resumed_from == 0 and not got.restarted
    assert sum(n for n, _ in seen) == len(BODY) and seen[-1][1] == len(BODY)
    assert not (tmp_path / "f.csv.part").exists()


def test_partial_download_resumes_with_range(tmp_path):
    (tmp_path / "f.csv.part").write_bytes(BODY[:300_000])
    with FileServer({"/f.csv": BODY}, honour_range=True) as srv:
        got = fetch(f"{srv.url}/f.csv", tmp_path / "f.csv", SHA)
    assert srv.requests[-1]["range"] == "bytes=300000-"
    assert got.resumed_from == 300_000 and not got.restarted
    assert (tmp_path / "f.csv").read_bytes() == BODY


def test_server_ignoring_range_restarts_cleanly(tmp_path):
    (tmp_path / "f.csv.part").write_bytes(b"stale bytes from an older version")
    with FileServer({"/f.csv": BODY}, honour_range=False) as srv:
        got = fetch(f"{srv.url}/f.csv", tmp_path / "f.csv", SHA)
    assert srv.requests[-1]["range"] is not None
    assert got.restarted and got.resumed_from == 0
    assert (tmp_path / "f.csv").read_bytes() == BODY


def test_complete_partial_file_answered_416_is_accepted_by_hash(tmp_path):
    (tmp_path / "f.csv.part").write_bytes(BODY)
    with FileServer({"/f.csv": BODY}) as srv:
        got = fetch(f"{srv.url}/f.csv", tmp_path / "f.csv", SHA)
    assert got.resumed_from == len(BODY) and got.sha256 == SHA


def test_interrupted_download_keeps_part_and_resumes(tmp_path):
    with FileServer({"/f.csv": BODY}, cut_after=200_000) as srv:
        with pytest.raises(TransferError, match="rerun the same command to resume"):
            fetch(f"{srv.url}/f.csv", tmp_path / "f.csv", SHA)
    kept = (tmp_path / "f.csv.part").stat().st_size
    assert 100_000 < kept <= 200_000  # whole chunks received before the cut
    with FileServer({"/f.csv": BODY}) as srv:
        got = fetch(f"{srv.url}/f.csv", tmp_path / "f.csv", SHA)
    assert srv.requests[-1]["range"] == f"bytes={kept}-"
    assert got.resumed_from == kept and (tmp_path / "f.csv").read_bytes() == BODY


def test_checksum_mismatch_is_reported_and_file_kept(tmp_path):
    wrong = hashlib.sha256(b"something else").hexdigest()
    with FileServer({"/f.csv": BODY}) as srv:
        with pytest.raises(ChecksumMismatch) as info:
            fetch(f"{srv.url}/f.csv", tmp_path / "f.csv", wrong)
    message = str(info.value)
    assert SHA in message and wrong in message and "f.csv.sha256-mismatch" in message
    assert not (tmp_path / "f.csv").exists()
    assert (tmp_path / "f.csv.sha256-mismatch").read_bytes() == BODY


def test_missing_file_and_unreachable_server_are_clear(tmp_path):
    with FileServer({}) as srv:
        with pytest.raises(TransferError, match="answered HTTP 404"):
            fetch(f"{srv.url}/nope.csv", tmp_path / "n.csv", SHA)
    with pytest.raises(TransferError, match="cannot fetch http://127.0.0.1:1/x"):
        fetch("http://127.0.0.1:1/x", tmp_path / "x.csv", SHA)
    with pytest.raises(TransferError, match="refused to fetch http://127.0.0.1:1/x: 127.0.0.1 resolves to 127.0.0.1"):
        transfer("http://127.0.0.1:1/x", tmp_path / "x.csv", SHA)  # without a session: public addresses only
