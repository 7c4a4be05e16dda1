"""Property checks and input generators shared by tests/test_properties.py (bounded, in
``make test``) and tests/fuzz/run.py (``make fuzz``, long runs)."""
