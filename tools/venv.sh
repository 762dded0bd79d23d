#!/usr/bin/env bash
# Makes or updates the lesson's virtual environment from the pins: `bash tools/venv.sh PYTHON VENV`,
# run by `make venv` whenever requirements.txt, constraints.txt or pyproject.toml change.
#
# uv (pinned in requirements.txt) installs the same pinned packages as pip would, about twice as
# fast (it downloads and unpacks in parallel); --compile-bytecode writes the .pyc files pip would,
# so that no test process compiles scikit-learn again. Learners use plain pip (content/setup.md);
# the result is the same. The lesson's helper package (lessontest) is installed editable last.
set -euo pipefail
cd "$(dirname "$0")/.."

usage="usage: bash tools/venv.sh PYTHON VENV"
python=${1:?$usage}
venv=${2:?$usage}
py=$venv/bin/python

test -x "$py" || "$python" -m venv "$venv"
"$py" -m pip install --quiet --disable-pip-version-check "$(grep '^uv==' requirements.txt)"
"$venv/bin/uv" pip install --quiet --compile-bytecode --python "$py" -r requirements.txt
"$venv/bin/uv" pip install --quiet --python "$py" --no-deps --no-build-isolation --editable .
touch "$venv/.installed"
