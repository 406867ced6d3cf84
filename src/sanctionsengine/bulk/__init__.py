"""Bulk screening of trade records (CSV, JSON lines, Parquet): many rows, one verdict each.

The path is: map the user's columns to the flat event fields (:mod:`.mapping`), read the file in
partitions (:mod:`.read`), validate every row column by column and set aside the rows that cannot
be read, with their line (:mod:`.rows`), keep only rows that could have a DPRK nexus, group those
by everything the rules can see (:mod:`.signature`), match one event per group on durable-rules and
sum the caps row by row (:mod:`.pipeline`), and write findings, verdicts and a summary
(:mod:`.output`). The same partition functions run on Dask workers (:mod:`.distributed`).
"""
