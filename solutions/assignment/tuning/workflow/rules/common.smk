# Checks the configuration and derives the list of jobs from it.
import pathlib

import jsonschema
import yaml


def check_config(config, schema_file):
    """Fill in defaults, then stop with one clear line if the config breaks the
    schema.

    (snakemake.utils.validate does this too, but it needs jsonschema 4.18 or
    newer, and the lesson's environment pins 4.9.1 because yadage requires it.)
    """
    schema = yaml.safe_load(
        pathlib.Path(workflow.basedir, schema_file).read_text()
    )
    for key, spec in schema["properties"].items():
        if "default" in spec:
            config.setdefault(key, spec["default"])
    for error in jsonschema.Draft202012Validator(schema).iter_errors(config):
        where = ".".join(map(str, error.absolute_path)) or "top level"
        raise ValueError(f"invalid config at {where}: {error.message}")


check_config(config, "schemas/config.schema.yaml")


def label(value):
    """How a grid value appears in file names: 0.001 -> '0.001', 10.0 ->
    '10'."""
    return f"{value:g}"


wildcard_constraints:
    C=r"[0-9.e+-]+",
    gamma=r"[0-9.e+-]+",


def cv_results(wildcards):
    """Every per-pair result file, in grid order (C first, then gamma)."""
    return [
        f"results/cv/C{label(c)}_gamma{label(gamma)}.json"
        for c in config["grid"]["C"]
        for gamma in config["grid"]["gamma"]
    ]
