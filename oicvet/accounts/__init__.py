"""Accounts: one account per person, with roles; login, logout, passwords."""
