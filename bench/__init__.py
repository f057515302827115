"""The benchmark suite: real servers, real sockets, on loopback. Run it with `make bench` (see docs/performance.md)."""
