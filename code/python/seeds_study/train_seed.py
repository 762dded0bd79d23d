"""Train one small classifier with one seed; write its test accuracy (one job).

Run from the code/ folder:
    python python/seeds_study/train_seed.py --seed 7 \
        --output results/seeds_study/seeds/seed_7.json

The seed fixes both the train/test split and the random forest, so the same
seed always gives the same score, and different seeds show how much the score
moves by chance alone.
"""

import json
import pathlib

from script_io import ArgumentParser, InputError, run, write_atomic

N_TREES = 25
TEST_FRACTION = 0.3


def parse_args():
    parser = ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", required=True, help="a whole number >= 0")
    parser.add_argument(
        "--output", required=True, help="the result file to write (.json)"
    )
    return parser.parse_args()


def parse_seed(text):
    """The seed as an int; anything but a plain whole number >= 0 is an
    error."""
    if not text.isdigit():
        raise InputError(f"--seed must be a whole number >= 0, got '{text}'")
    return int(text)


def train(seed):
    """Split the wine data and fit a small random forest, both with this seed;
    return the score."""
    from sklearn.datasets import load_wine
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.model_selection import train_test_split

    features, labels = load_wine(return_X_y=True)
    x_train, x_test, y_train, y_test = train_test_split(
        features,
        labels,
        test_size=TEST_FRACTION,
        stratify=labels,
        random_state=seed,
    )
    model = RandomForestClassifier(
        n_estimators=N_TREES, random_state=seed, n_jobs=1
    )
    model.fit(x_train, y_train)
    return {
        "seed": seed,
        "test_accuracy": round(float(model.score(x_test, y_test)), 6),
        "n_train": len(y_train),
        "n_test": len(y_test),
    }


def main():
    args = parse_args()
    seed = parse_seed(args.seed)
    output = pathlib.Path(args.output)
    if output.suffix != ".json":
        raise InputError(f"--output must end in .json, got '{output}'")
    result = train(seed)
    write_atomic(output, json.dumps(result, sort_keys=True, indent=1) + "\n")


if __name__ == "__main__":
    run(main)
