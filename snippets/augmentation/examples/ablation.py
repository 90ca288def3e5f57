"""Does it help? The blocks of docs/augmentation/ablation.md."""

from snippets.augmentation.ablation import Foreground, train_augmentation

# --8<-- [start:imports]
import torch
from torch.utils.data import Dataset
from torchvision import tv_tensors
from torchvision.transforms import v2
# --8<-- [end:imports]

# --8<-- [start:chain]
chain = train_augmentation()
print([type(step).__name__ for step in chain.transforms])
# --8<-- [end:chain]

# --8<-- [start:binary]
labels = torch.tensor([[0, 1], [2, 0]])  # background, disc, square
_, target = Foreground([(torch.zeros(3, 2, 2), labels)])[0]
print(target)
# --8<-- [end:binary]
