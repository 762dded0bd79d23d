rule split_data:
    output:
        "results/data/split.json",
    log:
        "logs/split_data.log",
    conda:
        "../envs/ml.yaml"
    resources:
        mem_mb=500,
        runtime=5,
    params:
        test_size=config["test_size"],
        seed=config["seed"],
    script:
        "../scripts/split_data.py"
