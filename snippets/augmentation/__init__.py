"""The Augmentation page: joint image and mask transforms that stay aligned, a checked table, an ablation."""
