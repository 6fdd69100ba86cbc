"""Synthetic respondents calibrated to a questionnaire's published tables (a tool beside the flow)."""
