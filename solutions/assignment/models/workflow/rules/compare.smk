# Gather: every model's scores into one table and one chart.
rule compare_models:
    input:
        model_scores,
    output:
        table="results/models.csv",
        figure="results/models.png",
    log:
        "logs/compare_models.log",
    conda:
        "../envs/ml.yaml"
    resources:
        mem_mb=500,
        runtime=5,
    params:
        folds=config["folds"],
    script:
        "../scripts/compare_models.py"
