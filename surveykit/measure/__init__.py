"""Measurement: confirmatory factor analysis, measurement invariance, polychoric correlations, omega."""
