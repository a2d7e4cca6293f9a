"""Figures for community staff: statistics, periods, the ledger export and charts."""
