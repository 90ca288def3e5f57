"""The U-Net chapter, page "The article's model": run it, and the smallest correct version of it."""

from snippets.unet.article import ArticleUNet, MinimalUNet

# --8<-- [start:imports]
from functools import partial

import torch
import torch.nn as nn

# --8<-- [end:imports]


# --8<-- [start:run_article]
torch.manual_seed(0)
article = ArticleUNet()
x = torch.randn(1, 1, 128, 128)  # the article's example input
with torch.no_grad():
    out = article(x)
    seen = article.encoder(x)  # all that reaches the decoder
print("output:", tuple(out.shape))
print("the decoder's only input:", tuple(seen.shape))
pools = sum(isinstance(m, nn.MaxPool2d) for m in article.modules())
print("poolings:", pools)
print("last layer:", article.decoder[-1])
print("outputs >= 0 everywhere:", bool((out >= 0).all()))
# --8<-- [end:run_article]


# --8<-- [start:run_minimal]
torch.manual_seed(0)
minimal = MinimalUNet()
with torch.no_grad():
    logits = minimal(x)
for name, model in (("article", article), ("minimal", minimal)):
    print(f"{name:8} parameters {sum(p.numel() for p in model.parameters()):,}")
print("minimal output:", tuple(logits.shape))
print("some outputs are negative:", bool((logits < 0).any()))
# --8<-- [end:run_minimal]
