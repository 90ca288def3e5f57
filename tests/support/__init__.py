"""Code that only the tests use: a headless Chromium driver, and the explorer's torch oracle."""
