# One job per image and step: every image is independent, so they all run side
# by side.
rule resize:
    input:
        f"{IMAGES_DIR}/{{image}}.pgm",
    output:
        "results/resized/{image}.npy",
    log:
        "logs/resize/{image}.log",
    benchmark:
        "benchmarks/resize/{image}.tsv"
    retries: 1
    conda:
        "../envs/ml.yaml"
    threads: 1
    resources:
        mem_mb=lambda wildcards, attempt: 500 * attempt,
        runtime=5,
    params:
        size=config["size"],
    script:
        "../scripts/resize.py"


rule normalise:
    input:
        "results/resized/{image}.npy",
    output:
        "results/normalised/{image}.npy",
    log:
        "logs/normalise/{image}.log",
    conda:
        "../envs/ml.yaml"
    resources:
        mem_mb=500,
        runtime=5,
    script:
        "../scripts/normalise.py"


rule extract_features:
    input:
        "results/normalised/{image}.npy",
    output:
        "results/features/{image}.json",
    log:
        "logs/extract_features/{image}.log",
    conda:
        "../envs/ml.yaml"
    resources:
        mem_mb=500,
        runtime=5,
    script:
        "../scripts/extract_features.py"
