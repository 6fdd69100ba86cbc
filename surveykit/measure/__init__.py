"""Stage 3, measurement: factor analysis, reliability, index scores, survey weights and clustering (ICC)."""
