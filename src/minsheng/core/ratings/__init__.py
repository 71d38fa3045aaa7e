"""Service ratings (政务服务"好差评"), Django-free: the vocabulary (levels, channels, sources),
reading import rows, the statistics with small-sample shrinkage, and integrity checks."""
