"""The Augmentation chapter's pages: one examples module each, in page order."""
