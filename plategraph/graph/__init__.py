"""The graph stage: trace records → the contract's ``networkx.DiGraph``, and pure graph → graph
views of it (loop families collapsed, plates nested, data nodes, hidden kinds left out)."""
