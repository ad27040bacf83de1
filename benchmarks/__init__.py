"""Benchmarks, run by hand as scripts (see README). Not collected by pytest."""
