"""The site files (sites/*.yaml) and what the lesson makes from them (site_files.py): site.env,
the Snakemake profile, the pages' blocks, and the learners' download for a chosen site."""

from __future__ import annotations

import pathlib
import re
import subprocess
import sys
import zipfile

import pytest
import yaml

from lessontest.generators import code_archive, site_files
from lessontest.paths import ROOT
from lessontest.shell import run

SHIPPED = ("practice", "practice-strict", "example-university")


def test_the_lesson_ships_its_sites():
    assert sorted(p.stem for p in (ROOT / "sites").glob("*.yaml")) == sorted(SHIPPED)
    assert site_files.DEFAULT == "practice"


@pytest.mark.parametrize("name", SHIPPED)
@pytest.mark.parametrize("where", site_files.PROFILES)
def test_every_site_makes_every_profile_with_its_values(name, where):
    """Each profile made for a site is still a profile Snakemake reads, with the same keys as the
    repository's plus the site's settings."""
    site = site_files.load(ROOT, name)
    template = (ROOT / where).read_text()
    made = yaml.safe_load(site_files.profile(site, template, where))
    original = yaml.safe_load(template)
    for setting, value in site["slurm"].items():
        key = {"account": "slurm_account", "partition": "slurm_partition"}.get(setting)
        if key:
            assert made["default-resources"].get(key) == value
        else:
            assert made.get(f"slurm-{setting}") == value
    made["default-resources"] = {
        k: v for k, v in made["default-resources"].items() if not k.startswith("slurm_")
    }
    made = {k: v for k, v in made.items() if k not in ("slurm-qos", "slurm-reservation")}
    assert made == original


def test_every_profile_of_the_lesson_is_made_for_the_site():
    found = sorted(
        p.relative_to(ROOT).as_posix()
        for folder in ("code", "exercises", "solutions")
        for p in (ROOT / folder).rglob("config.yaml")
        if "executor: slurm" in p.read_text()
    )
    assert found == site_files.PROFILES
    assert site_files.PROFILE in found


def test_the_practice_site_changes_nothing_in_the_profiles():
    """The public lesson's download holds the repository's profiles, byte for byte."""
    files = site_files.download_files(ROOT, "practice")
    assert sorted(files) == sorted(site_files.BY_SITE)
    for where in site_files.PROFILES:
        assert files[where] == (ROOT / where).read_bytes(), where


def test_a_profile_without_the_site_lines_is_refused():
    site = site_files.load(ROOT, "practice")
    template = (
        (ROOT / site_files.PROFILE).read_text().replace("  # slurm_account: my_project\n", "")
    )
    with pytest.raises(site_files.SiteError, match="needs one commented line '# slurm_account: "):
        site_files.profile(site, template)


def test_the_site_lines_are_found_by_their_key_whatever_the_example_value():
    """A profile's commented site line is found by its key (`# slurm-qos: ...`), so its example
    value and the comments around it may change."""
    site = site_files.load(ROOT, site_files.STRICT)
    template = (ROOT / site_files.PROFILE).read_text()
    changed = template.replace("# slurm-qos: my_qos", "# slurm-qos: the_qos_you_were_given")
    assert changed != template
    made = site_files.profile(site, changed)
    assert made == site_files.profile(site, template)
    assert yaml.safe_load(made)["slurm-qos"] == site["slurm"]["qos"]


def sourced(env_text: str, tmp_path: pathlib.Path) -> dict[str, str]:
    """The variables that `source site.env` sets, as bash sees them."""
    (tmp_path / "site.env").write_text(env_text)
    before = run("env -0", tmp_path, env={"PATH": "/usr/bin:/bin"}).stdout
    after = run("source site.env\nenv -0", tmp_path, env={"PATH": "/usr/bin:/bin"}).stdout

    def parse(text):
        return dict(item.split("=", 1) for item in text.split("\0") if "=" in item)

    old, new = parse(before), parse(after)
    return {k: v for k, v in new.items() if old.get(k) != v and k != "_"}


def test_site_env_gives_sbatch_salloc_and_srun_the_settings(tmp_path):
    site = site_files.load(ROOT, "practice-strict")
    got = sourced(site_files.site_env(site, "practice-strict"), tmp_path)
    expected = {}
    for setting, option in site_files.OPTIONS.items():
        for command in ("SBATCH", "SALLOC", "SLURM"):
            expected[f"{command}_{option}"] = site["slurm"][setting]
    expected.update({f"LESSON_{k.upper()}": str(v) for k, v in site["limits"].items()})
    expected["LESSON_SCRATCH"] = site["scratch"]
    assert got == expected


# The strict cluster's settings as cluster/up.sh --strict reads them (its strict_settings
# function, run from the lesson's top folder `top`), one line each.
STRICT_SETTINGS = r"""set -euo pipefail
HERE=$PWD/cluster
source cluster/common.sh
eval "$(sed -n '/^strict_settings() {/,/^}/p' cluster/up.sh)"
eval "$(strict_settings)"
printf '%s\n' "${STRICT_PARTITIONS[*]}" "${STRICT_MAX_TIMES[*]}" "$STRICT_ACCOUNT" "$STRICT_QOS" \
    "$STRICT_SUBMIT_LIMIT" "$STRICT_RESERVATION"
"""


def strict_cluster_settings(top: pathlib.Path) -> list[str]:
    return run(["bash", "-c", STRICT_SETTINGS], top).stdout.splitlines()


def expected_strict_settings() -> list[str]:
    """What sites/practice-strict.yaml says the strict cluster has."""
    site = site_files.load(ROOT, site_files.STRICT)
    slurm, limits, practice = site["slurm"], site["limits"], site["practice_cluster"]
    return [
        f"{practice['short_partition']} {slurm['partition']}",
        f"{practice['short_max_time']} {limits['max_time']}",
        slurm["account"],
        slurm["qos"],
        str(limits["max_jobs"]),
        slurm["reservation"],
    ]


def test_the_strict_cluster_is_set_up_from_the_site_file():
    """cluster/up.sh --strict takes every strict setting from sites/practice-strict.yaml: the
    cluster scripts hold none of the values themselves."""
    assert strict_cluster_settings(ROOT) == expected_strict_settings()
    for script in sorted((ROOT / "cluster").glob("*.sh")):
        assigned = re.findall(r"^\s*(STRICT_\w+)=", script.read_text(), re.MULTILINE)
        assert not assigned, f"{script.name} sets {assigned}: they come from the site file"


def test_the_downloads_strict_cluster_has_the_site_files_settings(tmp_path):
    """The download has no site files and no lesson package: its cluster/strict-site.sh, made
    from the site file, gives up.sh --strict the same settings."""
    zip_path = tmp_path / "download.zip"
    code_archive.write_archive(ROOT, zip_path)
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(tmp_path)
    top = tmp_path / code_archive.TOP
    assert not (top / "sites").exists()
    assert strict_cluster_settings(top) == expected_strict_settings()


def test_the_practice_cluster_page_shows_the_strict_settings_of_the_site_file():
    page = (ROOT / "content" / "local-cluster.md").read_text()
    shown = f"{site_files.OUT}/{site_files.STRICT}/cluster.md"
    assert f"```{{include}} /{shown}\n" in page
    assert shown in site_files.OUTPUTS
    site = site_files.load(ROOT, site_files.STRICT)
    text = site_files.strict_cluster_text(site, site_files.STRICT)
    for value in (*site["slurm"].values(), site["practice_cluster"]["short_partition"]):
        assert f"`{value}`" in text
    assert f"allows {site['limits']['max_jobs']} jobs" in text


@pytest.mark.parametrize(
    ("limit", "words"),
    [
        ("00:10:00", "10 minutes"),
        ("1-00:00:00", "a day"),
        ("02:00:00", "2 hours"),
        ("01:30:00", "90 minutes"),
        ("00:00:30", "30 seconds"),
        ("7-00:00:00", "7 days"),
    ],
)
def test_time_limits_are_shown_in_words(limit, words):
    assert site_files._duration(limit) == words


def test_only_the_strict_site_has_the_practice_clusters_own_settings(tmp_path):
    assert [name for name in SHIPPED if "practice_cluster" in site_files.load(ROOT, name)] == [
        site_files.STRICT
    ]
    site = site_files.load(ROOT, "practice")
    with pytest.raises(site_files.SiteError, match="the strict cluster needs slurm account"):
        site_files.cluster_settings(site, "practice")
    site = site_files.load(ROOT, site_files.STRICT)
    del site["practice_cluster"]
    with pytest.raises(site_files.SiteError, match="the strict cluster needs a practice_cluster"):
        site_files.cluster_settings(site, site_files.STRICT)


def test_the_practice_site_env_sets_no_slurm_setting(tmp_path):
    site = site_files.load(ROOT, "practice")
    got = sourced(site_files.site_env(site, "practice"), tmp_path)
    assert got == {"LESSON_MAX_ARRAY_SIZE": "1001", "LESSON_SCRATCH": "/tmp"}


@pytest.mark.parametrize("name", SHIPPED)
def test_site_env_names_the_sites_node_local_scratch(name, tmp_path):
    """staged_job.sh stages to $LESSON_SCRATCH: each site's `scratch`, a literal folder."""
    site = site_files.load(ROOT, name)
    got = sourced(site_files.site_env(site, name), tmp_path)
    assert got["LESSON_SCRATCH"] == site["scratch"]
    assert "/scratch/$USER" not in site["scratch"]


def test_page_blocks_show_the_sites_values():
    site = site_files.load(ROOT, "example-university")
    assert site_files.login_lines(site) == (
        "scp parallel-workflows-code.zip yourname@hopper.example.edu:\n"
        "ssh yourname@hopper.example.edu\n"
    )
    assert site_files.python_lines(site) == (
        "module load python/3.11.9\n"
        "source /proj/proj-2026-042/venvs/parallel-workflows/bin/activate\n"
    )
    table = site_files.settings_table(site, "example-university")
    for shown in ("`proj-2026-042`", "`short`", "`parallel-lesson`", "`02:00:00`", "`200`"):
        assert shown in table


def write_site(tmp_path: pathlib.Path, text: str) -> pathlib.Path:
    (tmp_path / "sites").mkdir(exist_ok=True)
    (tmp_path / "sites" / "mine.yaml").write_text(text)
    return tmp_path


def example_with(old: str, new: str) -> str:
    text = (ROOT / "sites" / "example-university.yaml").read_text()
    assert old in text
    return text.replace(old, new)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("  qos: null", "  qos: null\n  queue: x", "slurm: unknown key 'queue'"),
        ("  qos: null\n", "", "slurm: missing key 'qos'"),
        ("account: proj-2026-042", "account: proj 42", "slurm account 'proj 42' is not"),
        ('max_time: "02:00:00"', "max_time: 2h", "limits max_time '2h' is not D-HH:MM:SS"),
        ("max_jobs: 200", "max_jobs: -1", "limits max_jobs must be a whole number"),
        ("modules: [python/3.11.9]", "modules: python", "python modules must be a list"),
        ("login: hopper.example.edu", "login: [a, b]", "login ['a', 'b'] is not a host"),
        ("name: the", "name: [the", "not valid YAML"),
        ("scratch: /local/scratch", "scratch: $TMPDIR", "scratch '$TMPDIR' is not an absolute"),
        ("scratch: /local/scratch", "scratch: null", "scratch None is not an absolute"),
    ],
)
def test_a_wrong_site_file_gets_one_line_naming_the_problem(tmp_path, old, new, message):
    root = write_site(tmp_path, example_with(old, new))
    with pytest.raises(site_files.SiteError) as err:
        site_files.load(root, "mine")
    assert message in str(err.value)
    assert str(err.value).startswith("sites/mine.yaml")
    assert "\n" not in str(err.value)


def test_an_unknown_site_names_the_known_ones():
    with pytest.raises(site_files.SiteError, match=r"no site file sites/nope.yaml \(sites: "):
        site_files.load(ROOT, "nope")


def test_the_build_stops_on_an_unknown_site_with_one_line(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "import pathlib; from lessontest.generators import site_files; "
            "site_files.generate(pathlib.Path('.'))",
        ],
        cwd=ROOT,
        env={"LESSON_SITE": "nope"},
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        f"site_files: no site file sites/nope.yaml (sites: {', '.join(sorted(SHIPPED))})"
    ]


def test_the_download_for_a_site_holds_its_settings(tmp_path):
    """`make html SITE=practice-strict` makes a zip whose code/site.env and profile are that
    site's; everything else is the practice download's, byte for byte."""
    strict, practice = tmp_path / "strict.zip", tmp_path / "practice.zip"
    code_archive.write_archive(ROOT, strict, site="practice-strict")
    code_archive.write_archive(ROOT, practice, site="practice")
    with zipfile.ZipFile(strict) as a, zipfile.ZipFile(practice) as b:
        assert a.namelist() == b.namelist()
        differing = sorted(n for n in a.namelist() if a.read(n) != b.read(n))
        top = code_archive.TOP
        assert differing == sorted(f"{top}/{name}" for name in site_files.BY_SITE)
        made = site_files.download_files(ROOT, "practice-strict")
        for name, data in made.items():
            assert a.read(f"{top}/{name}") == data


# How the job-side file is read: by a batch script (bash -eu), and by a Snakemake job's
# precommand (the profiles' `. ./job-env.sh`, which the Slurm plugin's job runs with /bin/sh).
READERS = {
    "batch script": ["bash", "-euo", "pipefail", "-c", "source job-env.sh\n{after}"],
    "profile": ["sh", "-c", ". ./job-env.sh && {after}"],
}


def sourced_job_env(
    site: dict,
    tmp_path: pathlib.Path,
    after: str = "true",
    extra: dict[str, str] | None = None,
    reader: str = "batch script",
) -> subprocess.CompletedProcess:
    """The job-side file made for `site`, read as `reader` reads it (see READERS), in an
    environment without the lesson's Python (as with --export=NONE) plus `extra`, then
    `after` run."""
    (tmp_path / "job-env.sh").write_text(site_files.job_env(site, "mine"))
    env = {"PATH": f"{tmp_path / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path), **(extra or {})}
    argv = [*READERS[reader][:-1], READERS[reader][-1].format(after=after)]
    return run(argv, tmp_path, env=env, check=False)


def fake_command(folder: pathlib.Path, name: str) -> None:
    """A command `name` in `folder` that prints its name and arguments."""
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(f'#!/bin/sh\necho "{name} $*"\n')
    (folder / name).chmod(0o755)


def fake_venv(folder: pathlib.Path) -> None:
    (folder / "bin").mkdir(parents=True)
    (folder / "bin" / "activate").write_text(f'export VIRTUAL_ENV="{folder}"\n')


def test_the_job_env_of_the_practice_site_loads_no_module_and_activates_the_venv(tmp_path):
    site = site_files.load(ROOT, "practice")
    text = site_files.job_env(site, "practice")
    assert "# Modules: this cluster needs none." in text and "module load" not in text
    assert site["python"]["venv"] == "~/venvs/parallel-workflows"
    fake_venv(tmp_path / "venvs" / "parallel-workflows")  # ~ is tmp_path here
    proc = sourced_job_env(site, tmp_path, 'echo "$VIRTUAL_ENV"')
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"{tmp_path}/venvs/parallel-workflows\n"


def test_a_missing_venv_stops_the_job_with_one_line(tmp_path):
    proc = sourced_job_env(site_files.load(ROOT, "practice"), tmp_path, "echo not reached")
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.strip().splitlines() == [
        "job-env.sh: no virtual environment ~/venvs/parallel-workflows: "
        "make it as the setup page shows"
    ]


def test_a_job_that_got_an_active_venv_keeps_it(tmp_path):
    """With --export=ALL a job gets the submitting shell's VIRTUAL_ENV: job-env.sh leaves that
    environment active (and does not ask for the site's, which need not exist), but still loads
    the modules."""
    site = site_files.load(ROOT, "example-university")
    fake_command(tmp_path / "bin", "module")
    active = {"VIRTUAL_ENV": str(tmp_path / "mine")}
    proc = sourced_job_env(site, tmp_path, 'echo "$VIRTUAL_ENV"', active)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"module load python/3.11.9\n{tmp_path}/mine\n"


@pytest.mark.parametrize("reader", READERS)
def test_the_job_env_loads_the_sites_modules_before_the_venv(tmp_path, reader):
    """A job without the login shell's `module` function gets it from /etc/profile; here a
    fake `module` on PATH records what is loaded. The same for a Snakemake job, whose
    precommand /bin/sh runs (dash on many systems: no bash-only lines)."""
    site = site_files.load(ROOT, "example-university")
    venv = tmp_path / "proj-venv"
    fake_venv(venv)
    site["python"]["venv"] = str(venv)
    fake_command(tmp_path / "bin", "module")
    proc = sourced_job_env(site, tmp_path, 'echo "$VIRTUAL_ENV"', reader=reader)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"module load python/3.11.9\n{venv}\n"


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("name", SHIPPED)
def test_the_job_env_names_the_sites_node_local_scratch(tmp_path, name, reader):
    """A job started with --export=NONE lacks site.env's LESSON_SCRATCH: job-env.sh sets it,
    for staged_job.sh; one the job got from the submitting shell is kept."""
    site = site_files.load(ROOT, name)
    site["python"] = {"modules": [], "venv": None, "container": None}
    proc = sourced_job_env(site, tmp_path, 'echo "$LESSON_SCRATCH"', reader=reader)
    assert (proc.returncode, proc.stdout) == (0, f"{site['scratch']}\n"), proc.stderr
    got = {"LESSON_SCRATCH": "/elsewhere"}
    proc = sourced_job_env(site, tmp_path, 'echo "$LESSON_SCRATCH"', got, reader=reader)
    assert (proc.returncode, proc.stdout) == (0, "/elsewhere\n"), proc.stderr


def test_a_missing_venv_stops_a_profiles_job_before_snakemake(tmp_path):
    """The precommand fails with job-env.sh's one line, and the job's command after it (the
    plugin joins them with &&) does not run."""
    site = site_files.load(ROOT, "practice")
    proc = sourced_job_env(site, tmp_path, "echo not reached", reader="profile")
    assert proc.returncode == 1 and proc.stdout == ""
    assert "job-env.sh: no virtual environment ~/venvs/parallel-workflows:" in proc.stderr


@pytest.mark.parametrize("where", [p for p in site_files.PROFILES if p.startswith("code/")])
def test_every_code_profile_loads_the_job_env_in_its_jobs(where):
    """The k-NN and many-small-tasks profiles, used from the code/ folder (where job-env.sh
    is, and where their jobs start), read it before Snakemake starts in each job."""
    settings = yaml.safe_load((ROOT / where).read_text())
    assert settings["precommand"] == ". ./job-env.sh"
    assert site_files.JOB_ENV_FILE == "code/job-env.sh"


def test_the_job_env_of_a_container_site_runs_python_in_the_image(tmp_path):
    site = site_files.load(ROOT, "practice")
    site["python"] = {"modules": [], "venv": None, "container": "/proj/lesson.sif"}
    fake_command(tmp_path / "bin", "apptainer")
    proc = sourced_job_env(site, tmp_path, "python task.py --index 3")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "apptainer exec /proj/lesson.sif python task.py --index 3\n"


# The batch scripts that run the lesson's Python (or yadage) in the job; container_job.sh runs
# it in an image instead.
JOB_SCRIPTS = [
    *(
        p
        for p in sorted((ROOT / "code" / "slurm" / "scikit_example").glob("*.sh"))
        if p.name not in ("container_job.sh", "submit_pipeline.sh")
    ),
    ROOT / "code" / "slurm" / "scatter_gather" / "yadage.sh",
    ROOT / "code" / "slurm" / "template" / "array.sh",
]


@pytest.mark.parametrize("script", JOB_SCRIPTS, ids=lambda p: p.name)
def test_every_batch_script_sources_the_job_env_before_python(script):
    """Each loads its environment inside the job (for --export=NONE and module sites): `source
    job-env.sh`, in code/ (no `cd` before it), before its first Python line."""
    lines = [line.strip() for line in script.read_text().splitlines()]
    where = lines.index("source job-env.sh")
    runs = [i for i, line in enumerate(lines) if re.match(r"(\w+=\$\()?(python|yadage-run) ", line)]
    assert runs and where < runs[0], script.name
    assert not any(line.startswith("cd ") for line in lines[:where]), script.name


def test_the_checklist_shows_the_example_sites_files():
    """content/your-cluster.md includes site.env and job-env.sh made for the example site,
    whichever site the lesson is built for."""
    for file_name in ("site.env", "job-env.sh"):
        assert f"{site_files.OUT}/{site_files.EXAMPLE}/{file_name}" in site_files.OUTPUTS
    site = site_files.load(ROOT, site_files.EXAMPLE)
    assert "export SBATCH_ACCOUNT=proj-2026-042\n" in site_files.site_env(site, site_files.EXAMPLE)
    page = (ROOT / "content" / "your-cluster.md").read_text()
    for file_name in ("site.env", "job-env.sh"):
        assert f"/_generated/site/{site_files.EXAMPLE}/{file_name}" in page


@pytest.mark.parametrize("where", site_files.PROFILES)
def test_memory_is_requested_in_one_place_per_workflow(where):
    """A workflow's memory (mem_mb) is set either in its rules or in its profile's
    default-resources, never in both: the rules' value would silently win."""
    profile = yaml.safe_load((ROOT / where).read_text())
    workflow = (ROOT / where).parents[2]  # <workflow>/profiles/<name>/config.yaml
    rules = [*workflow.rglob("Snakefile"), *workflow.rglob("*.smk")]
    in_rules = [p.name for p in rules if re.search(r"^\s*mem_mb\s*=", p.read_text(), re.M)]
    assert not ("mem_mb" in profile.get("default-resources", {}) and in_rules), in_rules
