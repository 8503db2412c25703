"""The export stage: a ``Layout`` → SVG, PDF, PNG and TikZ. Each exporter draws from the layout
alone and escapes for its own format; none imports another or the tracer."""
