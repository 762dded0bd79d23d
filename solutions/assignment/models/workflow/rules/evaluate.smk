# The heavy step: cross-validate one model. Models do not depend on each other,
# so all run side by side.
rule evaluate_model:
    output:
        "results/scores/{model}.json",
    log:
        "logs/evaluate_model/{model}.log",
    benchmark:
        "benchmarks/evaluate_model/{model}.tsv"
    retries: 1
    conda:
        "../envs/ml.yaml"
    # A model may use more than one core (random_forest does); --cores caps the
    # total.
    threads: model_threads
    resources:
        mem_mb=lambda wildcards, attempt: 500 * attempt,
        runtime=10,
    params:
        spec=lambda wildcards: config["models"][wildcards.model],
        folds=config["folds"],
        seed=config["seed"],
    script:
        "../scripts/evaluate_model.py"
