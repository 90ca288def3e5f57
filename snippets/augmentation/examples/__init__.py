"""The Augmentation chapter's pages, one examples module each (driver code in page order)."""
