"""Measurement stage: weights, clustering (intra-class correlation) and, after the reorganisation, factor analysis, reliability and scoring."""
