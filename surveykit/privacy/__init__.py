"""Disclosure control: which groups and cells may be published."""
