"""The tracing stage: run a NumPyro model and record its sites, plates and dependencies."""

from __future__ import annotations

from .records import Edge, Plate, Site, TraceRecord
from .trace import trace_model

__all__ = ["Edge", "Plate", "Site", "TraceRecord", "trace_model"]
