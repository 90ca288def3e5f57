"""The Augmentation chapter: joint image and mask transforms that stay
aligned, a checked table, the pitfalls, DataLoader workers, an ablation."""
