"""Write one file per country listing that country's cities (serial version).

Reads a CSV file with the columns city, country, latitude, longitude and writes
output/<country>.txt for every country, one country after the other. The sleep
in write_country() stands for slow work done per country; --delay sets how long
it takes.

    python long_code.py               # reads cities.csv, writes output/*.txt
    python long_code.py --delay 0     # the same files, without waiting
"""

import argparse
import csv
import os
import pathlib
import re
import sys
import time

COLUMNS = ["city", "country", "latitude", "longitude"]


def fail(message):
    """Stop with a one-line error message."""
    sys.exit(f"error: {message}")


def read_cities(path):
    """Return {country: [(city, latitude, longitude), ...]} from the CSV file
    at path."""
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
    except OSError as exc:
        fail(f"cannot read cities file '{path}': {exc.strerror}")
    except (UnicodeDecodeError, csv.Error) as exc:
        fail(f"'{path}' is not a readable CSV file: {exc}")
    if not rows or rows[0] != COLUMNS:
        fail(f"'{path}' must start with the header line {','.join(COLUMNS)}")
    by_country = {}
    for line_number, row in enumerate(rows[1:], start=2):
        if (
            len(row) != len(COLUMNS)
            or not row[0].strip()
            or not row[1].strip()
        ):
            fail(
                f"'{path}' line {line_number}: expected "
                f"{len(COLUMNS)} non-empty fields, got {row}"
            )
        city, country, latitude, longitude = (field.strip() for field in row)
        try:
            position = (float(latitude), float(longitude))
        except ValueError:
            fail(
                f"'{path}' line {line_number}: latitude "
                "and longitude must be numbers"
            )
        by_country.setdefault(country, []).append((city, *position))
    if not by_country:
        fail(f"'{path}' lists no cities")
    return by_country


def file_name(country):
    """Output file name for a country: lower case, runs of other characters
    become '_'."""
    slug = re.sub(r"[^a-z0-9]+", "_", country.lower()).strip("_")
    if not slug:
        fail(f"country name {country!r} gives an empty file name")
    return f"{slug}.txt"


def write_country(country, cities, output_dir, delay):
    """Write output_dir/<country>.txt, listing the cities sorted by name."""
    time.sleep(delay)  # stands for the slow part of the real work
    lines = [f"# {country}: {len(cities)} cities", "city\tlatitude\tlongitude"]
    for city, latitude, longitude in sorted(cities):
        lines.append(f"{city}\t{latitude:.2f}\t{longitude:.2f}")
    target = output_dir / file_name(country)
    # Write to a temporary name, then rename: an interrupted run leaves no
    # half-written file.
    temporary = target.with_name(f".{target.name}.tmp")
    temporary.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.replace(temporary, target)
    return target


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # A usage mistake: one line, as every error here (--help shows the usage).
    parser.error = lambda message: parser.exit(2, f"error: {message}\n")
    parser.add_argument(
        "--cities",
        default="cities.csv",
        help="input CSV (default: %(default)s)",
    )
    parser.add_argument(
        "--output-dir",
        default="output",
        help="folder for the lists (default: %(default)s)",
    )
    parser.add_argument(
        "--delay",
        type=float,
        default=1.0,
        help="seconds of pretend work per country (default: %(default)s)",
    )
    args = parser.parse_args()
    if not 0 <= args.delay <= 3600:
        fail(f"--delay must be between 0 and 3600 seconds, got {args.delay}")
    return args


def main():
    args = parse_arguments()
    by_country = read_cities(args.cities)
    output_dir = pathlib.Path(args.output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    # The countries in the order they first appear in the file.
    for country in by_country:
        target = write_country(
            country, by_country[country], output_dir, args.delay
        )
        print(f"wrote {target}")


if __name__ == "__main__":
    main()
