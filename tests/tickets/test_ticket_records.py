"""The one ticket record: which columns are read, joined and reported missing, for every
entry point (pure: lines in, records out)."""

from __future__ import annotations

import pytest

from classifiers.ticket_records import (
    MissingColumnError,
    RecordError,
    TicketColumns,
    TicketRecord,
    read_tickets,
)


def _read(data: bytes, columns: TicketColumns | None = None, **kw: bool) -> list:
    return list(read_tickets(data.splitlines(keepends=True), columns or TicketColumns(), **kw))


def test_subject_and_body_csv_is_joined_with_quoted_newlines_kept() -> None:
    records = _read(b'id,subject,body\nT-7,Printer,"jammed\nagain"\nT-8,,only body\n')
    assert [r.id for r in records] == ["T-7", "T-8"]
    assert records[0].text == "Printer\n\njammed\nagain"
    assert records[1].text == "only body"


def test_json_lines_accept_text_or_subject_body_and_keep_neighbours() -> None:
    records = _read(b'{"id": 1, "text": "hello"}\n{"subject": "vpn"}\nnot json\n{"foo": 1}\n')
    assert isinstance(records[0], TicketRecord) and records[0].text == "hello"
    assert isinstance(records[1], TicketRecord) and (records[1].id, records[1].text) == (1, "vpn")
    assert isinstance(records[2], RecordError) and records[2].kind == "invalid_json"
    assert isinstance(records[3], RecordError)
    assert "columns present: foo" in records[3].error


def test_named_text_columns_are_joined_in_order_and_ids_read_from_the_id_column() -> None:
    columns = TicketColumns(text=("Title", "Description"), id="Number")
    (record,) = _read(b"Number,Description,Title\nINC1,disk full,Server\n", columns)
    assert (record.id, record.text) == ("INC1", "Server\n\ndisk full")


def test_missing_text_column_names_it_and_lists_the_present_ones() -> None:
    with pytest.raises(MissingColumnError, match=r"'Title'; columns present: subject, body"):
        _read(b"subject,body\na,b\n", TicketColumns(text=("Title",)))


def test_training_needs_a_label_column_and_says_which_are_present() -> None:
    with pytest.raises(MissingColumnError, match=r"no label column .*present: subject, body"):
        _read(b"subject,body\na,b\n", with_label=True)
    (record,) = _read(
        b"subject,body,assignment_group\na,b,Network\n",
        TicketColumns(label="assignment_group"),
        with_label=True,
    )
    assert record.label == "Network"
