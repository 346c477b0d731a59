"""The Dask engine: partitions -> shards -> merge equals a local run record for record.

Tests that need dask.distributed skip when it is not installed (CI installs
only the ``test`` extra); they share one ``LocalCluster`` of two processes.
"""

from __future__ import annotations

import sys

import pytest
from test_parallel import snapshot, write_abstracts, write_corpus
from typer.testing import CliRunner

from extractor import distributed as engine
from extractor.batch import run_batch
from extractor.cli import app
from extractor.distributed import DaskUnavailable, merge_shards, plan_partitions, run_dask
from extractor.reader import iter_files
from extractor.store import open_store

runner = CliRunner()


@pytest.fixture(scope="module")
def cluster():
    """A local Dask cluster of two single-threaded worker processes (skips without dask)."""
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=40) as local:
        yield local


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return write_corpus(tmp_path_factory.mktemp("dask") / "in", abstracts=12)


@pytest.fixture(scope="module")
def local(corpus):
    """The same corpus run locally: the reference."""
    store = open_store(None)
    summary = run_batch([corpus], store=store)
    yield summary, snapshot(store)
    store.close()


# ---------------------------------------------------------------- partitions (no dask needed)


def test_partitions_are_consecutive_and_bounded(tmp_path):
    files = [(p, p.name) for p in write_abstracts(tmp_path, 10)]
    partitions = plan_partitions(files, max_files=4)
    assert [len(p) for p in partitions] == [4, 4, 2]
    assert [name for part in partitions for _, name in part] == [name for _, name in files]
    assert all(path.startswith("/") for part in partitions for path, _ in part)


def test_a_big_input_is_a_partition_of_its_own(tmp_path):
    files = [(p, p.name) for p in write_abstracts(tmp_path, 5)]
    size = files[0][0].stat().st_size
    partitions = plan_partitions(files, max_files=100, max_bytes=2 * size + 1)
    assert [len(p) for p in partitions] == [2, 2, 1]
    assert [len(p) for p in plan_partitions(files, max_files=100, max_bytes=1)] == [1] * 5


# ---------------------------------------------------------------- without dask


def test_without_dask_the_engine_says_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "dask.distributed", None)  # import fails as when it is not installed
    with pytest.raises(DaskUnavailable, match=r"pip install 'extractor\[dask\]'"):
        run_dask([tmp_path], store=open_store(None))
    result = runner.invoke(app, ["run", str(tmp_path), "--db", str(tmp_path / "x.db"), "--engine", "dask"])
    assert result.exit_code == 1
    assert "Error: the Dask engine needs dask.distributed" in result.output


@pytest.mark.parametrize("option", [["--scheduler", "tcp://127.0.0.1:1"], ["--shards", "shards"]])
def test_dask_options_need_the_dask_engine(tmp_path, option):
    result = runner.invoke(app, ["run", str(tmp_path), "--db", str(tmp_path / "x.db"), *option])
    assert result.exit_code == 2
    assert f"Invalid value for {option[0]}: only with --engine dask" in result.output


# ---------------------------------------------------------------- on a LocalCluster


def test_a_dask_run_equals_the_local_run_record_for_record(cluster, corpus, local, tmp_path):
    local_summary, expected = local
    store = open_store(tmp_path / "dask.db")
    summary = run_dask([corpus], store=store, scheduler=cluster.scheduler_address, partition_files=4)
    assert snapshot(store) == expected
    assert (summary.documents_read, summary.stored, summary.failed) == (
        local_summary.documents_read, local_summary.stored, local_summary.failed) == (17, 17, 2)
    assert not (tmp_path / "dask.db.shards").exists()  # merged shards are deleted
    again = run_dask([corpus], store=store, scheduler=cluster.scheduler_address)
    assert (again.skipped_files, again.skipped, again.documents_read) == (15, 17, 0)


def test_kept_shards_merge_elsewhere_to_the_same(cluster, corpus, local, tmp_path):
    _, expected = local
    shard_dir = tmp_path / "shards"
    run_dask([corpus], store=open_store(None), scheduler=cluster.scheduler_address, shard_dir=shard_dir,
             partition_files=5, keep_shards=True)
    shards = sorted(shard_dir.glob("shard-*.db"))
    assert len(shards) == 3
    store = open_store(tmp_path / "merged.db")
    merge_shards(shards, store=store)
    assert snapshot(store) == expected


def test_the_run_command_on_a_dask_scheduler(cluster, corpus, local, tmp_path):
    _, expected = local
    db = tmp_path / "cli.db"
    result = runner.invoke(app, ["run", str(corpus), "--db", str(db), "--engine", "dask",
                                 "--scheduler", cluster.scheduler_address])
    assert result.exit_code == 0, result.output
    assert "stored               17" in result.output
    assert "FAILED empty.txt: the file is empty" in result.output
    assert snapshot(open_store(db)) == expected


def test_an_unreachable_scheduler_is_an_error(monkeypatch, tmp_path, corpus):
    pytest.importorskip("dask.distributed")
    monkeypatch.setattr(engine, "SCHEDULER_TIMEOUT", "1s")
    with pytest.raises(DaskUnavailable, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        run_dask([corpus], store=open_store(None), scheduler="tcp://127.0.0.1:9")


def test_partitions_cover_the_listed_files(corpus):
    files = list(iter_files([corpus]))
    partitions = plan_partitions(files, max_files=4)
    assert sum(len(p) for p in partitions) == len(files) == 15
