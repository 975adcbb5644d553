"""A big batch is read by several processes and gives exactly what one process gives."""
from addin.checks.run import PARALLEL_FROM, check_files
from conftest import valid_fap_tables, valid_fap_values


def test_parallel_and_single_process_reads_agree(make_form, config, monkeypatch, tmp_path):
    paths = []
    for i in range(PARALLEL_FROM + 2):
        values = valid_fap_values() | ({"date_of_birth": "31/02/2012"} if i % 3 == 0 else {})
        paths.append(make_form("fap-referral", values, valid_fap_tables(), name=f"form-{i:02d}.xlsx"))
    not_a_form = tmp_path / "notes.xlsx"
    not_a_form.write_bytes(b"not a workbook")
    paths.append(not_a_form)

    monkeypatch.setenv("SAFECONTEXT_WORKERS", "2")
    parallel = check_files(paths, config)
    monkeypatch.setenv("SAFECONTEXT_WORKERS", "1")
    single = check_files(paths, config)

    def seen(results):
        return [(r.path.name, r.status, r.read_error, [str(p) for p in r.problems], r.values) for r in results]

    assert seen(parallel) == seen(single)
    assert [r.status for r in parallel].count("errors") == 14  # forms 0, 3, ..., 39
    assert parallel[-1].read_error == "not an Excel workbook (.xlsx). Save it from Excel as 'Excel Workbook (.xlsx)'."
    assert parallel[0].record.form.id == "fap-referral"
