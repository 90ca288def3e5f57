"""The shape explorer's Python side: a torch oracle and config generators for its tests.

The explorer itself is JavaScript (docs/javascripts/explorer/conv-shapes.js). These
modules exist to check it: `oracle` asks torch what a configuration does, `configs`
draws random configurations, `node` runs the JS module under Node on many at once,
and `relationships` holds the numbered examples of Dumoulin & Visin (2016).
"""
