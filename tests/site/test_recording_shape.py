"""What `recording.shape` treats as the same output, and what it keeps apart."""

from lessontest.recording import shape

TABLE = """\
JobID         AllocCPUS    Elapsed      State
------------ ---------- ---------- ----------
72                    2   00:00:07 {job}
72.batch              2   00:00:07 {batch}
72.extern             2   00:00:07  COMPLETED
72.0                  2   00:00:09 {step}
"""


def table(job, batch, step):
    return TABLE.format(job=job, batch=batch, step=step)


def test_job_ids_and_times_do_not_count():
    one = table("FAILED", "FAILED", "OUT_OF_ME+")
    other = one.replace("72", "266").replace("00:00:07", "00:00:09")
    assert shape(one) == shape(other)


def test_after_a_step_ran_out_of_memory_the_jobs_line_may_say_either():
    assert shape(table("FAILED", "FAILED", "OUT_OF_ME+")) == shape(
        table("OUT_OF_ME+", "OUT_OF_ME+", "OUT_OF_ME+")
    )


def test_the_step_that_ran_out_of_memory_still_counts():
    assert shape(table("FAILED", "FAILED", "OUT_OF_ME+")) != shape(
        table("FAILED", "FAILED", "FAILED")
    )


def test_without_a_step_out_of_memory_failed_and_out_of_memory_differ():
    assert shape(table("FAILED", "FAILED", "COMPLETED")) != shape(
        table("OUT_OF_ME+", "OUT_OF_ME+", "COMPLETED")
    )
    assert shape(table("COMPLETED", "COMPLETED", "OUT_OF_ME+")) != shape(
        table("FAILED", "FAILED", "OUT_OF_ME+")
    )
