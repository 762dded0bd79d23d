"""Train one combination, or a chunk of parameter lines, on several cores.

train_one.py with two options more, for the chapters on real clusters:

  --chunk N   with --index I: train lines I*N to I*N+N-1, one after another
              (an array of fewer, longer tasks)
  --n-jobs N  cross-validate on N processes (default: 1); a batch script
              passes --n-jobs "${SLURM_CPUS_PER_TASK}", the cores it was given

Run from the code/ folder, after preprocess.py, for example:

  python python/scikit_example/train_task.py --index 6 --chunk 5
"""

from knn_model import positive_int
from script_io import run
from train_one import chosen, make_parser, train


def main():
    parser = make_parser(__doc__)
    parser.add_argument(
        "--chunk",
        type=positive_int,
        default=1,
        metavar="N",
        help="with --index I: train lines I*N to I*N+N-1 (default: 1)",
    )
    parser.add_argument(
        "--n-jobs",
        type=positive_int,
        default=1,
        metavar="N",
        help="cross-validate on N processes (default: 1)",
    )
    args = parser.parse_args()
    if args.index is None and args.chunk != 1:
        parser.error("--chunk goes with --index")
    train(args, chosen(parser, args, args.chunk), args.n_jobs)


if __name__ == "__main__":
    run(main)
