"""Stage 3, measurement: factor analysis, reliability and index scores."""
