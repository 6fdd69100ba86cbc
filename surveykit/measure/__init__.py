"""Measurement stage: survey weights and clustering (ICC); factor analysis, reliability and scoring
move here in the reorganisation."""
