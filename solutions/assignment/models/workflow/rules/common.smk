# Checks the configuration (see ../schemas/) and names the jobs it asks for.
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

undefined = sorted(set(config["compare"]) - set(config["models"]))
if undefined:
    raise ValueError(
        "invalid config at compare: model "
        f"{undefined[0]!r} is not defined under models"
    )


wildcard_constraints:
    model=r"[a-z0-9_]+",


def model_scores(wildcards):
    """One score file per model to compare, in the order the config lists
    them."""
    return [f"results/scores/{name}.json" for name in config["compare"]]


def model_threads(wildcards):
    return config["models"][wildcards.model].get("threads", 1)
