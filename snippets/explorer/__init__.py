"""The Shape explorer page's Python side: Dumoulin & Visin's numbered examples, and their table.

The explorer itself is JavaScript (docs/javascripts/explorer/conv-shapes.js); the code
that checks it against torch lives with the tests, in `tests/support/explorer/`.
"""
