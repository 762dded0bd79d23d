# Checks the configuration (see ../schemas/) and lists the images it asks for.
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

# digit<L>_<NN>: the NN-th image of digit L. Sorted, so every list below has a
# stable order.
IMAGES = sorted(
    f"digit{d}_{k:02d}"
    for d in config["digits"]
    for k in range(config["per_class"])
)
IMAGES_DIR = config["images_dir"]


wildcard_constraints:
    image=r"digit\d_\d\d",
