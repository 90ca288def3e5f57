"""The U-Net page: the article's model diagnosed, a real U-Net, its layer table, a CPU training demo."""
