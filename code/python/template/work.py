"""The template's example work: estimate pi from random points in a square.

Replace work() with your own. It gets one row of params.csv (a dict of texts:
convert numbers yourself) and the row's seed, and returns a dict of results.
"""

import random


def work(row, seed):
    rng = random.Random(seed)  # all randomness from this task's own seed
    points = int(row["points"])
    inside = sum(
        rng.random() ** 2 + rng.random() ** 2 < 1 for _ in range(points)
    )
    return {"pi": 4 * inside / points}
