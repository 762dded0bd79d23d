# The input files. With your own images, drop this rule and point images_dir at
# them.
rule export_digits:
    output:
        expand(f"{IMAGES_DIR}/{{image}}.pgm", image=IMAGES),
    log:
        "logs/export_digits.log",
    conda:
        "../envs/ml.yaml"
    resources:
        mem_mb=500,
        runtime=5,
    script:
        "../scripts/export_digits.py"
