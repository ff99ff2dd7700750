"""Writes for analytics: importing formal reports, linkage, the STOP pack files and the synthetic demo."""
