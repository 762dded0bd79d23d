# The heavy step: one job per (C, gamma) pair, all independent, so they run
# side by side.
rule cross_validate:
    input:
        "results/data/split.json",
    output:
        "results/cv/C{C}_gamma{gamma}.json",
    log:
        "logs/cross_validate/C{C}_gamma{gamma}.log",
    benchmark:
        "benchmarks/cross_validate/C{C}_gamma{gamma}.tsv"
    retries: 1
    conda:
        "../envs/ml.yaml"
    threads: 1
    resources:
        # A retry asks for more memory, in case the first attempt ran out.
        mem_mb=lambda wildcards, attempt: 500 * attempt,
        runtime=10,
    params:
        folds=config["folds"],
        seed=config["seed"],
        pause_seconds=config["pause_seconds"],
    script:
        "../scripts/cross_validate.py"
