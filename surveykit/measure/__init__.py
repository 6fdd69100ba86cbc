"""Stage 3, measurement: exploratory and confirmatory factor analysis, measurement invariance, polychoric
correlations, reliability (alpha, omega), index scores, survey weights and clustering (ICC)."""
