"""Tested modules behind every code block, table and figure on the site."""
