"""The wine study's work: a random forest that tells three cultivars apart.

A row of params.csv gives the forest's size (trees) and max_depth; the data
come from a file, wine.csv. The forest uses as many threads as the job has
CPUs.
"""

import os

import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import train_test_split

# The data file, relative to the code/ folder, where the jobs run.
DATA = "python/wine_forest/wine.csv"
# One train/test split for every row, so that the rows compare fairly.
SPLIT_SEED = 0


def work(row, seed):
    data = pd.read_csv(DATA)
    x, y = data.drop(columns="class"), data["class"]
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=0.3, stratify=y, random_state=SPLIT_SEED
    )
    # The CPUs Slurm gave this task (--cpus-per-task); 1 outside a job.
    threads = int(os.environ.get("SLURM_CPUS_PER_TASK", "1"))
    forest = RandomForestClassifier(
        n_estimators=int(row["trees"]),
        max_depth=int(row["max_depth"]),
        random_state=seed,  # this row's own seed
        n_jobs=threads,
    )
    forest.fit(x_train, y_train)
    print(f"{row['name']}: {threads} thread(s)")
    return {"test_accuracy": round(forest.score(x_test, y_test), 4)}
