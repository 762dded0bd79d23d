"""The names the benchmark and its pages share, kept once: the ways the sweep is run, Slurm's
final job states, and how a record names the nodes it ran on.

Imports nothing, so that anything can read it cheaply: bench/run_bench.py and the tests import
it (bench/ is on sys.path for both), and the generators in lessontest/generators/ load it by path,
e.g. `runpy.run_path("bench/bench_names.py")["FINAL_STATES"]`.
"""

# Every way bench/run_bench.py runs the sweep, in the order the pages list them.
METHODS = (
    "serial",
    "array",
    "custom_script",
    "snakemake_slurm_default",
    "snakemake_slurm_tuned",
    "snakemake_slurm_array",
    "snakemake_local",
)

# Short names for figure legends and table rows.
LABELS = {
    "serial": "serial (one job)",
    "array": "array job",
    "custom_script": "submission script",
    "snakemake_slurm_default": "Snakemake on Slurm, default checks",
    "snakemake_slurm_tuned": "Snakemake on Slurm, 1 s checks",
    "snakemake_slurm_array": "Snakemake on Slurm, array job",
    "snakemake_local": "Snakemake local",
}

# One sentence each, for prose tables such as the planning page's.
DESCRIPTIONS = {
    "serial": "one batch job runs every task, one after another",
    "array": "an array job, one task per combination",
    "custom_script": "one `sbatch` per combination",
    "snakemake_slurm_default": "Snakemake on Slurm, default status checks",
    "snakemake_slurm_tuned": "Snakemake on Slurm, status checked every second",
    "snakemake_slurm_array": "Snakemake on Slurm, the train jobs as one array job, checked every "
    "second",
    "snakemake_local": "Snakemake on the node itself, without Slurm",
}

# Okabe-Ito colours: distinguishable with the common kinds of colour blindness.
COLOURS = {
    "serial": "#999999",
    "array": "#0072B2",
    "custom_script": "#56B4E9",
    "snakemake_slurm_default": "#D55E00",
    "snakemake_slurm_tuned": "#E69F00",
    "snakemake_slurm_array": "#CC79A7",
    "snakemake_local": "#009E73",
}

# Every state a Slurm job can end in (sacct's State column, first word); anything else means the
# job is still pending, running or finishing.
FINAL_STATES = frozenset(
    {
        "COMPLETED",
        "FAILED",
        "CANCELLED",
        "TIMEOUT",
        "OUT_OF_MEMORY",
        "NODE_FAIL",
        "PREEMPTED",
        "BOOT_FAIL",
        "DEADLINE",
    }
)


def cluster_nodes(machine: dict) -> str:
    """The Slurm nodes of a bench record's "machine": "2 nodes of 2 CPUs, 12052 MB" (recorded
    since the practice cluster has several nodes), or an older record's one node."""
    if "slurm_nodes" in machine:
        return machine["slurm_nodes"]
    return f"single node, {machine['slurm_node']}"
