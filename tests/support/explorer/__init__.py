"""Checks of the shape explorer's JavaScript against torch.

The explorer itself is JavaScript (docs/javascripts/explorer/conv-shapes.js). These
modules exist to check it: `oracle` asks torch what a configuration does, `configs`
draws random configurations, and `node` runs the JS module under Node on many at once.
The numbered examples of Dumoulin & Visin (2016) live with the page, in
`snippets/explorer/relationships.py`.
"""
