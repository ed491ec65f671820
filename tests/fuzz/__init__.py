"""A fuzzer of programs: random small functions, each differentiated and checked (see docs/testing.md)."""
