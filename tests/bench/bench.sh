#!/bin/sh
# bench.sh — `make bench`: speed and memory figures (see bench.py).
exec /usr/bin/python3 tests/bench/bench.py "$1"
