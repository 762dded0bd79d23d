# Gather: every image's features into two tables, and the mean image of each
# digit into a figure.
rule summarise:
    input:
        features=expand("results/features/{image}.json", image=IMAGES),
        images=expand("results/normalised/{image}.npy", image=IMAGES),
    output:
        features="results/features.csv",
        summary="results/summary.csv",
        figure="results/mean_images.png",
    log:
        "logs/summarise.log",
    conda:
        "../envs/ml.yaml"
    resources:
        mem_mb=500,
        runtime=5,
    script:
        "../scripts/summarise.py"
