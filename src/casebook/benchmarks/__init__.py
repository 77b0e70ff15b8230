"""Benchmarks and the real-process harness: start servers and backends, drive them with wrk, report."""
