rule split_data:
    output:
        "results/data/split.json",
    log:
        "logs/split_data.log",
    params:
        test_size=config["test_size"],
        seed=config["seed"],
    resources:
        mem_mb=500,
        runtime=5,
    conda:
        "../envs/ml.yaml"
    script:
        "../scripts/split_data.py"
