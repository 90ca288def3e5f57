"""The Augmentation page's examples, in page order."""

from snippets.augmentation.ablation import train_augmentation
from snippets.augmentation.dataset import SegmentationDataset, make_scene
from snippets.augmentation.transforms import JointTransform

# --8<-- [start:imports]
from collections.abc import Callable

import torch
from torch.utils.data import DataLoader, Dataset
from torchvision import tv_tensors
from torchvision.transforms import v2
from torchvision.transforms.v2 import functional as F
# --8<-- [end:imports]

# Not shown: Callable and Dataset are used by the dataset.py source that the page shows after these imports.
_USED_BY_SHOWN_SOURCE = (Callable, Dataset)

# --8<-- [start:scene]
image, mask = make_scene(size=64, seed=0)
print("image:", tuple(image.shape), image.dtype, f"in [{image.min():.2f}, {image.max():.2f}]")
print("mask: ", tuple(mask.shape), mask.dtype, "labels", mask.unique().tolist())
# --8<-- [end:scene]

# --8<-- [start:joint]
augment = v2.Compose(
    [
        v2.RandomHorizontalFlip(p=0.5),
        v2.RandomAffine(degrees=30, translate=(0.1, 0.1), scale=(0.9, 1.1), interpolation="bilinear"),
        v2.ColorJitter(brightness=0.4, contrast=0.4, saturation=0.4, hue=0.05),
    ]
)
torch.manual_seed(0)
aug_image, aug_mask = augment(tv_tensors.Image(image), tv_tensors.Mask(mask))  # one call: one draw
print(type(aug_image).__name__, tuple(aug_image.shape), aug_image.dtype)
print(type(aug_mask).__name__, tuple(aug_mask.shape), aug_mask.dtype, "labels", aug_mask.unique().tolist())
# --8<-- [end:joint]

# --8<-- [start:separate_calls]
rotate = v2.RandomRotation(degrees=30)


def disagreement(seed: int) -> tuple[float, float]:
    """Fractions of all pixels, and of object pixels, where separate calls give another mask than one call."""
    torch.manual_seed(seed)
    image_a = rotate(tv_tensors.Image(image))  # draws an angle
    mask_a = rotate(tv_tensors.Mask(mask))  # draws ANOTHER angle
    torch.manual_seed(seed)
    image_b, mask_b = rotate(tv_tensors.Image(image), tv_tensors.Mask(mask))  # one angle for both
    assert torch.equal(image_a, image_b)  # the same seed gave the image the same angle both ways
    wrong = mask_a != mask_b
    on_objects = (mask_a > 0) | (mask_b > 0)
    return wrong.float().mean().item(), wrong[on_objects].float().mean().item()


wrong, wrong_on_objects = disagreement(seed=0)
print(f"seed 0: {wrong:.1%} of all pixels, {wrong_on_objects:.1%} of object pixels get the wrong label")
mean_wrong = sum(disagreement(seed)[1] for seed in range(20)) / 20
print(f"mean over 20 seeds: {mean_wrong:.1%} of object pixels get the wrong label")
# --8<-- [end:separate_calls]

# --8<-- [start:plain_tensors]
rotate_10_to_30 = v2.RandomRotation(degrees=(10, 30))
torch.manual_seed(0)
out_image, out_mask = rotate_10_to_30(image, mask)  # plain tensors: v2 cannot tell which one is the mask
print("image rotated:", not torch.equal(out_image, image))
print("mask rotated: ", not torch.equal(out_mask, mask))
# --8<-- [end:plain_tensors]

# --8<-- [start:bilinear_mask]
as_image = F.rotate(mask[None].float(), angle=30.0, interpolation=v2.InterpolationMode.BILINEAR)[0]
as_mask = F.rotate(tv_tensors.Mask(mask), angle=30.0)  # a Mask is always resampled with NEAREST
print("distinct values, bilinear:", as_image.unique().numel(), "| nearest:", as_mask.unique().tolist())
print(f"pixels that hold no class after bilinear: {(as_image != as_image.round()).float().mean():.1%}")
near_a_disc = torch.nn.functional.max_pool2d((as_mask == 1)[None].float(), 3, stride=1, padding=1)[0] > 0
invented = (as_image.round() == 1) & ~near_a_disc  # rounded to class 1, more than a pixel from any disc
print("pixels rounded to class 1 (disc) away from every disc:", invented.sum().item())
# --8<-- [end:bilinear_mask]

# --8<-- [start:checked]
joint = JointTransform(augment)
torch.manual_seed(0)
aug_image, aug_mask = joint(image, mask)
print(tuple(aug_image.shape), tuple(aug_mask.shape), aug_mask.dtype)
for bad_image, bad_mask in [(image, mask[:, :48]), (image, mask.float())]:
    try:
        joint(bad_image, bad_mask)
    except ValueError as error:
        print("ValueError:", error)
# --8<-- [end:checked]

# --8<-- [start:loader]
scenes = [make_scene(size=64, seed=seed) for seed in range(8)]
images, masks = torch.stack([image for image, _ in scenes]), torch.stack([mask for _, mask in scenes])
dataset = SegmentationDataset(images, masks, transform=JointTransform(augment))


def first_epoch(seed: int, num_workers: int) -> list[tuple[torch.Tensor, torch.Tensor]]:
    # The generator seeds the shuffle AND each worker's torch RNG (base seed + worker id).
    loader = DataLoader(
        dataset, batch_size=4, shuffle=True, num_workers=num_workers, generator=torch.Generator().manual_seed(seed)
    )
    return list(loader)


run_1, run_2 = first_epoch(seed=0, num_workers=2), first_epoch(seed=0, num_workers=2)
batch_images, batch_masks = run_1[0]
print("batch:", tuple(batch_images.shape), tuple(batch_masks.shape), batch_masks.dtype)
same = all(torch.equal(a, b) for (a, _), (b, _) in zip(run_1, run_2, strict=True))
print("two runs with seed 0 give the same batches:", same)
# --8<-- [end:loader]

# --8<-- [start:workers_differ]
copies = SegmentationDataset(images[:1].repeat(8, 1, 1, 1), masks[:1].repeat(8, 1, 1), JointTransform(augment))
loader = DataLoader(copies, batch_size=4, num_workers=2, generator=torch.Generator().manual_seed(0))
augmented = torch.cat([batch_images for batch_images, _ in loader])
distinct = torch.unique(augmented.flatten(start_dim=1), dim=0).shape[0]
print(f"8 copies of one scene, 2 workers: {distinct} different augmentations")
# --8<-- [end:workers_differ]

# --8<-- [start:ablation_chain]
chain = train_augmentation()
print([type(step).__name__ for step in chain.transforms])
# --8<-- [end:ablation_chain]
