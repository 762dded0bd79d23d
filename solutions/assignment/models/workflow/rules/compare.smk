# Gather: every model's scores into one table and one chart.
rule compare_models:
    input:
        model_scores,
    output:
        table="results/models.csv",
        figure="results/models.png",
    log:
        "logs/compare_models.log",
    params:
        folds=config["folds"],
    resources:
        mem_mb=500,
        runtime=5,
    conda:
        "../envs/ml.yaml"
    script:
        "../scripts/compare_models.py"
