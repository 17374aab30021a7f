"""Building through a Dask cluster (--scheduler) gives the same archive as building locally."""

from __future__ import annotations

import pytest

from newsarchive.build import build

from .test_build import snapshot

distributed = pytest.importorskip("distributed")


def test_build_through_a_dask_cluster_matches_a_local_build(seed_copy, tmp_path):
    dask_db, local_db = tmp_path / "dask.db", tmp_path / "local.db"
    # Two worker processes, everything on 127.0.0.1 with ports the OS picks. dashboard_address=None turns
    # the dashboard off, but the scheduler still serves /health and /metrics over HTTP: without the
    # override it would take 127.0.0.1:8787 (another port if that one is busy); here it takes a free one.
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                 dashboard_address=None,
                                 scheduler_kwargs={"dashboard_address": "127.0.0.1:0"}) as cluster,
        distributed.Client(cluster) as client,
    ):
        workers = set(client.scheduler_info()["workers"])
        assert len(workers) == 2
        # The worker processes import the analysis (and load the model) only when given work.
        loaded = lambda: "newsarchive.analysis" in __import__("sys").modules  # noqa: E731
        assert client.run(loaded) == dict.fromkeys(workers, False)

        with distributed.get_task_stream(client) as tasks:
            report = build([seed_copy], dask_db, scheduler=cluster.scheduler_address, rebuild=True)

        assert report.articles == 5 and report.analysed == 5 and not report.skipped
        ran = [task for task in tasks.data if str(task["key"]).startswith("analyse_batch")]
        assert ran and all(task["status"] == "OK" for task in ran)
        used = {task["worker"] for task in ran}
        assert used <= workers
        # 5 articles are a single batch, so one worker does it all; more articles would spread over both.
        assert {worker for worker, yes in client.run(loaded).items() if yes} == used

    local = build([seed_copy], local_db, workers=1, rebuild=True)
    assert local.articles == 5 and not local.skipped
    # Every table, _build_info included: its fingerprints depend on the inputs, code, data and model,
    # never on where the model ran.
    assert snapshot(dask_db) == snapshot(local_db)
