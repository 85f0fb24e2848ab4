#!/usr/bin/python3
"""Every CSV the simulator writes is valid RFC 4180: read back with Python's csv module, every
row has exactly the header's fields, in every mode (ce-collm's declared profile
"llama-3-8b[0,21)" holds a comma, so unquoted rows would have one field too many).

Run by CTest (test/CMakeLists.txt) with CE_LSLM_SIM (the simulator) and CE_LSLM_TEST_TMP set.
"""

import csv
import os
import pathlib
import shutil
import subprocess
import unittest

REPO = pathlib.Path(__file__).resolve().parents[2]
SIM = os.environ.get("CE_LSLM_SIM", str(REPO / "build" / "bin" / "ce-lslm-sim"))
TMP = pathlib.Path(os.environ.get("CE_LSLM_TEST_TMP", "/tmp/ce-lslm-test")) / "csv-test"
MODES = ["network-only", "cloud-only", "edge-only", "ce-lslm", "ce-collm", "ce-collm-edge"]


class CsvTest(unittest.TestCase):
    def test_every_output_csv_has_the_header_field_count_in_every_mode(self):
        shutil.rmtree(TMP, ignore_errors=True)
        result = subprocess.run(
            [SIM, "--quiet", "--modes", ",".join(MODES), "--out", str(TMP),
             "--set", "simulation.duration_s=2", "--set", "topology.terminals=3",
             "--set", "topology.radio.enabled=true", "--set", "output.messages_trace=true",
             "--set", "output.radio_trace=true"],
            capture_output=True, text=True)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        checked = {}
        for mode in MODES:
            files = sorted((TMP / mode).glob("*.csv"))
            self.assertIn(TMP / mode / "requests.csv", files, mode)
            for path in files:
                with open(path, newline="") as f:
                    table = list(csv.reader(f))
                header, rows = table[0], table[1:]
                self.assertTrue(rows, "%s has no rows" % path)
                for number, row in enumerate(rows, start=2):
                    self.assertEqual(len(row), len(header),
                                     "%s line %d: %d fields, header has %d"
                                     % (path, number, len(row), len(header)))
                checked[str(path.relative_to(TMP))] = len(rows)
        # The field that needs quoting is there and reads back whole.
        with open(TMP / "ce-collm" / "requests.csv", newline="") as f:
            profiles = {row["declared_profile"] for row in csv.DictReader(f)}
        self.assertTrue(any("," in profile for profile in profiles), profiles)
        print("csv: %d files read back, %d rows" % (len(checked), sum(checked.values())))


if __name__ == "__main__":
    unittest.main()
