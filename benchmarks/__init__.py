"""Side-by-side benchmarks of asyncfactories and its peers (``python benchmarks/run.py --help``).

Not part of the package and not run by the test suite: timings depend on the machine.
"""
