"""The pipeline: composes the stages into one run and writes its outputs."""
