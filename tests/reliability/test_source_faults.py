"""Faults on the collecting side, against the real portal and the real fixture HTTP server.

- a source answering 500 for N attempts, then recovering: within the HTTP
  layer's attempts the run publishes the good version; beyond them the dataset
  is a recorded source error, the last good version stays, and the next run
  publishes;
- a download cut off half-way (Content-Length announced, connection closed
  early): never taken for the whole file;
- the work directory on a full disk (a real tmpfs): a clear `disk` error and
  nothing published half-way, for a dataset that was never published and for
  one whose last good version must stay.
"""

from __future__ import annotations

import pytest

from tests.plugins.fixture_server import Reply

from .project import csv_version

pytestmark = [pytest.mark.reliability, pytest.mark.ckan]


def test_source_500_for_n_attempts_then_recovering(project, fixture_server, unique_name, scenario):
    tok = unique_name.token
    path = f"/rel/{tok}/flaky.csv"
    ds = project.add_http(unique_name("flaky"), fixture_server.url(path))
    fixture_server.set(path, csv_version(1), content_type="text/csv")
    assert project.run()[ds.id].status == "published"

    # N=3 failures < 4 attempts: the same run recovers and publishes version 2.
    fixture_server.script(path, [Reply(500, "boom")] * 3 + [Reply(200, csv_version(2), content_type="text/csv")])
    fixture_server.reset_counts()
    out = project.run()[ds.id]
    assert out.status == "published", out.message
    assert fixture_server.count(path) == 4

    # N=10 failures > 4 attempts: a recorded source error, version 2 stays online.
    fixture_server.script(path, [Reply(500, "boom")] * 10 + [Reply(200, csv_version(3), content_type="text/csv")])
    fixture_server.reset_counts()
    out = project.run()[ds.id]
    scenario.text("outcome", out)
    assert out.status == "source_error"
    assert "HTTP 500" in out.message and "gave up after 4 attempts" in out.message and "last good version kept" in out.message
    pkg = project.client().call("package_show", {"id": ds.id})
    extras = {e["key"]: e["value"] for e in pkg["extras"]}
    assert extras["kalmar_last_status"] == "source_error"
    scenario.check_now(ds.id, csv_version(2), rows=3)  # while the source still fails: version 2 in CKAN

    # The source recovered (the script's last reply repeats): the next run publishes version 3.
    fixture_server.script(path, [Reply(200, csv_version(3), content_type="text/csv")])
    out = project.run()[ds.id]
    assert out.status == "published", out.message
    scenario.expect(ds.id, csv_version(3), rows=3)


def test_download_cut_off_half_way(project, fixture_server, unique_name, scenario):
    tok = unique_name.token
    path = f"/rel/{tok}/cut.csv"
    v1, v2 = csv_version(1, rows=12), csv_version(2, rows=12)
    ds = project.add_http(unique_name("cut"), fixture_server.url(path))
    fixture_server.set(path, v1, content_type="text/csv")
    assert project.run()[ds.id].status == "published"

    half = len(v2.encode()) // 2
    # Always cut: every attempt is refused as truncated, the last good version stays.
    fixture_server.script(path, [Reply(200, v2, content_type="text/csv", truncate_to=half)])
    out = project.run()[ds.id]
    scenario.text("outcome", out)
    assert out.status == "source_error", out.message
    assert "truncated body" in out.message and "last good version kept" in out.message
    assert not list((project.settings.work_dir).rglob("*.part")), "a partial download was left behind"
    scenario.check_now(ds.id, v1, rows=12)  # while every download is cut: version 1 in CKAN

    # Cut once, then whole: the retry gets the full file, never half of it.
    fixture_server.script(path, [Reply(200, v2, content_type="text/csv", truncate_to=half),
                                 Reply(200, v2, content_type="text/csv")])
    fixture_server.reset_counts()
    out = project.run()[ds.id]
    assert out.status == "published" and out.rows == 12, out.message
    assert fixture_server.count(path) == 2
    scenario.expect(ds.id, v2, rows=12)


def _big_csv(version: int, rows: int) -> str:
    lines = ["kommunkod,kommun,antal"] + [f"{1000 + i:04d},Kommun {'x' * 40} {i},{version}" for i in range(rows)]
    return "\n".join(lines) + "\n"


def test_full_disk_new_and_existing_datasets(project, small_disk, unique_name, scenario):
    old = project.add_file(unique_name("disk-old"), csv_version(1))
    assert project.run()[old.id].status == "published"

    big = _big_csv(2, 4000)  # ~230 kB canonical CSV; the disk holds 64 kB
    new = project.add_file(unique_name("disk-new"), big)
    project.write_file(old.id, big)
    full = project.with_settings(state_dir=small_disk(64 * 1024))
    outcomes = project.run(settings=full)
    for ds in (old, new):
        out = outcomes[ds.id]
        scenario.text("outcome", out)
        assert out.status == "source_error", out.message
        assert "disk" in out.message and "No space left on device" in out.message, out.message
    assert "last good version kept" in outcomes[old.id].message
    assert "never published" in outcomes[new.id].message
    scenario.check_now(old.id, csv_version(1), rows=3)  # the disk is still full: version 1 in CKAN
    leftovers = [p.name for p in full.work_dir.rglob("*") if p.is_file()]
    assert not any(name.endswith(".csv") and not name.startswith(".") for name in leftovers), leftovers
    scenario.expect(old.id, csv_version(1), rows=3)
    scenario.expect_unpublished(new.id)


def _published_then_room_for_the_csv_only(project, small_disk, dataset_id: str):
    """A published dataset whose new ~40 kB CSV fits on a tmpfs that then has no room for its report."""
    ds = project.add_file(dataset_id, csv_version(1))
    assert project.run()[ds.id].status == "published"
    data = _big_csv(5, 700)
    project.write_file(ds.id, data)
    disk = small_disk(48 * 1024)
    # Leave exactly the CSV's pages free (tmpfs counts 4 kB pages): the CSV fits, the report cannot.
    pages = -(-len(data.encode()) // 4096)
    (disk / "filler").write_bytes(b"\0" * (48 * 1024 - pages * 4096))
    return ds, disk


def _flow_run(project, settings, run_id: str):
    """A RunContext for the flow's dataset tasks, as the nightly flow opens one (fresh client, no cache)."""
    from pipelines.ckan.client import CountingCKAN
    from pipelines.ckan.publisher import Publisher
    from pipelines.run import RunContext

    client = CountingCKAN(settings.ckan_url, settings.ckan_api_token.reveal())
    return RunContext(settings, project.catalog, client, Publisher(client, project.catalog, settings), run_id)


def _assert_disk_error_and_last_good_kept(outcome, ds, scenario):
    scenario.text("outcome", outcome)
    assert outcome.status == "source_error", outcome.message
    assert "disk" in outcome.message and "No space left on device" in outcome.message
    scenario.expect(ds.id, csv_version(1), rows=3)


def test_full_disk_after_the_data_fits_but_the_report_does_not(project, small_disk, unique_name, scenario):
    """The canonical CSV fits and validation runs, but writing the validation report hits the full disk."""
    ds, disk = _published_then_room_for_the_csv_only(project, small_disk, unique_name("disk-report"))
    outcome = project.run(settings=project.with_settings(state_dir=disk))[ds.id]
    _assert_disk_error_and_last_good_kept(outcome, ds, scenario)


def test_full_disk_during_validation_in_the_prefect_tasks_is_a_disk_error(
    project, small_disk, unique_name, scenario, reliability_prefect
):
    """The same full disk as above, through the nightly flow's dataset task (Prefect tasks, real harness):
    the data was never judged, so it is a disk error, not "invalid"."""
    from pipelines.run import run_datasets

    ds, disk = _published_then_room_for_the_csv_only(project, small_disk, unique_name("disk-flow"))
    run = _flow_run(project, project.with_settings(state_dir=disk), "flow-disk")
    [outcome] = run_datasets(run, [ds], collect_retries=0, retry_delay_seconds=0)
    _assert_disk_error_and_last_good_kept(outcome, ds, scenario)


@pytest.mark.parametrize("runner", ["tasks", "batch"])
def test_a_dataset_past_its_timeout_is_recorded_and_the_others_still_publish(
    project, fixture_server, unique_name, scenario, reliability_prefect, runner
):
    """OPPNADATA_DATASET_TIMEOUT through the Prefect dataset task (a night in one process) and through a
    worker's batch (plain calls under Prefect's timeout scope): a source that answers slower than the
    dataset's time budget (but within the HTTP read timeout) ends as a recorded failure naming the stage,
    and a healthy dataset in the same run is published."""
    from pipelines.run import run_datasets
    from pipelines.run.batch import run_batch
    from tests.plugins.fixture_server import Reply

    slow_path = f"/rel/{unique_name.token}/slow.csv"
    fixture_server.script(slow_path, [Reply(body=csv_version(1), content_type="text/csv", delay=9.0)])
    slow = project.add_http(unique_name("slow"), fixture_server.url(slow_path))
    fine = project.add_file(unique_name("fine"), csv_version(1))
    settings = project.with_settings(dataset_timeout_seconds=6, concurrency=2)
    run = _flow_run(project, settings, "timeout")
    run.publisher.sync_organizations()  # what the nightly flow does before its datasets
    run_them = run_datasets if runner == "tasks" else run_batch
    outcomes = {o.dataset_id: o for o in run_them(run, [slow, fine], collect_retries=0, retry_delay_seconds=0)}
    scenario.text("outcome", outcomes[slow.id])
    assert outcomes[slow.id].status == "source_error", outcomes[slow.id].message
    assert "timed out after 6 s during collect" in outcomes[slow.id].message
    assert outcomes[fine.id].status == "published", outcomes[fine.id].message
    scenario.expect(fine.id, csv_version(1), rows=3)
    scenario.expect_unpublished(slow.id)
