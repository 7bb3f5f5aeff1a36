"""Table: rows as in the source, spans kept; grid() expands them the way HTML lays tables out."""

from pipelines.extract import Cell, Table


def test_table_grid_expands_spans_and_leaves_covered_positions_none():
    table = Table(((Cell("项目", rowspan=2), Cell("本年", colspan=2)), (Cell("制发"), Cell("废止"))))
    assert table.grid() == [["项目", "本年", None], [None, "制发", "废止"]]


def test_table_grid_keeps_blank_cells_apart_from_missing_ones():
    table = Table(((Cell("a"), Cell(""), Cell("c")), (Cell("d"),)))
    assert table.grid() == [["a", "", "c"], ["d", None, None]]


def test_table_grid_stops_rowspans_at_the_last_row():
    table = Table(((Cell("合计", rowspan=5), Cell("1")), (Cell("2"),)))
    assert table.grid() == [["合计", "1"], [None, "2"]]


def test_table_text_is_tab_flattened_with_merged_positions_empty():
    table = Table(((Cell("三、本年度\n办理结果", rowspan=2), Cell("（一）予以公开"), Cell("0")),
                   (Cell("（二）部分公开"), Cell("")),), page=3)
    assert table.text() == "三、本年度 办理结果\t（一）予以公开\t0\n\t（二）部分公开\t"
    assert table.page == 3
