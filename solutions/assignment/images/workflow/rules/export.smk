# The input files. With your own images, drop this rule and point images_dir at them.
rule export_digits:
    output:
        expand(f"{IMAGES_DIR}/{{image}}.pgm", image=IMAGES),
    log:
        "logs/export_digits.log",
    resources:
        mem_mb=500,
        runtime=5,
    conda:
        "../envs/ml.yaml"
    script:
        "../scripts/export_digits.py"
