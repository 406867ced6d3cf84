"""The map step on Dask: partitions screened on workers, reduced once on this machine.

Dask (dask.distributed) rather than Spark: it is Python all the way down (no JVM to install),
runs the very functions the single-machine path runs, ships polars frames between processes as
they are, and starts a local cluster in a second. Only the map step is distributed: the reduce
step (signatures, durable-rules, caps) sees the candidates of all partitions in row order, so
caps are summed across partitions exactly, and the outputs are the same bytes as on one machine.
"""

from __future__ import annotations

from collections.abc import Callable

from ..screening import ScreeningList
from .pipeline import MapResult, Settings, map_partition
from .read import Partition


def map_on_dask(
    parts: list[Partition],
    settings: Settings,
    lists: list[ScreeningList],
    *,
    workers: int = 2,
    scheduler: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[MapResult]:
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:  # pragma: no cover - depends on the installation
        from ..errors import SanctionsEngineError

        raise SanctionsEngineError(
            "distributed screening needs Dask: pip install 'sanctionsengine[distributed]'"
        ) from None
    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=max(workers, 1), threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        futures = client.map(map_partition, parts, settings=settings, lists=lists, pure=False)
        results: list[MapResult] = []
        for n, future in enumerate(as_completed(futures), start=1):
            results.append(future.result())
            if progress:
                progress(n, len(parts))
        return sorted(results, key=lambda r: r.index)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
