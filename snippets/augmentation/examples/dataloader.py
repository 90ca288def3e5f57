"""Dataset and DataLoader: the blocks of docs/augmentation/dataloader.md."""

from snippets.augmentation.dataset import (
    SegmentationDataset,
    draw_labels,
    first_epoch,
    make_scene,
    paint,
)
from snippets.augmentation.pitfalls import KeepsItsGenerator
from snippets.augmentation.transforms import JointTransform, check_pair

# --8<-- [start:imports]
from collections.abc import Callable

import torch
from torch.utils.data import DataLoader, Dataset
from torchvision import tv_tensors
from torchvision.transforms import v2
# --8<-- [end:imports]

# --8<-- [start:dataset]
scenes = [make_scene(size=64, seed=seed) for seed in range(8)]
images = torch.stack([image for image, _ in scenes])
masks = torch.stack([mask for _, mask in scenes])
BILINEAR = v2.InterpolationMode.BILINEAR
augment = v2.Compose(
    [
        v2.RandomHorizontalFlip(p=0.5),
        v2.RandomAffine(30, translate=(0.1, 0.1), interpolation=BILINEAR),
        v2.ColorJitter(brightness=0.4, contrast=0.4, saturation=0.4),
    ]
)
dataset = SegmentationDataset(images, masks, JointTransform(augment))
print(len(dataset), "pairs; the first:", [tuple(t.shape) for t in dataset[0]])
# --8<-- [end:dataset]

# --8<-- [start:repeatable]
run_1 = first_epoch(dataset, seed=0, num_workers=2)
run_2 = first_epoch(dataset, seed=0, num_workers=2)
batch_images, batch_masks = run_1[0]
print("batch:", tuple(batch_images.shape), tuple(batch_masks.shape))
pairs = zip(run_1, run_2, strict=True)
same = all(torch.equal(a, b) for (a, _), (b, _) in pairs)
print("two runs with seed 0 give the same batches:", same)
# --8<-- [end:repeatable]

# --8<-- [start:workers_differ]
one_scene = images[:1].repeat(8, 1, 1, 1), masks[:1].repeat(8, 1, 1)
copies = SegmentationDataset(*one_scene, JointTransform(augment))
generator = torch.Generator().manual_seed(0)
loader = DataLoader(copies, batch_size=4, num_workers=2, generator=generator)
augmented = torch.cat([batch_images for batch_images, _ in loader])
distinct = torch.unique(augmented.flatten(start_dim=1), dim=0).shape[0]
print(f"8 copies of one scene, 2 workers: {distinct} different augmentations")
# --8<-- [end:workers_differ]

# --8<-- [start:stored_generator]
loader = DataLoader(KeepsItsGenerator(n=8), batch_size=4, num_workers=2)
first, second = list(loader)  # worker 0: samples 0-3, worker 1: samples 4-7
print("the two workers drew the same numbers:", torch.equal(first, second))
# --8<-- [end:stored_generator]

# --8<-- [start:start_method]
method = torch.multiprocessing.get_start_method()
print("this page's workers were started by:", method)
# --8<-- [end:start_method]
