"""The driver code of the U-Net chapter's pages: one module a page, in page order."""
