# Gather every pair's result into one table and one figure, then refit the
# winner.
rule summarise:
    input:
        cv_results,
    output:
        table="results/tuning.csv",
        figure="results/tuning.png",
    log:
        "logs/summarise.log",
    conda:
        "../envs/ml.yaml"
    resources:
        mem_mb=500,
        runtime=5,
    params:
        c_values=config["grid"]["C"],
        gamma_values=config["grid"]["gamma"],
    script:
        "../scripts/summarise.py"


rule refit_best:
    input:
        split="results/data/split.json",
        table="results/tuning.csv",
    output:
        "results/best.json",
    log:
        "logs/refit_best.log",
    conda:
        "../envs/ml.yaml"
    resources:
        mem_mb=500,
        runtime=5,
    script:
        "../scripts/refit_best.py"
